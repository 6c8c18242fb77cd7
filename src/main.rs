//! The `needsmap` command line: a thin shell over the library.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use needsmap::atlas::Atlas;
use needsmap::report::{self, Format};
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
    /// Compile the sources into the region's atlas snapshot in the data directory (done on first
    /// use by every other command; this rebuilds it when asked).
    Build {
        /// Rebuild even when the snapshot is current.
        #[arg(long)]
        force: bool,
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
    let opened = needsmap::open_atlas(
        &data_dir(cli),
        &region,
        needsmap::vintage::Vintage::V2019,
        cli.network.as_deref(),
        matches!(cli.command, Command::Build { force: true }),
    );
    spinner.finish_and_clear();
    Ok(opened?.atlas)
}

fn format_arg(s: &str) -> Result<Format> {
    s.parse::<Format>().map_err(anyhow::Error::msg)
}

fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Layers { format } => {
            let atlas = load(&cli)?;
            let list = report::layers_json(&atlas);
            match format_arg(format)? {
                Format::Json => println!("{}", serde_json::to_string_pretty(&list)?),
                Format::Table => {
                    println!(
                        "{:<26} {:<45} {:<9} {:<18} {:<10} {:<16} vintage",
                        "id", "title", "unit", "source", "method", "direction"
                    );
                    for l in atlas.layers.iter() {
                        let m = &l.meta;
                        let method = serde_json::to_value(m.method)?
                            .as_str()
                            .unwrap_or("")
                            .to_string();
                        let dir = serde_json::to_value(m.direction)?
                            .as_str()
                            .unwrap_or("")
                            .to_string();
                        println!(
                            "{:<26} {:<45} {:<9} {:<18} {:<10} {:<16} {}",
                            m.id, m.title, m.unit, m.source, method, dir, m.vintage
                        );
                    }
                }
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
                    print!("{}", report::table(&atlas, &sel, &extra));
                }
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&report::selection_json(&atlas, &sel))?
                ),
                Format::Csv => print!("{}", report::selection_csv(&atlas, &sel.areas)),
                Format::Geojson => println!(
                    "{}",
                    serde_json::to_string(&report::selection_geojson(&atlas, &sel))?
                ),
            }
        }
        Command::Area { code, format } => {
            let format = format_arg(format)?;
            let atlas = load(&cli)?;
            let (i, _) = atlas.area(code)?;
            let profile = report::profile(&atlas, i);
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&profile)?),
                Format::Table => print_profile(&profile),
                Format::Csv => print!("{}", report::selection_csv(&atlas, &[i])),
                Format::Geojson => {
                    let sel = needsmap::selection::Selection {
                        areas: vec![i],
                        count: 1,
                        totals: needsmap::selection::Totals::of(&atlas, &[i]),
                    };
                    println!(
                        "{}",
                        serde_json::to_string(&report::selection_geojson(&atlas, &sel))?
                    )
                }
            }
        }
        Command::Postcode { postcode, format } => {
            let format = format_arg(format)?;
            let atlas = load(&cli)?;
            let answer = report::postcode_json(&atlas, postcode)?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&answer)?),
                Format::Table => {
                    let area = &answer["area"];
                    println!("{}", answer["message"].as_str().unwrap_or(""));
                    println!();
                    for key in ["postcode", "lon", "lat"] {
                        println!("{key:<28} {}", plain(&answer[key]));
                    }
                    for key in [
                        "code",
                        "name",
                        "district",
                        "imd_score",
                        "imd_rank",
                        "imd_decile",
                        "imd_county_decile",
                        "idaci_decile",
                        "children",
                        "children_income_deprived",
                        "gp_walk_min",
                        "gp_car_min",
                    ] {
                        println!("{key:<28} {}", plain(&area[key]));
                    }
                    println!(
                        "{:<28} {}",
                        "national_top10", answer["eligible"]["national_top10"]
                    );
                    println!(
                        "{:<28} {}",
                        "county_top10", answer["eligible"]["county_top10"]
                    );
                }
                other => bail!("postcode answers can be shown as table or json, not {other:?}"),
            }
        }
        Command::Data { action } => data_command(&cli, action)?,
        Command::Build { .. } => {
            let atlas = load(&cli)?;
            let path = needsmap::atlas::snapshot::path_for(
                &data_dir(&cli),
                &atlas.region,
                needsmap::vintage::Vintage::V2019,
                cli.network.as_deref(),
            );
            println!(
                "{}: {} areas, {} layers, {} GP sites -> {}",
                atlas.region.title(),
                atlas.areas.len(),
                atlas.layers.len(),
                atlas.gp_sites.len(),
                path.display()
            );
        }
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
            match format {
                Format::Table => {
                    print!(
                        "{}",
                        report::table(&atlas, &sel, &[id, "gp_nearest", "gp_road_km_iod2019"])
                    );
                    println!(
                        "method: {:?}. {}",
                        layer.meta.method, layer.meta.description
                    );
                    let missing = layer.values.missing();
                    if missing > 0 {
                        println!("{missing} areas have no {id} value and are in neither list.");
                    }
                }
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({ "filter": text, "method": layer.meta.method, "description": layer.meta.description, "result": report::selection_json(&atlas, &sel) })
                    )?
                ),
                Format::Csv => print!("{}", report::selection_csv(&atlas, &sel.areas)),
                Format::Geojson => println!(
                    "{}",
                    serde_json::to_string(&report::selection_geojson(&atlas, &sel))?
                ),
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
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&outcome)?),
                _ => {
                    println!(
                        "scenario ({} {}): close {:?}, open {:?}",
                        outcome.mode, outcome.method, close, open
                    );
                    println!(
                        "\n{:<10} {:<22} {:<15} {:>8} {:>8} {:>8} {:<10} {:<10} {:>6} {:>4}",
                        "code",
                        "name",
                        "district",
                        "before",
                        "after",
                        "change",
                        "nearest",
                        "then",
                        "people",
                        "imd"
                    );
                    let f =
                        |x: Option<f64>| x.map(|v| format!("{v:.1}")).unwrap_or_else(|| "–".into());
                    for c in &outcome.changes {
                        println!(
                            "{:<10} {:<22} {:<15} {:>8} {:>8} {:>8} {:<10} {:<10} {:>6} {:>4}",
                            c.code,
                            c.name,
                            c.district,
                            f(c.before_min),
                            f(c.after_min),
                            f(c.delta_min),
                            c.nearest_before.clone().unwrap_or_default(),
                            c.nearest_after.clone().unwrap_or_default(),
                            f(c.population).trim_end_matches(".0"),
                            f(c.imd_decile).trim_end_matches(".0")
                        );
                    }
                    println!(
                        "\n{} areas change. People in those areas by IMD 2019 national decile:",
                        outcome.changes.len()
                    );
                    for (d, (n, people, children)) in &outcome.by_imd_decile {
                        println!("  decile {d:>2}: {n:>3} areas, {people:>7.0} people, {children:>6.0} children");
                    }
                    if outcome.method == "estimate" {
                        println!("(estimate: straight-line distance × each area's IoD2019 road/straight ratio; see `needsmap layers`)");
                    }
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

fn plain(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "–".into(),
        other => other.to_string(),
    }
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

fn print_profile(p: &serde_json::Value) {
    println!(
        "{} {} ({}, {})",
        p["code"].as_str().unwrap_or(""),
        p["name"].as_str().unwrap_or(""),
        p["district"].as_str().unwrap_or(""),
        p["district_code"].as_str().unwrap_or("")
    );
    println!(
        "population-weighted centroid: {:.5}, {:.5}\n",
        p["lon"].as_f64().unwrap_or(f64::NAN),
        p["lat"].as_f64().unwrap_or(f64::NAN)
    );
    println!(
        "{:<26} {:>12} {:>10} {:>9} {:>11} {:>9}  {:<10} source (vintage)",
        "layer", "value", "nat. rank", "nat. dec", "county rank", "cty dec", "method"
    );
    for l in p["layers"].as_array().into_iter().flatten() {
        println!(
            "{:<26} {:>12} {:>10} {:>9} {:>11} {:>9}  {:<10} {} ({})",
            plain(&l["id"]),
            plain(&l["value"]),
            plain(&l["national_rank"]),
            plain(&l["national_decile"]),
            match (&l["county_rank"], &l["county_of"]) {
                (serde_json::Value::Null, _) => "–".to_string(),
                (r, n) => format!("{}/{}", plain(r), plain(n)),
            },
            plain(&l["county_decile"]),
            plain(&l["method"]),
            plain(&l["source"]),
            plain(&l["vintage"]),
        );
    }
    println!("\nnearest GP sites (straight line):");
    for s in p["gp_sites"].as_array().into_iter().flatten() {
        println!(
            "  {:<10} {:<40} {:<9} {:>7} km  ({})",
            plain(&s["code"]),
            plain(&s["name"]),
            plain(&s["postcode"]),
            plain(&s["straight_km"]),
            plain(&s["kind"])
        );
    }
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
            let json = report::status_json(&data, &status, atlas.as_ref());
            match format_arg(format)? {
                Format::Json => println!("{}", serde_json::to_string_pretty(&json)?),
                _ => {
                    println!(
                        "data directory: {}   mirror: {}\n",
                        data.root.display(),
                        data.mirror
                            .as_ref()
                            .map(|m| m.display().to_string())
                            .unwrap_or_else(|| "none".into())
                    );
                    println!(
                        "{:<34} {:<32} {:<9} {:<10} vintage",
                        "source", "state", "licence", "sha256"
                    );
                    for s in &status {
                        let sha = if s.source.sha256.is_empty() {
                            "-".to_string()
                        } else {
                            s.source.sha256[..8].to_string()
                        };
                        println!(
                            "{:<34} {:<32} {:<9} {:<10} {}",
                            s.source.id,
                            s.state.to_string(),
                            s.source.licence,
                            sha,
                            s.source.vintage
                        );
                    }
                    if let Some(atlas) = &atlas {
                        println!(
                            "\nregion {}: {} LSOAs in {} districts",
                            atlas.region,
                            atlas.areas.len(),
                            atlas.districts().len()
                        );
                        for (label, set) in [
                            ("today", &atlas.gp_sites),
                            ("on 2019-01-01 (IoD2019 reference)", &atlas.gp_sites_2019),
                        ] {
                            let practices = set
                                .sites
                                .iter()
                                .filter(|s| s.kind == needsmap::atlas::gp::GpKind::Practice)
                                .count();
                            println!(
                                "\nGP sites {label}: {} ({} practices, {} branch surgeries)",
                                set.len(),
                                practices,
                                set.len() - practices
                            );
                            for ((kind, why), n) in &set.excluded {
                                println!("  excluded {:>6} {:?}: {}", n, kind, why);
                            }
                        }
                        for l in atlas
                            .layers
                            .iter()
                            .filter(|l| l.meta.group == needsmap::atlas::layers::Group::GpAccess)
                        {
                            println!(
                                "\n{}: {:?}, {} areas without a value. {}",
                                l.meta.id,
                                l.meta.method,
                                l.values.missing(),
                                l.meta.description
                            );
                        }
                    }
                }
            }
        }
    }
    Ok(())
}
