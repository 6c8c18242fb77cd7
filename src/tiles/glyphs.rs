//! Font glyphs for the map's labels, made by needsmap itself so that the page asks no other server
//! for fonts: signed-distance-field (SDF) bitmaps in MapLibre's glyph protobuf, 256 code points
//! per range, computed from the outlines of a TrueType font on disk on first use and kept.
//!
//! The distance of each bitmap pixel is measured exactly from the glyph's outline (curves cut into
//! short segments), and the nonzero winding rule says inside from outside, so no rasteriser is
//! needed. Values follow MapLibre's convention: 24 px em, a 3 px border, radius 8 px, the edge at
//! 192/255.

use super::pbf::{put_bytes, put_key, put_varint, zigzag32, WIRE_VARINT};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// MapLibre's em: glyph bitmaps are drawn for a 24 px font and scaled.
pub const EM_PX: f64 = 24.0;
/// Pixels of distance field around each glyph's box.
pub const BORDER: i32 = 3;
/// Distance (px) over which the field falls from the edge to nothing.
pub const RADIUS: f64 = 8.0;
/// Share of the value range inside the edge: the edge is at 255 × (1 − CUTOFF).
pub const CUTOFF: f64 = 0.25;
/// Segments a quadratic / cubic curve is cut into (at 24 px a segment is under a pixel).
const QUAD_STEPS: usize = 6;
const CUBIC_STEPS: usize = 10;

/// The font stacks offered and the DejaVu file each is made from.
pub const FONTS: [(&str, &str); 2] = [
    ("DejaVu Sans", "DejaVuSans.ttf"),
    ("DejaVu Sans Bold", "DejaVuSans-Bold.ttf"),
];

#[derive(Debug, thiserror::Error)]
pub enum GlyphError {
    #[error("range '{0}' is not a glyph range: use START-END with START a multiple of 256 and END = START + 255, e.g. 0-255")]
    BadRange(String),
    #[error("no font of the stack '{0}' is served here; fonts: DejaVu Sans, DejaVu Sans Bold")]
    UnknownFont(String),
    #[error("font file {path} could not be read: {why}")]
    Font { path: PathBuf, why: String },
}

/// The first code point of a range written `START-END` (`0-255`, `8192-8447`).
pub fn parse_range(text: &str) -> Result<u32, GlyphError> {
    let bad = || GlyphError::BadRange(text.chars().take(20).collect());
    let (a, b) = text.split_once('-').ok_or_else(bad)?;
    let (a, b): (u32, u32) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
    if a % 256 != 0 || b != a + 255 || b > 0xFFFF {
        return Err(bad());
    }
    Ok(a)
}

