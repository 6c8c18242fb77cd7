//! The `needsmap` command line: a thin shell over the library.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use needsmap::atlas::Atlas;
use needsmap::model::{
    AccessAnswer, AreaList, AreaProfile, LayerList, LayerStats, PostcodeAnswer, ScenarioAnswer,
    StatusAnswer,
};
use needsmap::report::{self, table, Format};
use needsmap::selection::AreaQuery;
use needsmap::sources::{DataDir, SourceState};
use needsmap::Region;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "needsmap",
    version,
    about = "Where help is most needed: deprivation, child poverty and GP access for small areas"
)]
struct Cli {
    /// Local data directory (filled by `data fetch`).
    #[arg(
        long,
        global = true,
        env = "NEEDSMAP_DATA_DIR",
        default_value = "geodata/cache"
    )]
    data_dir: PathBuf,
    /// Folder mirroring the official files (defaults to ../shared/opendata when it exists).
    #[arg(long, global = true, env = "NEEDSMAP_MIRROR")]
    mirror: Option<PathBuf>,
    /// Which areas to load: gloucestershire (default), england, or district codes E07000078,E07000081.
    #[arg(
        long,
        global = true,
        env = "NEEDSMAP_REGION",
        default_value = "gloucestershire"
    )]
    region: String,
    /// OpenStreetMap PBF to route GP travel times on (default: the region's extract when present
    /// in the data directory; without one, travel times are estimated and say so).
    #[arg(long, global = true, env = "NEEDSMAP_NETWORK")]
    network: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Every layer: id, title, unit, source, vintage, direction, method.
    Layers {
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// Areas matching a filter, e.g. 'imd_decile <= 2 and district = "Gloucester"'.
    Query {
        filter: Option<String>,
        /// Field to sort on; `field:desc` or `-field` for descending.
        #[arg(long)]
        sort: Option<String>,
        #[arg(long)]
        limit: Option<usize>,
        /// table, json, csv or geojson.
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// The full profile of one LSOA.
    Area {
        code: String,
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// Which LSOA a postcode is in, its figures, and whether it is in the national top 10%.
    Postcode {
        postcode: String,
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// Areas beyond (or within) a travel time of a GP, with who lives there.
    Access {
        /// walk, cycle or car.
        #[arg(long, default_value = "walk")]
        mode: String,
        /// List areas with more than this many minutes to the nearest GP.
        #[arg(long, conflicts_with = "within")]
        beyond: Option<f64>,
        /// List areas within this many minutes of a GP.
        #[arg(long)]
        within: Option<f64>,
        /// An extra filter, e.g. 'imd_decile <= 2'.
        #[arg(long = "where")]
        filter: Option<String>,
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// What changes if GP sites close or open: areas whose nearest-GP time changes, and who lives there.
    Scenario {
        /// ODS code of a site to close (a practice code closes its branches too). Repeatable.
        #[arg(long)]
        close: Vec<String>,
        /// A new site: postcode, "lon,lat" or an ODS code. Repeatable.
        #[arg(long)]
        open: Vec<String>,
        #[arg(long, default_value = "walk")]
        mode: String,
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// Nearest destination for each origin on an OSM network (needs --network FILE.osm.pbf).
    Travel {
        /// CSV with id,lon,lat.
        #[arg(long)]
        origins: PathBuf,
        /// CSV with id,lon,lat.
        #[arg(long)]
        destinations: PathBuf,
        #[arg(long, default_value = "walk")]
        mode: String,
        /// Only csv is offered.
        #[arg(long, default_value = "csv")]
        format: String,
    },
    /// Serve the API, vector tiles and the map page.
    Serve {
        #[arg(long, env = "NEEDSMAP_ADDR", default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Folder of the web page (public/ and node_modules/maplibre-gl).
        #[arg(long, env = "NEEDSMAP_WEB_DIR", default_value = "web")]
        web: PathBuf,
        /// Do not pre-encode the region's tiles z6..13 in the background at start-up.
        #[arg(long)]
        no_warm: bool,
    },
    /// The data directory: what is there, and fetching what is not.
    Data {
        #[command(subcommand)]
        action: DataAction,
    },
}

#[derive(Subcommand)]
enum DataAction {
    /// Which sources are present, their vintage, checksum state and licence; GP site counts.
    Status {
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// Copy every source from the mirror (or download it from the publisher) and verify it.
    Fetch {
        /// Also fetch optional sources (road networks, test references).
        #[arg(long)]
        all: bool,
    },
}

fn main() {
    let cli = Cli::parse();
    let default_level = if matches!(cli.command, Command::Serve { .. }) {
        "info"
    } else {
        "warn"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("NEEDSMAP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    if let Err(e) = run(cli) {
        eprintln!("error: {e:#}");
        std::process::exit(2);
    }
}

fn data_dir(cli: &Cli) -> DataDir {
    let mirror = cli
        .mirror
        .clone()
        .or_else(needsmap::sources::default_mirror);
    DataDir::new(cli.data_dir.clone(), mirror)
}

fn load(cli: &Cli) -> Result<Atlas> {
    let region: Region = cli.region.parse()?;
    let spinner = ProgressBar::new_spinner()
        .with_message(format!("loading {region} from {}", cli.data_dir.display()));
    spinner.enable_steady_tick(Duration::from_millis(120));
    let atlas = needsmap::load_with_overlays(&data_dir(cli), &region, cli.network.as_deref());
    spinner.finish_and_clear();
    Ok(atlas?)
}

fn format_arg(s: &str) -> Result<Format> {
    s.parse::<Format>().map_err(anyhow::Error::msg)
}

fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Layers { format } => {
            let atlas = load(&cli)?;
            let stats = LayerStats::of(&atlas);
            let list = LayerList::of(&atlas, &stats);
            match format_arg(format)? {
                Format::Json => json_out(&list)?,
                Format::Table => print!("{}", table::layers(&list)),
                other => bail!("layers can be shown as table or json, not {other:?}"),
            }
        }
        Command::Query {
            filter,
            sort,
            limit,
            format,
        } => {
            let format = format_arg(format)?;
            let atlas = load(&cli)?;
            let q = AreaQuery::parse(&atlas, filter.as_deref(), sort.as_deref(), *limit).map_err(
                |e| {
                    anyhow::anyhow!(
                        "{e}{}",
                        filter
                            .as_deref()
                            .map(|f| pointer(f, e.column()))
                            .unwrap_or_default()
                    )
                },
            )?;
            let sel = q.run(&atlas);
            match format {
                Format::Table => {
                    let mut extra: Vec<&str> =
                        q.filter.as_ref().map(|f| f.fields()).unwrap_or_default();
                    if let Some(k) = &q.sort {
                        extra.push(&k.field);
                    }
                    print!("{}", table::areas(&AreaList::of(&atlas, &sel), &extra));
                }
                machine => areas_out(machine, &atlas, &sel)?,
            }
        }
        Command::Area { code, format } => {
            let format = format_arg(format)?;
            let atlas = load(&cli)?;
            let (i, _) = atlas.area(code)?;
            let stats = LayerStats::of(&atlas);
            let profile = AreaProfile::of(&atlas, &stats, i);
            match format {
                Format::Json => json_out(&profile)?,
                Format::Table => print!("{}", table::profile(&profile)),
                machine => {
                    let sel = needsmap::selection::Selection {
                        areas: vec![i],
                        count: 1,
                        totals: needsmap::selection::Totals::of(&atlas, &[i]),
                    };
                    areas_out(machine, &atlas, &sel)?
                }
            }
        }
        Command::Postcode { postcode, format } => {
            let format = format_arg(format)?;
            let atlas = load(&cli)?;
            let answer = PostcodeAnswer::of(&atlas, postcode)?;
            match format {
                Format::Json => json_out(&answer)?,
                Format::Table => print!("{}", table::postcode(&answer)),
                other => bail!("postcode answers can be shown as table or json, not {other:?}"),
            }
        }
        Command::Data { action } => data_command(&cli, action)?,
        Command::Access {
            mode,
            beyond,
            within,
            filter,
            format,
        } => {
            let format = format_arg(format)?;
            let mode: needsmap::travel::TravelMode = mode.parse()?;
            let id = needsmap::overlay::layer_id(mode);
            let mut text = match (beyond, within) {
                (Some(b), None) => format!("{id} > {b}"),
                (None, Some(w)) => format!("{id} <= {w}"),
                _ => bail!("say --beyond MINUTES or --within MINUTES"),
            };
            if let Some(extra) = filter {
                text = format!("({text}) and ({extra})");
            }
            let atlas = load(&cli)?;
            let q = AreaQuery::parse(&atlas, Some(&text), Some(&format!("{id}:desc")), None)?;
            let sel = q.run(&atlas);
            let layer = atlas
                .layers
                .get(id)
                .expect("GP access layers are always added");
            let answer = AccessAnswer {
                filter: text.clone(),
                layer: id,
                method: layer.meta.method,
                description: &layer.meta.description,
                missing: layer.values.missing(),
                result: AreaList::of(&atlas, &sel),
            };
            match format {
                Format::Table => print!("{}", table::access(&answer)),
                Format::Json => json_out(&answer)?,
                machine => areas_out(machine, &atlas, &sel)?,
            }
        }
        Command::Scenario {
            close,
            open,
            mode,
            format,
        } => {
            let format = format_arg(format)?;
            let mode: needsmap::travel::TravelMode = mode.parse()?;
            if close.is_empty() && open.is_empty() {
                bail!("a scenario needs at least one --close CODE or --open SITE");
            }
            let atlas = load(&cli)?;
            let mut scenario = needsmap::overlay::Scenario {
                close: close.clone(),
                open: Vec::new(),
            };
            for (n, spec) in open.iter().enumerate() {
                scenario
                    .open
                    .push(needsmap::overlay::Scenario::site_from(&atlas, spec, n + 1)?);
            }
            let networks = match atlas.layers.get("gp_walk_min").map(|l| l.meta.method) {
                Some(needsmap::atlas::layers::Method::Network) => {
                    let path = match &cli.network {
                        Some(p) => p.clone(),
                        None => data_dir(&cli).require("osm_gloucestershire")?,
                    };
                    Some(needsmap::travel::Networks::from_pbf(&path)?)
                }
                _ => None,
            };
            let outcome =
                needsmap::overlay::run_scenario(&atlas, &scenario, mode, networks.as_ref())?;
            let answer = ScenarioAnswer::of(&outcome);
            match format {
                Format::Json => json_out(&answer)?,
                _ => {
                    println!("close {close:?}, open {open:?}");
                    print!("{}", table::scenario(&answer));
                }
            }
        }
        Command::Travel {
            origins,
            destinations,
            mode,
            format,
        } => {
            if format != "csv" {
                bail!("travel writes csv only");
            }
            let Some(network) = &cli.network else {
                bail!("travel needs --network FILE.osm.pbf")
            };
            let mode: needsmap::travel::TravelMode = mode.parse()?;
            let o = needsmap::travel::read_points_csv(origins)?;
            let d = needsmap::travel::read_points_csv(destinations)?;
            let spinner = ProgressBar::new_spinner().with_message(format!(
                "building the {mode} network from {}",
                network.display()
            ));
            spinner.enable_steady_tick(Duration::from_millis(120));
            let net = needsmap::travel::Network::from_pbf(network, mode)?;
            spinner.set_message(format!(
                "routing {} origins to {} destinations",
                o.len(),
                d.len()
            ));
            let op: Vec<(f64, f64)> = o.iter().map(|p| p.lon_lat()).collect();
            let dp: Vec<(f64, f64)> = d.iter().map(|p| p.lon_lat()).collect();
            let results = net.nearest_facility_detailed(&op, &dp);
            spinner.finish_and_clear();
            let stdout = std::io::stdout();
            needsmap::travel::write_travel_csv(stdout.lock(), &o, &d, &results)?;
        }
        Command::Serve { addr, web, no_warm } => {
            if !web.join("public/index.html").is_file() {
                bail!(
                    "no web page at {}: run from the repository root or pass --web DIR",
                    web.join("public/index.html").display()
                );
            }
            if !web
                .join("node_modules/maplibre-gl/dist/maplibre-gl.js")
                .is_file()
            {
                eprintln!("warning: {} is missing; run `npm ci --prefix web` (scripts/run.sh does) so the map can load MapLibre GL JS", web.join("node_modules/maplibre-gl").display());
            }
            let atlas = std::sync::Arc::new(load(&cli)?);
            let state = std::sync::Arc::new(needsmap::server::AppState::new(atlas, web.clone())?);
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            runtime.block_on(needsmap::server::serve(
                state,
                *addr,
                (!no_warm).then_some(6..=13),
            ))?;
        }
    }
    Ok(())
}

/// A caret under the column where a filter went wrong.
fn pointer(filter: &str, column: Option<usize>) -> String {
    match column {
        Some(c) if c >= 1 && filter.chars().count() < 200 => {
            format!("\n  {filter}\n  {}^", " ".repeat(c - 1))
        }
        _ => String::new(),
    }
}

fn json_out<T: serde::Serialize>(answer: &T) -> Result<()> {
    report::write_json(std::io::stdout().lock(), answer, true)?;
    println!();
    Ok(())
}

fn areas_out(format: Format, atlas: &Atlas, sel: &needsmap::selection::Selection) -> Result<()> {
    report::write_areas(std::io::stdout().lock(), format, atlas, sel, true)?;
    if format != Format::Csv {
        println!();
    }
    Ok(())
}

fn data_command(cli: &Cli, action: &DataAction) -> Result<()> {
    let data = data_dir(cli);
    match action {
        DataAction::Fetch { all } => {
            let wanted: Vec<_> = data
                .manifest
                .sources
                .iter()
                .filter(|s| *all || matches!(s.needed_for.as_str(), "core" | "gp"))
                .cloned()
                .collect();
            let bar = ProgressBar::new(wanted.len() as u64).with_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").expect("valid template"),
            );
            let mut failures = Vec::new();
            for s in &wanted {
                bar.set_message(s.id.clone());
                match data.fetch(&s.id) {
                    Ok((path, how)) => {
                        bar.println(format!("{:<34} {:?} -> {}", s.id, how, path.display()))
                    }
                    Err(e) => {
                        bar.println(format!("{:<34} FAILED: {e}", s.id));
                        if s.needed_for != "network" {
                            failures.push(s.id.clone());
                        }
                    }
                }
                bar.inc(1);
            }
            bar.finish_and_clear();
            if !failures.is_empty() {
                bail!(
                    "could not fetch: {} (see the messages above for where to get each)",
                    failures.join(", ")
                );
            }
            println!("data directory {} is ready", data.root.display());
        }
        DataAction::Status { format } => {
            let status = data.status();
            let atlas = if status
                .iter()
                .any(|s| s.source.needed_for == "core" && s.state == SourceState::Missing)
            {
                None
            } else {
                Some(load(cli).context("loading the atlas to count GP sites")?)
            };
            let answer = StatusAnswer::of(&data, &status, atlas.as_ref());
            match format_arg(format)? {
                Format::Json => json_out(&answer)?,
                _ => print!("{}", table::status(&answer)),
            }
        }
    }
    Ok(())
}
