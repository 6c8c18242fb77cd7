//! `needsmap travel`: the nearest destination for each origin on an OSM network, as CSV.

use super::args::{Global, TravelArgs};
use super::{spinner, UsageError};
use anyhow::Result;
use needsmap::travel::{self, Network, TravelMode};
use std::io::Write;

pub fn run(g: &Global, args: &TravelArgs, out: &mut dyn Write) -> Result<()> {
    let Some(network) = &g.network else {
        return Err(UsageError("travel needs --network FILE.osm.pbf".into()).into());
    };
    let mode = TravelMode::from(args.mode);
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
    let results = net.nearest_facility_detailed(&op, &dp);
    bar.finish_and_clear();
    travel::write_travel_csv(out, &o, &d, &results)?;
    Ok(())
}
