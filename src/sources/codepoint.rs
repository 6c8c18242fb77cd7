//! OS Code-Point Open, read in place from the official zip: postcode → grid reference → WGS84.

use super::{Result, SourceError};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A syntactically valid UK postcode in its canonical form ("GL1 2EH").
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct Postcode(String);

/// Why a postcode could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{input}' is not a valid UK postcode: {reason} (expected e.g. \"GL1 2EH\")")]
pub struct PostcodeError {
    pub input: String,
    pub reason: &'static str,
}

impl Postcode {
    /// Normalise user input: case, and any spacing ("gl12eh", "GL1  2EH", " gl1 2eh ").
    ///
    /// ```
    /// use needsmap::sources::codepoint::Postcode;
    /// assert_eq!(Postcode::parse("gl12eh").unwrap().as_str(), "GL1 2EH");
    /// assert_eq!(Postcode::parse(" GL50  3eg").unwrap().as_str(), "GL50 3EG");
    /// assert!(Postcode::parse("GL1 2E").is_err());
    /// ```
    pub fn parse(input: &str) -> std::result::Result<Postcode, PostcodeError> {
        let err = |reason| PostcodeError {
            input: input.chars().take(40).collect(),
            reason,
        };
        if input.len() > 16 {
            return Err(err("too long"));
        }
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(err("only letters, digits and spaces are allowed"));
        }
        if !(5..=7).contains(&compact.len()) {
            return Err(err("a postcode has 5 to 7 letters and digits"));
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        let inb = inward.as_bytes();
        if !(inb[0].is_ascii_digit()
            && inb[1].is_ascii_alphabetic()
            && inb[2].is_ascii_alphabetic())
        {
            return Err(err("the last part must be a digit and two letters"));
        }
        let shape: String = outward
            .chars()
            .map(|c| if c.is_ascii_digit() { '9' } else { 'A' })
            .collect();
        if !matches!(
            shape.as_str(),
            "A9" | "A99" | "AA9" | "AA99" | "A9A" | "AA9A"
        ) {
            return Err(err(
                "the first part must look like A9, A99, AA9, AA99, A9A or AA9A",
            ));
        }
        Ok(Postcode(format!("{outward} {inward}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The postcode area ("GL"): the Code-Point Open file it lives in.
    pub fn area(&self) -> &str {
        let end = self
            .0
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(self.0.len());
        &self.0[..end]
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where Code-Point Open puts a postcode.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PostcodePoint {
    pub postcode: Postcode,
    pub easting: f64,
    pub northing: f64,
    pub lon: f64,
    pub lat: f64,
    /// Positional quality indicator (10 = within the building of a matched address).
    pub quality: u8,
    pub district_code: String,
}

type AreaTable = HashMap<String, PostcodePoint>;

/// The Code-Point Open zip, opened in place; each postcode area's CSV is parsed on first use
/// and kept, so the server's postcode lookups read a few hundred kilobytes, not 160 MB.
pub struct PostcodeBook {
    path: PathBuf,
    members: BTreeMap<String, String>,
    cache: Mutex<HashMap<String, Arc<AreaTable>>>,
    /// Postcodes known without reading the zip (a compiled atlas carries its region's); any other
    /// postcode is still looked up in the zip, so nothing outside them is reported as unknown.
    preloaded: HashMap<String, PostcodePoint>,
}

impl fmt::Debug for PostcodeBook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostcodeBook")
            .field("path", &self.path)
            .field("areas", &self.members.len())
            .finish()
    }
}

fn zip_err(path: &Path, e: impl fmt::Display) -> SourceError {
    SourceError::Format {
        path: path.to_path_buf(),
        message: format!("not a readable Code-Point Open zip: {e}"),
    }
}

impl PostcodeBook {
    pub fn open(path: &Path) -> Result<PostcodeBook> {
        let file = File::open(path).map_err(|e| SourceError::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        let archive = zip::ZipArchive::new(file).map_err(|e| zip_err(path, e))?;
        let mut members = BTreeMap::new();
        for name in archive.file_names() {
            if let Some(stem) = name
                .strip_prefix("Data/CSV/")
                .and_then(|n| n.strip_suffix(".csv"))
            {
                members.insert(stem.to_ascii_uppercase(), name.to_string());
            }
        }
        if members.is_empty() {
            return Err(zip_err(path, "no Data/CSV/<area>.csv members"));
        }
        Ok(PostcodeBook {
            path: path.to_path_buf(),
            members,
            cache: Mutex::new(HashMap::new()),
            preloaded: HashMap::new(),
        })
    }

    /// Answer these postcodes from memory; others still come from the zip.
    pub fn with_preloaded(
        mut self,
        points: impl IntoIterator<Item = PostcodePoint>,
    ) -> PostcodeBook {
        self.preloaded
            .extend(points.into_iter().map(|p| (p.postcode.0.clone(), p)));
        self
    }

    /// How many postcodes are answered from memory without reading the zip.
    pub fn preloaded_len(&self) -> usize {
        self.preloaded.len()
    }

    /// Every postcode whose location lies in a lon/lat box, reading every area file once (in
    /// parallel; cached). Used to compile a region's postcodes into its atlas snapshot.
    pub fn points_within(
        &self,
        west: f64,
        south: f64,
        east: f64,
        north: f64,
    ) -> Result<Vec<PostcodePoint>> {
        let areas: Vec<&str> = self.members.keys().map(|s| s.as_str()).collect();
        let tables: Vec<Arc<AreaTable>> = areas
            .par_iter()
            .map(|a| self.area_table(a))
            .collect::<Result<_>>()?;
        let mut out: Vec<PostcodePoint> = tables
            .iter()
            .flat_map(|t| t.values())
            .filter(|p| (west..=east).contains(&p.lon) && (south..=north).contains(&p.lat))
            .cloned()
            .collect();
        out.sort_by(|a, b| a.postcode.cmp(&b.postcode));
        Ok(out)
    }

    /// The postcode areas in the product.
    pub fn areas(&self) -> impl Iterator<Item = &str> {
        self.members.keys().map(|s| s.as_str())
    }

    /// Locate one postcode. `Ok(None)` means a well-formed postcode that Code-Point Open does not
    /// hold (terminated, non-geographic, or simply not real).
    pub fn locate(&self, postcode: &Postcode) -> Result<Option<PostcodePoint>> {
        if let Some(p) = self.preloaded.get(postcode.as_str()) {
            return Ok(Some(p.clone()));
        }
        let area = postcode.area();
        if !self.members.contains_key(area) {
            return Ok(None);
        }
        Ok(self.area_table(area)?.get(postcode.as_str()).cloned())
    }

    /// Locate many postcodes at once, reading each needed area file once (in parallel).
    pub fn locate_many(
        &self,
        postcodes: &HashSet<Postcode>,
    ) -> Result<HashMap<Postcode, PostcodePoint>> {
        let mut areas: Vec<&str> = postcodes
            .iter()
            .map(|p| p.area())
            .filter(|a| self.members.contains_key(*a))
            .collect();
        areas.sort_unstable();
        areas.dedup();
        let tables: Vec<Arc<AreaTable>> = areas
            .par_iter()
            .map(|a| self.area_table(a))
            .collect::<Result<_>>()?;
        let mut out = HashMap::new();
        for p in postcodes {
            let area = p.area();
            if let Ok(i) = areas.binary_search(&area) {
                if let Some(point) = tables[i].get(p.as_str()) {
                    out.insert(p.clone(), point.clone());
                }
            }
        }
        Ok(out)
    }

    fn area_table(&self, area: &str) -> Result<Arc<AreaTable>> {
        if let Some(t) = self
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(area)
        {
            return Ok(t.clone());
        }
        let table = Arc::new(self.read_area(area)?);
        self.cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(area.to_string(), table.clone());
        Ok(table)
    }

    fn read_area(&self, area: &str) -> Result<AreaTable> {
        let member = &self.members[area];
        let label = self.path.join(member);
        let file = File::open(&self.path).map_err(|e| SourceError::Io {
            path: self.path.clone(),
            source: e,
        })?;
        let mut archive = zip::ZipArchive::new(file).map_err(|e| zip_err(&self.path, e))?;
        let mut entry = archive
            .by_name(member)
            .map_err(|e| zip_err(&self.path, e))?;
        let mut text = String::with_capacity(entry.size() as usize);
        entry
            .read_to_string(&mut text)
            .map_err(|e| SourceError::Io {
                path: label.clone(),
                source: e,
            })?;
        parse_area_csv(&label, text.as_bytes())
    }
}

/// Parse one headerless Code-Point Open area CSV (columns per `Doc/Code-Point_Open_Column_Headers.csv`:
/// Postcode, Positional_quality_indicator, Eastings, Northings, Country_code, NHS_regional_HA_code,
/// NHS_HA_code, Admin_county_code, Admin_district_code, Admin_ward_code).
pub fn parse_area_csv(label: &Path, bytes: &[u8]) -> Result<AreaTable> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .from_reader(bytes);
    let mut out = HashMap::new();
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| super::csv_error(label, e))?
    {
        let row = record.position().map(|p| p.line()).unwrap_or(0);
        if record.len() < 9 {
            return Err(SourceError::Row {
                path: label.to_path_buf(),
                row,
                message: format!("has {} fields, expected 10", record.len()),
            });
        }
        let field_err = |field: &str, value: &str, expected| SourceError::Field {
            path: label.to_path_buf(),
            row,
            field: field.into(),
            value: value.into(),
            expected,
        };
        let raw_pc = &record[0];
        let postcode =
            Postcode::parse(raw_pc).map_err(|_| field_err("Postcode", raw_pc, "a UK postcode"))?;
        let easting: f64 = record[2]
            .trim()
            .parse()
            .map_err(|_| field_err("Eastings", &record[2], "metres"))?;
        let northing: f64 = record[3]
            .trim()
            .parse()
            .map_err(|_| field_err("Northings", &record[3], "metres"))?;
        let quality: u8 = record[1].trim().parse().map_err(|_| {
            field_err(
                "Positional_quality_indicator",
                &record[1],
                "a small integer",
            )
        })?;
        // Quality 90 = no coordinates (the record carries 0,0): keep it out rather than place it off Cornwall.
        if quality >= 90 || (easting == 0.0 && northing == 0.0) {
            continue;
        }
        let Some((lon, lat)) = crate::geodesy::bng_to_lonlat(easting, northing) else {
            return Err(field_err(
                "Eastings",
                &record[2],
                "a grid reference inside Great Britain",
            ));
        };
        let district_code = record[8].trim().to_string();
        out.insert(
            postcode.0.clone(),
            PostcodePoint {
                postcode,
                easting,
                northing,
                lon,
                lat,
                quality,
                district_code,
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_rejects() {
        for (input, want) in [
            ("gl12eh", "GL1 2EH"),
            ("GL1  2EH", "GL1 2EH"),
            ("ec1a1aa", "EC1A 1AA"),
            ("W1A 0AX", "W1A 0AX"),
            ("b11ay", "B1 1AY"),
        ] {
            assert_eq!(Postcode::parse(input).unwrap().as_str(), want);
        }
        for bad in [
            "",
            "GL1",
            "GL1 2E",
            "1GL 2EH",
            "GL1 2E1",
            "GL1-2EH",
            "GLXX 2EH",
            "GL1 2EHX",
            "😀😀😀😀😀",
        ] {
            assert!(Postcode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Postcode::parse("gl50 3eg").unwrap().area(), "GL");
        assert_eq!(Postcode::parse("B1 1AY").unwrap().area(), "B");
    }

    #[test]
    fn area_csv_rows_and_errors() {
        let ok = b"\"GL1 1AD\",10,383316,218534,\"E92000001\",\"E19000002\",\"E18000010\",\"E10000013\",\"E07000081\",\"E05010967\"\n";
        let t = parse_area_csv(Path::new("gl.csv"), ok).unwrap();
        let p = &t["GL1 1AD"];
        assert_eq!(p.district_code, "E07000081");
        assert!(
            (p.lon - -2.2445).abs() < 0.01 && (p.lat - 51.866).abs() < 0.01,
            "{p:?}"
        );
        let bad = b"\"GL1 1AD\",10,abc,218534,\"E92000001\",\"\",\"\",\"\",\"E07000081\",\"\"\n";
        let err = parse_area_csv(Path::new("gl.csv"), bad)
            .unwrap_err()
            .to_string();
        assert!(err.contains("Eastings") && err.contains("row 1"), "{err}");
    }
}