/// A range's protobuf by font and first code point.
type RangeCache = HashMap<(&'static str, u32), Arc<Vec<u8>>>;

/// Glyph ranges of the served fonts, made on first request and kept (a few KB each).
#[derive(Debug)]
pub struct Glyphs {
    dirs: Vec<PathBuf>,
    fonts: Mutex<HashMap<&'static str, Arc<Vec<u8>>>>,
    ranges: Mutex<RangeCache>,
}

impl Glyphs {
    /// Fonts are looked for in `dirs`, in order (e.g. the npm package `dejavu-fonts-ttf`, then
    /// Debian's fonts-dejavu-core).
    pub fn new(dirs: Vec<PathBuf>) -> Glyphs {
        Glyphs {
            dirs,
            fonts: Mutex::new(HashMap::new()),
            ranges: Mutex::new(HashMap::new()),
        }
    }

    /// The font a stack (`"DejaVu Sans Bold,Arial Unicode MS Regular"`) resolves to: its first
    /// name that is served.
    pub fn font_of(stack: &str) -> Result<&'static str, GlyphError> {
        stack
            .split(',')
            .find_map(|n| FONTS.iter().find(|(f, _)| f.eq_ignore_ascii_case(n.trim())))
            .map(|(f, _)| *f)
            .ok_or_else(|| GlyphError::UnknownFont(stack.chars().take(80).collect()))
    }

    fn font_bytes(&self, font: &'static str) -> Result<Arc<Vec<u8>>, GlyphError> {
        if let Some(b) = self.fonts.lock().expect("font cache").get(font) {
            return Ok(b.clone());
        }
        let file = FONTS
            .iter()
            .find(|(f, _)| *f == font)
            .expect("a served font")
            .1;
        let path = self
            .dirs
            .iter()
            .map(|d| d.join(file))
            .find(|p| p.is_file())
            .ok_or_else(|| GlyphError::Font {
                path: PathBuf::from(file),
                why: format!(
                    "not found in {}; run `npm ci --prefix web` (package dejavu-fonts-ttf)",
                    self.dirs
                        .iter()
                        .map(|d| d.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })?;
        let bytes = std::fs::read(&path).map_err(|e| GlyphError::Font {
            path: path.clone(),
            why: e.to_string(),
        })?;
        ttf_parser::Face::parse(&bytes, 0).map_err(|e| GlyphError::Font {
            path: path.clone(),
            why: e.to_string(),
        })?;
        let bytes = Arc::new(bytes);
        self.fonts
            .lock()
            .expect("font cache")
            .insert(font, bytes.clone());
        Ok(bytes)
    }

    /// The protobuf of one range of a stack's font.
    pub fn range(&self, stack: &str, start: u32) -> Result<Arc<Vec<u8>>, GlyphError> {
        let font = Glyphs::font_of(stack)?;
        if let Some(b) = self.ranges.lock().expect("glyph cache").get(&(font, start)) {
            return Ok(b.clone());
        }
        let bytes = self.font_bytes(font)?;
        let face = ttf_parser::Face::parse(&bytes, 0).expect("checked when read");
        let pbf = Arc::new(encode_range(&face, font, start));
        self.ranges
            .lock()
            .expect("glyph cache")
            .insert((font, start), pbf.clone());
        Ok(pbf)
    }
}

/// The default places fonts are looked for, beside a web folder.
pub fn font_dirs(web_dir: &Path) -> Vec<PathBuf> {
    vec![
        web_dir.join("node_modules/dejavu-fonts-ttf/ttf"),
        PathBuf::from("/usr/share/fonts/truetype/dejavu"),
    ]
}

/// One glyph's metrics and distance field, in MapLibre's units.
#[derive(Debug, Clone, PartialEq)]
pub struct SdfGlyph {
    pub id: u32,
    pub width: u32,
    pub height: u32,
    pub left: i32,
    pub top: i32,
    pub advance: u32,
    /// (width + 2·BORDER) × (height + 2·BORDER) bytes, rows from the top; empty for blank glyphs.
    pub bitmap: Vec<u8>,
}

/// The outline of a glyph as line segments, in pixels at [`EM_PX`] (y up).
#[derive(Default)]
struct Segments {
    scale: f64,
    start: (f64, f64),
    at: (f64, f64),
    segs: Vec<[f64; 4]>,
}

impl Segments {
    fn p(&self, x: f32, y: f32) -> (f64, f64) {
        (x as f64 * self.scale, y as f64 * self.scale)
    }
    fn push(&mut self, to: (f64, f64)) {
        if to != self.at {
            self.segs.push([self.at.0, self.at.1, to.0, to.1]);
        }
        self.at = to;
    }
}

impl ttf_parser::OutlineBuilder for Segments {
    fn move_to(&mut self, x: f32, y: f32) {
        self.at = self.p(x, y);
        self.start = self.at;
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let to = self.p(x, y);
        self.push(to);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (p0, c, p1) = (self.at, self.p(x1, y1), self.p(x, y));
        for k in 1..=QUAD_STEPS {
            let t = k as f64 / QUAD_STEPS as f64;
            let u = 1.0 - t;
            self.push((
                u * u * p0.0 + 2.0 * u * t * c.0 + t * t * p1.0,
                u * u * p0.1 + 2.0 * u * t * c.1 + t * t * p1.1,
            ));
        }
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (p0, c1, c2, p1) = (self.at, self.p(x1, y1), self.p(x2, y2), self.p(x, y));
        for k in 1..=CUBIC_STEPS {
            let t = k as f64 / CUBIC_STEPS as f64;
            let u = 1.0 - t;
            let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
            self.push((
                a * p0.0 + b * c1.0 + c * c2.0 + d * p1.0,
                a * p0.1 + b * c1.1 + c * c2.1 + d * p1.1,
            ));
        }
    }
    fn close(&mut self) {
        let s = self.start;
        self.push(s);
    }
}

/// Squared distance from a point to a segment.
fn dist2(px: f64, py: f64, s: &[f64; 4]) -> f64 {
    let (dx, dy) = (s[2] - s[0], s[3] - s[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((px - s[0]) * dx + (py - s[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (x, y) = (s[0] + t * dx - px, s[1] + t * dy - py);
    x * x + y * y
}

/// Winding number of the outline around a point (nonzero = inside).
fn winding(px: f64, py: f64, segs: &[[f64; 4]]) -> i32 {
    let mut w = 0;
    for s in segs {
        let (x0, y0, x1, y1) = (s[0], s[1], s[2], s[3]);
        let side = (x1 - x0) * (py - y0) - (px - x0) * (y1 - y0);
        if y0 <= py {
            if y1 > py && side > 0.0 {
                w += 1;
            }
        } else if y1 <= py && side < 0.0 {
            w -= 1;
        }
    }
    w
}

/// The distance field of one code point, or `None` when the font has no glyph for it.
pub fn sdf_glyph(face: &ttf_parser::Face, code: u32) -> Option<SdfGlyph> {
    let ch = char::from_u32(code)?;
    let gid = face.glyph_index(ch)?;
    let scale = EM_PX / face.units_per_em() as f64;
    let advance = (face.glyph_hor_advance(gid).unwrap_or(0) as f64 * scale).round() as u32;
    let ascender = (face.ascender() as f64 * scale).round() as i32;
    let mut out = Segments {
        scale,
        ..Default::default()
    };
    let blank = SdfGlyph {
        id: code,
        width: 0,
        height: 0,
        left: 0,
        top: -ascender,
        advance,
        bitmap: Vec::new(),
    };
    if face.outline_glyph(gid, &mut out).is_none() || out.segs.is_empty() {
        return Some(blank);
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for s in &out.segs {
        x0 = x0.min(s[0]).min(s[2]);
        x1 = x1.max(s[0]).max(s[2]);
        y0 = y0.min(s[1]).min(s[3]);
        y1 = y1.max(s[1]).max(s[3]);
    }
    let (left, right, bottom, top) = (
        x0.floor() as i32,
        x1.ceil() as i32,
        y0.floor() as i32,
        y1.ceil() as i32,
    );
    let (w, h) = ((right - left) as u32, (top - bottom) as u32);
    let (bw, bh) = (w as i32 + 2 * BORDER, h as i32 + 2 * BORDER);
    let mut bitmap = Vec::with_capacity((bw * bh) as usize);
    for row in 0..bh {
        let py = (top + BORDER - row) as f64 - 0.5;
        for col in 0..bw {
            let px = (left - BORDER + col) as f64 + 0.5;
            let d = out
                .segs
                .iter()
                .map(|s| dist2(px, py, s))
                .fold(f64::MAX, f64::min)
                .sqrt();
            let signed = if winding(px, py, &out.segs) != 0 {
                -d
            } else {
                d
            };
            let v = 255.0 - 255.0 * (signed / RADIUS + CUTOFF);
            bitmap.push(v.round().clamp(0.0, 255.0) as u8);
        }
    }
    Some(SdfGlyph {
        id: code,
        width: w,
        height: h,
        left,
        top: top - ascender,
        advance,
        bitmap,
    })
}

/// `glyphs { stacks { name, range, glyphs… } }` for the 256 code points from `start`.
pub fn encode_range(face: &ttf_parser::Face, name: &str, start: u32) -> Vec<u8> {
    let mut stack = Vec::new();
    put_bytes(&mut stack, 1, name.as_bytes());
    put_bytes(&mut stack, 2, format!("{start}-{}", start + 255).as_bytes());
    for code in start..=start + 255 {
        if let Some(g) = sdf_glyph(face, code) {
            let mut m = Vec::with_capacity(g.bitmap.len() + 24);
            let uint = |m: &mut Vec<u8>, field: u32, v: u64| {
                put_key(m, field, WIRE_VARINT);
                put_varint(m, v);
            };
            uint(&mut m, 1, g.id as u64);
            if !g.bitmap.is_empty() {
                put_bytes(&mut m, 2, &g.bitmap);
            }
            uint(&mut m, 3, g.width as u64);
            uint(&mut m, 4, g.height as u64);
            uint(&mut m, 5, zigzag32(g.left) as u64);
            uint(&mut m, 6, zigzag32(g.top) as u64);
            uint(&mut m, 7, g.advance as u64);
            put_bytes(&mut stack, 3, &m);
        }
    }
    let mut out = Vec::with_capacity(stack.len() + 8);
    put_bytes(&mut out, 1, &stack);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_whole_blocks_of_256() {
        assert_eq!(parse_range("0-255").unwrap(), 0);
        assert_eq!(parse_range("8192-8447").unwrap(), 8192);
        for bad in ["0-256", "1-256", "abc", "65536-65791", "-1-254", ""] {
            assert!(parse_range(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn stacks_resolve_to_their_first_served_font() {
        assert_eq!(
            Glyphs::font_of("Arial Bold,DejaVu Sans Bold").unwrap(),
            "DejaVu Sans Bold"
        );
        assert_eq!(Glyphs::font_of("dejavu sans").unwrap(), "DejaVu Sans");
        assert!(Glyphs::font_of("Comic Sans").is_err());
    }

    #[test]
    fn a_square_outline_is_inside_within_and_fades_outside() {
        // A 10 px square, counter-clockwise, as segments.
        let sq = [
            [0.0, 0.0, 10.0, 0.0],
            [10.0, 0.0, 10.0, 10.0],
            [10.0, 10.0, 0.0, 10.0],
            [0.0, 10.0, 0.0, 0.0],
        ];
        assert_ne!(winding(5.0, 5.0, &sq), 0);
        assert_eq!(winding(15.0, 5.0, &sq), 0);
        assert_eq!(winding(-1.0, 5.0, &sq), 0);
        assert!((dist2(13.0, 5.0, &sq[1]) - 9.0).abs() < 1e-12);
        assert!((dist2(13.0, 14.0, &sq[1]) - (9.0 + 16.0)).abs() < 1e-12);
    }
}
