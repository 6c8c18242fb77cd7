//! Reading an `.osm.pbf` once into the routable ways of all modes.
//!
//! PBF files store nodes before the ways that use them, so one pass must keep every node's
//! coordinates until the ways are known (16 bytes a node: ~80 MB for a county extract, a few GB
//! for England). Blocks are decoded in parallel with rayon and then put back in file order, so
//! node and segment numbering — and therefore every result — is the same on every run.

use std::path::Path;

use osmpbf::{BlobDecode, BlobReader, Element, PrimitiveBlock};
use rayon::prelude::*;

use super::graph::{Network, NetworkBuilder};
use super::profile::{way_rule, WayRule};
use super::{TravelError, TravelMode};

const MISSING: u32 = u32::MAX;

/// Decoded content of one PBF block that routing cares about.
#[derive(Default)]
struct Chunk {
    /// (OSM id, lon, lat) in 1e-7 degrees.
    nodes: Vec<(i64, i32, i32)>,
    /// (first ref, end ref) into `refs`, and the rule of each mode.
    ways: Vec<(usize, usize, [Option<WayRule>; 3])>,
    refs: Vec<i64>,
}

impl Chunk {
    fn from_block(block: &PrimitiveBlock) -> Chunk {
        let mut chunk = Chunk::default();
        let mut tags: Vec<(&str, &str)> = Vec::new();
        for element in block.elements() {
            match element {
                Element::DenseNode(n) => {
                    chunk
                        .nodes
                        .push((n.id(), n.decimicro_lon(), n.decimicro_lat()))
                }
                Element::Node(n) => {
                    chunk
                        .nodes
                        .push((n.id(), n.decimicro_lon(), n.decimicro_lat()))
                }
                Element::Way(w) => {
                    tags.clear();
                    tags.extend(w.tags());
                    if !tags.iter().any(|(k, _)| *k == "highway") {
                        continue;
                    }
                    let rules = TravelMode::ALL.map(|m| way_rule(m, &tags));
                    if rules.iter().all(Option::is_none) {
                        continue;
                    }
                    let start = chunk.refs.len();
                    chunk.refs.extend(w.refs());
                    chunk.ways.push((start, chunk.refs.len(), rules));
                }
                Element::Relation(_) => {}
            }
        }
        chunk
    }
}

/// Routable ways of every mode, with their nodes resolved to coordinates.
pub(crate) struct OsmWays {
    lon: Vec<f64>,
    lat: Vec<f64>,
    /// Index into `lon`/`lat` per way node, `MISSING` if the extract lacks the node.
    refs: Vec<u32>,
    ways: Vec<(usize, usize, [Option<WayRule>; 3])>,
}

impl OsmWays {
    pub fn read(path: &Path) -> Result<OsmWays, TravelError> {
        let pbf_err = |source| TravelError::Pbf {
            path: path.to_path_buf(),
            source,
        };
        let blobs = BlobReader::from_path(path).map_err(pbf_err)?;
        let mut chunks: Vec<(usize, Chunk)> = blobs
            .enumerate()
            .par_bridge()
            .map(|(i, blob)| {
                let chunk = match blob?.decode()? {
                    BlobDecode::OsmData(block) => Chunk::from_block(&block),
                    _ => Chunk::default(),
                };
                Ok((i, chunk))
            })
            .collect::<Result<_, osmpbf::Error>>()
            .map_err(pbf_err)?;
        chunks.sort_unstable_by_key(|(i, _)| *i);

        let node_total = chunks.iter().map(|(_, c)| c.nodes.len()).sum();
        let mut nodes = Vec::with_capacity(node_total);
        let mut ways = Vec::new();
        let mut raw_refs = Vec::new();
        for (_, chunk) in &mut chunks {
            nodes.append(&mut chunk.nodes);
            let offset = raw_refs.len();
            ways.extend(
                chunk
                    .ways
                    .iter()
                    .map(|&(s, e, rules)| (s + offset, e + offset, rules)),
            );
            raw_refs.append(&mut chunk.refs);
        }
        drop(chunks);
        if nodes.len() >= MISSING as usize {
            return Err(TravelError::InvalidNetwork(format!(
                "{}: {} nodes is more than this engine indexes",
                path.display(),
                nodes.len()
            )));
        }
        // Files are normally sorted by id already ("Sort.Type_then_ID"); sort only if not.
        if !nodes.windows(2).all(|w| w[0].0 < w[1].0) {
            nodes.par_sort_unstable_by_key(|n| n.0);
            nodes.dedup_by_key(|n| n.0);
        }
        let found: Vec<u32> = raw_refs
            .par_iter()
            .map(|id| {
                nodes
                    .binary_search_by_key(id, |n| n.0)
                    .map_or(MISSING, |i| i as u32)
            })
            .collect();
        drop(raw_refs);

        // Keep coordinates of way nodes only.
        let mut compact = vec![MISSING; nodes.len()];
        let (mut lon, mut lat) = (Vec::new(), Vec::new());
        let refs = found
            .iter()
            .map(|&i| {
                if i == MISSING {
                    return MISSING;
                }
                let slot = &mut compact[i as usize];
                if *slot == MISSING {
                    *slot = lon.len() as u32;
                    let (_, x, y) = nodes[i as usize];
                    lon.push(x as f64 * 1e-7);
                    lat.push(y as f64 * 1e-7);
                }
                *slot
            })
            .collect();
        Ok(OsmWays {
            lon,
            lat,
            refs,
            ways,
        })
    }

    /// Build one mode's network: every way node used by the mode becomes a graph node and every
    /// pair of consecutive nodes a segment. Segments touching nodes absent from the extract
    /// (ways clipped at the extract boundary) are dropped.
    pub fn build(&self, mode: TravelMode, path: &Path) -> Result<Network, TravelError> {
        let mut local = vec![MISSING; self.lon.len()];
        let mut builder = NetworkBuilder::new(mode);
        let mut node = |b: &mut NetworkBuilder, i: u32| {
            let slot = &mut local[i as usize];
            if *slot == MISSING {
                *slot = b.add_node(self.lon[i as usize], self.lat[i as usize]);
            }
            *slot
        };
        for &(start, end, rules) in &self.ways {
            let Some(rule) = rules[mode.index()] else {
                continue;
            };
            for pair in self.refs[start..end].windows(2) {
                let (a, b) = (pair[0], pair[1]);
                if a == MISSING || b == MISSING || a == b {
                    continue;
                }
                let (a, b) = (node(&mut builder, a), node(&mut builder, b));
                builder.add_way_segment(a, b, rule.forward, rule.backward, rule.kmh);
            }
        }
        if builder.segment_count() == 0 {
            return Err(TravelError::EmptyNetwork {
                path: path.to_path_buf(),
                mode,
            });
        }
        builder.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_and_missing_files_are_typed_errors() {
        let dir = std::env::temp_dir().join(format!("needsmap-travel-pbf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("garbage.osm.pbf");
        std::fs::write(
            &p,
            b"this is not a protocol buffer at all, just some text\n",
        )
        .unwrap();
        let e = OsmWays::read(&p).err().expect("garbage must not parse");
        assert!(matches!(e, TravelError::Pbf { .. }), "{e}");
        assert!(e.to_string().contains("garbage.osm.pbf"));

        let e = OsmWays::read(Path::new("/nonexistent/x.osm.pbf"))
            .err()
            .unwrap();
        assert!(e.to_string().contains("/nonexistent/x.osm.pbf"), "{e}");
    }
}
