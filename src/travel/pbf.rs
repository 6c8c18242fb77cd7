//! Reading an `.osm.pbf` once into the routable ways of all modes.
//!
//! PBF files store nodes before the ways that use them, so one pass must keep every node's
//! coordinates until the ways are known (16 bytes a node). Blocks are decoded in parallel with
//! rayon and then put back in file order, so node and segment numbering — and therefore every
//! result — is the same on every run. Before reading, the memory the file will need is
//! estimated from its size and compared with what the machine has available, so a file that
//! cannot fit fails at once with the figures instead of being killed half-way.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use osmpbf::{BlobDecode, BlobReader, Element, PrimitiveBlock};
use rayon::prelude::*;

use super::graph::{hilbert_order, NetworksBuilder};
use super::profile::{way_rule, WayRule};
use super::{TravelError, TravelMode};

const MISSING: u32 = u32::MAX;

/// Peak bytes of reading and building all three modes, per byte of PBF, for the check made
/// before reading. An estimate for real OSM extracts, which store roughly 7–10 bytes per node:
/// reading keeps 16 bytes per node (about twice the file) and the build needs about
/// [`BUILD_BYTES_PER_WAY_REF`] per way-node reference, with a third or so of all nodes on
/// routable ways: 2 + 0.35 × 110 / 8.5 ≈ 6.5, rounded up. Synthetic files can compress far
/// better (the county grid is 390 KB for 1.43 M nodes), so a second check runs once the ways
/// are counted, before the build.
pub const PEAK_BYTES_PER_PBF_BYTE: f64 = 8.0;

