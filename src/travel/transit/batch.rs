//! `needsmap travel --mode transit`: the whole batch as one library call, so the command line
//! only parses flags.

use std::io::Write;
use std::path::PathBuf;

use super::{Feed, TransitError, TransitNetwork, TransitOptions};
use crate::travel::{read_points_csv, Network, TravelMode};

/// One batch run.
#[derive(Debug, Clone)]
pub struct TransitBatch {
    pub network: PathBuf,
    pub gtfs: Vec<PathBuf>,
    pub origins: PathBuf,
    pub destinations: PathBuf,
    pub options: TransitOptions,
    /// Every origin–destination pair instead of the nearest destination per origin.
    pub matrix: bool,
}

/// Read everything, route, write CSV to `out`:
/// * `matrix`: `origin_id,destination_id,minutes` for every pair (minutes empty if unreached);
/// * otherwise `origin_id,destination_id,minutes,status` with the nearest destination
///   (`status` = `ok`, `no_nearby_road` or `unreachable`).
///
/// Minutes are the window's percentile (see [`TransitOptions`]).
pub fn run<W: Write>(
    batch: &TransitBatch,
    out: W,
    progress: impl Fn(&str),
) -> Result<(), TransitError> {
    batch.options.validate()?;
    if batch.gtfs.is_empty() {
        return Err(TransitError::Options(
            "--gtfs needs at least one GTFS zip".into(),
        ));
    }
    let origins = read_points_csv(&batch.origins)?;
    let destinations = read_points_csv(&batch.destinations)?;
    progress(&format!("reading {} GTFS feed(s)", batch.gtfs.len()));
    let feeds = batch
        .gtfs
        .iter()
        .map(Feed::read)
        .collect::<Result<Vec<_>, _>>()?;
    progress(&format!(
        "building the walk network from {}",
        batch.network.display()
    ));
    let walk = Network::from_pbf(&batch.network, TravelMode::Walk)?;
    let net = TransitNetwork::build(&walk, &feeds, batch.options.clone())?;
    let s = net.stats();
    tracing::info!(
        stops = s.stops,
        on_network = s.stops_on_network,
        patterns = s.patterns,
        trips = s.trips,
        transfers = s.transfers,
        "transit network"
    );
    progress(&format!(
        "routing {} origins to {} destinations over {} departure minute(s)",
        origins.len(),
        destinations.len(),
        batch.options.window_minutes
    ));
    let o: Vec<(f64, f64)> = origins.iter().map(|p| p.lon_lat()).collect();
    let d: Vec<(f64, f64)> = destinations.iter().map(|p| p.lon_lat()).collect();
    let mut w = csv::Writer::from_writer(out);
    let io = |e: csv::Error| TransitError::Travel(e.into());
    if batch.matrix {
        let m = net.matrix(&o, &d);
        w.write_record(["origin_id", "destination_id", "minutes"])
            .map_err(io)?;
        for (op, row) in origins.iter().zip(&m) {
            for (dp, v) in destinations.iter().zip(row) {
                let minutes = v.map_or(String::new(), |v| format!("{v:.2}"));
                w.write_record([op.id.as_str(), dp.id.as_str(), &minutes])
                    .map_err(io)?;
            }
        }
    } else {
        let nearest = net.nearest(&o, &d);
        w.write_record(["origin_id", "destination_id", "minutes", "status"])
            .map_err(io)?;
        for (op, r) in origins.iter().zip(&nearest) {
            match r {
                Some((j, v)) => w
                    .write_record([
                        op.id.as_str(),
                        destinations[*j].id.as_str(),
                        &format!("{v:.2}"),
                        "ok",
                    ])
                    .map_err(io)?,
                None => {
                    let status = if walk.snap(op.lon, op.lat).is_none() {
                        "no_nearby_road"
                    } else {
                        "unreachable"
                    };
                    w.write_record([op.id.as_str(), "", "", status])
                        .map_err(io)?
                }
            }
        }
    }
    w.flush()
        .map_err(|e| TransitError::Travel(csv::Error::from(e).into()))?;
    Ok(())
}
