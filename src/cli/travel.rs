//! `needsmap travel`: the nearest destination for each origin on an OSM network, as CSV.

use super::args::{Global, TravelArgMode, TravelArgs};
use super::{spinner, UsageError};
use anyhow::Result;
use needsmap::travel::{self, Network, TravelMode};
use std::io::Write;

pub fn run(g: &Global, args: &TravelArgs, out: &mut dyn Write) -> Result<()> {
    let Some(network) = &g.network else {
        return Err(UsageError("travel needs --network FILE.osm.pbf".into()).into());
    };
    let mode = match args.mode {
        TravelArgMode::Walk => TravelMode::Walk,
        TravelArgMode::Cycle => TravelMode::Cycle,
        TravelArgMode::Car => TravelMode::Car,
        TravelArgMode::Transit => return transit(network, args, out),
    };
    let o = travel::read_points_csv(&args.origins)?;
    let d = travel::read_points_csv(&args.destinations)?;
    let bar = spinner(format!(
        "building the {mode} network from {}",
        network.display()
    ));
    let net = Network::from_pbf(network, mode)?;
    bar.set_message(format!(
        "routing {} origins to {} destinations",
        o.len(),
        d.len()
    ));
    let op: Vec<(f64, f64)> = o.iter().map(|p| p.lon_lat()).collect();
    let dp: Vec<(f64, f64)> = d.iter().map(|p| p.lon_lat()).collect();
    // An extract that misses every origin is the wrong file, not a list of unreachable rows.
    net.check_covers(&network.display().to_string(), &op, "origins")?;
    let results = net.nearest_facility_detailed(&op, &dp);
    bar.finish_and_clear();
    travel::write_travel_csv(out, &o, &d, &results)?;
    Ok(())
}

/// `--mode transit`: all the work is in `needsmap::travel::transit::batch`.
fn transit(network: &std::path::Path, args: &TravelArgs, out: &mut dyn Write) -> Result<()> {
    use needsmap::travel::transit::{self, batch, TransitBatch, TransitOptions};
    let t = &args.transit;
    let Some(dep) = &t.departure else {
        return Err(UsageError("--mode transit needs --departure YYYY-MM-DDTHH:MM".into()).into());
    };
    let Some((date, secs)) = transit::parse_departure(dep) else {
        return Err(UsageError(format!("--departure {dep:?}: expected YYYY-MM-DDTHH:MM")).into());
    };
    let mut options = TransitOptions::new(date, secs);
    (options.window_minutes, options.percentile, options.walk_kmh) =
        (t.window, t.percentile, t.walk_speed);
    (options.max_rides, options.max_minutes) = (t.max_rides, t.max_minutes);
    let job = TransitBatch {
        network: network.to_path_buf(),
        gtfs: t.gtfs.clone(),
        origins: args.origins.clone(),
        destinations: args.destinations.clone(),
        options,
        matrix: t.matrix,
    };
    let bar = spinner("public transport".to_string());
    batch::run(&job, out, |m| bar.set_message(m.to_string()))?;
    bar.finish_and_clear();
    Ok(())
}