/// Files above this size get a progress bar on standard error (when it is a terminal).
const PROGRESS_ABOVE_BYTES: u64 = 64 << 20;

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
    fn from_block(block: &PrimitiveBlock, modes: [bool; 3]) -> Chunk {
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
                    let rules = TravelMode::ALL
                        .map(|m| modes[m.index()].then(|| way_rule(m, &tags)).flatten());
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

/// Counts bytes read, for the progress bar.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// `MemAvailable` from `/proc/meminfo`, bytes (`None` where there is no such file).
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Refuse a file whose estimated peak exceeds the available memory (unless
/// `NEEDSMAP_SKIP_MEMORY_CHECK` is set).
fn check_memory(path: &Path, bytes: u64, modes: usize) -> Result<(), TravelError> {
    if std::env::var_os("NEEDSMAP_SKIP_MEMORY_CHECK").is_some() {
        return Ok(());
    }
    let Some(available) = available_memory() else {
        return Ok(());
    };
    // One mode needs a little over half of all three: the node table and reading dominate.
    let share = [0.0, 0.6, 0.8, 1.0][modes.min(3)];
    let needed = (bytes as f64 * PEAK_BYTES_PER_PBF_BYTE * share) as u64;
    if needed > available {
        return Err(TravelError::TooLarge {
            path: path.to_path_buf(),
            file_mb: bytes >> 20,
            needed_mb: needed >> 20,
            available_mb: available >> 20,
        });
    }
    Ok(())
}

/// Peak bytes of building the graph per way-node reference (pieces, contraction, topology,
/// snap grid). Measured: 2,624 MB for the synthetic England network's 36.6 M segments built in
/// memory (72 B per segment, `benches/README.md`); 110 leaves room for the reading buffers.
pub const BUILD_BYTES_PER_WAY_REF: f64 = 110.0;

fn check_build_memory(path: &Path, size: u64, refs: usize) -> Result<(), TravelError> {
    if std::env::var_os("NEEDSMAP_SKIP_MEMORY_CHECK").is_some() {
        return Ok(());
    }
    let Some(available) = available_memory() else {
        return Ok(());
    };
    let needed = (refs as f64 * BUILD_BYTES_PER_WAY_REF) as u64;
    if needed > available {
        return Err(TravelError::TooLarge {
            path: path.to_path_buf(),
            file_mb: size >> 20,
            needed_mb: needed >> 20,
            available_mb: available >> 20,
        });
    }
    Ok(())
}

/// Read `path` once and collect the ways of the modes in `modes` into one builder.
pub(crate) fn read(path: &Path, modes: [bool; 3]) -> Result<NetworksBuilder, TravelError> {
    let pbf_err = |source| TravelError::Pbf {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(|source| TravelError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    check_memory(path, size, modes.iter().filter(|&&m| m).count())?;
    let read_bytes = Arc::new(AtomicU64::new(0));
    let bar = (size > PROGRESS_ABOVE_BYTES).then(|| {
        let bar = indicatif::ProgressBar::new(size).with_style(
            indicatif::ProgressStyle::with_template("{msg} {bar:40} {bytes}/{total_bytes} ({eta})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message(format!("reading {}", path.display()));
        bar
    });
    let blobs = BlobReader::new(Counting {
        inner: BufReader::with_capacity(1 << 20, file),
        read: read_bytes.clone(),
    });
    let mut chunks: Vec<(usize, Chunk)> = blobs
        .enumerate()
        .par_bridge()
        .map(|(i, blob)| {
            let chunk = match blob?.decode()? {
                BlobDecode::OsmData(block) => Chunk::from_block(&block, modes),
                _ => Chunk::default(),
            };
            if let Some(bar) = &bar {
                bar.set_position(read_bytes.load(Ordering::Relaxed));
            }
            Ok((i, chunk))
        })
        .collect::<Result<_, osmpbf::Error>>()
        .map_err(pbf_err)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    chunks.sort_unstable_by_key(|(i, _)| *i);

    let node_total = chunks.iter().map(|(_, c)| c.nodes.len()).sum();
    let mut nodes = Vec::with_capacity(node_total);
    let mut ways = Vec::new();
    let mut raw_refs = Vec::new();
    // Drain so each block's buffers are freed as soon as they are copied.
    for (_, mut chunk) in chunks.drain(..) {
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
    // Now the real size is known (a synthetic file can compress far better than OSM data):
    // check the build's needs before starting it.
    check_build_memory(path, size, raw_refs.len())?;
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
    // Way references → node index. Ids that are nearly contiguous (extracts renumbered from 1,
    // synthetic files) get a direct table, at most 16 bytes a node; sparse ids a binary search.
    let (lo, hi) = match (nodes.first(), nodes.last()) {
        (Some(a), Some(b)) => (a.0, b.0),
        _ => (0, -1),
    };
    let span = (hi - lo + 1).max(0) as u64;
    let found: Vec<u32> = if span > 0 && span <= 4 * nodes.len() as u64 {
        let mut index = vec![MISSING; span as usize];
        for (i, n) in nodes.iter().enumerate() {
            index[(n.0 - lo) as usize] = i as u32;
        }
        raw_refs
            .par_iter()
            .map(|&id| {
                if (lo..=hi).contains(&id) {
                    index[(id - lo) as usize]
                } else {
                    MISSING
                }
            })
            .collect()
    } else {
        raw_refs
            .par_iter()
            .map(|id| {
                nodes
                    .binary_search_by_key(id, |n| n.0)
                    .map_or(MISSING, |i| i as u32)
            })
            .collect()
    };
    drop(raw_refs);

    // Graph nodes are way nodes only, numbered by first use, and pieces listed in file order:
    // a serial pass of lookups. Lengths and costs (the haversines) are then worked out in
    // parallel. Only the modes asked for keep costs.
    let mut builder = NetworksBuilder::for_modes(modes);
    let usable: Vec<bool> = ways
        .iter()
        .map(|(_, _, rules)| rules.iter().flatten().any(|r| r.forward || r.backward))
        .collect();
    let mut pieces: Vec<(u32, u32, u32)> =
        Vec::with_capacity(found.len().saturating_sub(ways.len()));
    let mut compact = vec![MISSING; nodes.len()];
    let mut lon_lat: Vec<(i32, i32)> = Vec::with_capacity(nodes.len().min(found.len()));
    for (w, &(start, end, _)) in ways.iter().enumerate() {
        for pair in found[start..end].windows(2) {
            let (a, b) = (pair[0], pair[1]);
            // Segments touching nodes absent from the extract (ways clipped at its boundary)
            // are dropped.
            if a == MISSING || b == MISSING || a == b {
                continue;
            }
            let mut node = |i: u32| {
                let slot = &mut compact[i as usize];
                if *slot == MISSING {
                    let (_, x, y) = nodes[i as usize];
                    *slot = lon_lat.len() as u32;
                    lon_lat.push((x, y));
                }
                *slot
            };
            // Nodes are numbered even on a way no mode may use (as one segment at a time did).
            let (a, b) = (node(a), node(b));
            if usable[w] {
                pieces.push((a, b, w as u32));
            }
        }
    }
    drop((compact, found, nodes));
    // Then renumbered along a Hilbert curve: nodes near each other on the ground get ids near
    // each other, so the build and the searches, which go by place, read nearby memory.
    let (lon, lat): (Vec<i32>, Vec<i32>) = lon_lat.into_iter().unzip();
    let order = hilbert_order(&lon, &lat, |_| true);
    let mut renumber = vec![0u32; order.len()];
    for (new, &old) in order.iter().enumerate() {
        renumber[old as usize] = new as u32;
    }
    pieces.par_iter_mut().for_each(|p| {
        p.0 = renumber[p.0 as usize];
        p.1 = renumber[p.1 as usize];
    });
    drop(renumber);
    builder.reserve(0, pieces.len());
    let pick = |of: &[i32]| order.par_iter().map(|&old| of[old as usize]).collect();
    builder.set_nodes_along_curve(pick(&lon), pick(&lat));
    let rules: Vec<[Option<WayRule>; 3]> = ways.iter().map(|w| w.2).collect();
    builder.add_way_pieces(&pieces, &rules);
    Ok(builder)
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
        let e = read(&p, [true; 3]).expect_err("garbage must not parse");
        assert!(matches!(e, TravelError::Pbf { .. }), "{e}");
        assert!(e.to_string().contains("garbage.osm.pbf"));

        let e = read(Path::new("/nonexistent/x.osm.pbf"), [true; 3]).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/x.osm.pbf"), "{e}");
    }

    #[test]
    fn a_file_larger_than_memory_fails_early_with_an_estimate() {
        if std::env::var_os("NEEDSMAP_SKIP_MEMORY_CHECK").is_some() {
            return;
        }
        let Some(avail) = available_memory() else {
            return;
        };
        // A file claimed to be as large as the available memory needs several times it.
        let e = check_memory(Path::new("england.osm.pbf"), avail, 3).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("england.osm.pbf") && msg.contains("MB"),
            "{msg}"
        );
        assert!(check_memory(Path::new("small.osm.pbf"), 1 << 20, 3).is_ok());
        // After reading: ways referring to more nodes than memory can build.
        let refs = (avail as f64 / BUILD_BYTES_PER_WAY_REF) as usize + 1_000_000;
        let msg = check_build_memory(Path::new("big.osm.pbf"), 1 << 30, refs)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("big.osm.pbf") && msg.contains("would need about"),
            "{msg}"
        );
        assert!(check_build_memory(Path::new("small.osm.pbf"), 1 << 20, 1000).is_ok());
    }
}
