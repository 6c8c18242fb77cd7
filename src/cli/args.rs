//! What the command line accepts: every flag, its environment variable and its valid values,
//! checked by clap before any data is loaded.

use clap::{Args, Parser, Subcommand, ValueEnum};
use needsmap::report::Format;
use needsmap::travel::TravelMode;
use needsmap::Region;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "needsmap",
    version,
    about = "Where help is most needed: deprivation, child poverty and GP access for small areas"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand takes: where the data is and which areas to load.
#[derive(Debug, Args)]
pub struct Global {
    /// Local data directory (filled by `data fetch`).
    #[arg(
        long,
        global = true,
        env = "NEEDSMAP_DATA_DIR",
        default_value = "geodata/cache"
    )]
    pub data_dir: PathBuf,
    /// Folder mirroring the official files (defaults to ../shared/opendata when it exists).
    #[arg(long, global = true, env = "NEEDSMAP_MIRROR")]
    pub mirror: Option<PathBuf>,
    /// Which areas to load: gloucestershire (default), england, or district codes E07000078,E07000081.
    #[arg(
        long,
        global = true,
        env = "NEEDSMAP_REGION",
        default_value = "gloucestershire",
        value_parser = parse_region
    )]
    pub region: Region,
    /// OpenStreetMap PBF to route GP travel times on (default: the region's extract when present
    /// in the data directory; without one, travel times are estimated and say so).
    #[arg(long, global = true, env = "NEEDSMAP_NETWORK")]
    pub network: Option<PathBuf>,
    /// Which edition of the deprivation index: 2019 (IoD2019 on LSOA 2011, the county's grant
    /// scheme) or 2025 (IoD2025 on LSOA 2021).
    #[arg(long, global = true, env = "NEEDSMAP_VINTAGE", value_enum, default_value_t = needsmap::vintage::Vintage::V2019)]
    pub vintage: needsmap::vintage::Vintage,
}

/// `--region`: a [`Region`], or clap's usage error (exit code 2) naming the accepted forms.
fn parse_region(s: &str) -> Result<Region, String> {
    s.parse().map_err(|e: needsmap::AtlasError| e.to_string())
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Every layer: id, title, unit, source, vintage, direction, method.
    Layers(LayersArgs),
    /// Areas matching a filter, e.g. 'imd_decile <= 2 and district = "Gloucester"'.
    Query(QueryArgs),
    /// The full profile of one LSOA.
    Area(AreaArgs),
    /// Which LSOA a postcode is in, its figures, and whether it is in the national top 10%.
    Postcode(PostcodeArgs),
    /// Areas beyond (or within) a travel time of a GP, with who lives there.
    Access(AccessArgs),
    /// What changes if GP sites close or open: areas whose nearest-GP time changes, and who lives there.
    Scenario(ScenarioArgs),
    /// Nearest destination for each origin on an OSM network (needs --network FILE.osm.pbf).
    Travel(TravelArgs),
    /// Serve the API, vector tiles and the map page.
    Serve(ServeArgs),
    /// Write the tiles as a PMTiles archive (for static hosting) or every area as GeoJSON or CSV.
    Export(ExportArgs),
    /// The change between IMD 2019 and IMD 2025 for every LSOA 2021 area: deciles carried through
    /// the 2011→2021 lookup, decile change, top-10% status (entered, left, stayed, never).
    Compare(CompareArgs),
    /// Figures per district (= locality partnership), ward or MSOA.
    Summary(SummaryArgs),
    /// A printable A4 profile of a district or ward (HTML).
    Profile(ProfileArgs),
    /// Compile the sources into the region's atlas snapshot in the data directory (every other
    /// command does this on first use; `--force` rebuilds a current one).
    Build(BuildArgs),
    /// The data directory: what is there, and fetching what is not.
    Data {
        #[command(subcommand)]
        action: DataAction,
    },
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    #[arg(long, value_enum, ignore_case = true, default_value_t = CompareFormat::Table)]
    pub format: CompareFormat,
}

/// How `compare` is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[arg(long, value_enum, ignore_case = true, default_value_t = Level::District)]
    pub by: Level,
    /// GP-access threshold: people beyond this many minutes are counted per mode.
    #[arg(long, default_value_t = needsmap::summary::DEFAULT_MINUTES)]
    pub minutes: f64,
    #[arg(long, value_enum, ignore_case = true, default_value_t = SummaryFormat::Table)]
    pub format: SummaryFormat,
}

/// `summary --by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    District,
    Ward,
    Msoa,
}

impl From<Level> for needsmap::model::SummaryLevel {
    fn from(l: Level) -> Self {
        match l {
            Level::District => needsmap::model::SummaryLevel::District,
            Level::Ward => needsmap::model::SummaryLevel::Ward,
            Level::Msoa => needsmap::model::SummaryLevel::Msoa,
        }
    }
}

/// How a summary is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// District name or code, e.g. Gloucester or E07000081.
    #[arg(long, required_unless_present = "ward")]
    pub district: Option<String>,
    /// Ward code (May 2025), e.g. E05010696; or a ward name.
    #[arg(long)]
    pub ward: Option<String>,
    /// GP-access threshold in minutes.
    #[arg(long, default_value_t = needsmap::summary::DEFAULT_MINUTES)]
    pub minutes: f64,
    /// The HTML file to write (temporary name, then renamed).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Rebuild even when the snapshot is current.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct LayersArgs {
    #[arg(long, value_enum, ignore_case = true, default_value_t = LayersFormat::Table)]
    pub format: LayersFormat,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    pub filter: Option<String>,
    /// Field to sort on; `field:desc` or `-field` for descending.
    #[arg(long)]
    pub sort: Option<String>,
    #[arg(long)]
    pub limit: Option<usize>,
    #[arg(long, value_enum, ignore_case = true, default_value_t = AreasFormat::Table)]
    pub format: AreasFormat,
}

#[derive(Debug, Args)]
pub struct AreaArgs {
    pub code: String,
    #[arg(long, value_enum, ignore_case = true, default_value_t = AreasFormat::Table)]
    pub format: AreasFormat,
}

#[derive(Debug, Args)]
pub struct PostcodeArgs {
    /// The postcode, quoted or not (`GL1 2EH`, `"GL1 2EH"`, `gl12eh`).
    #[arg(required = true, num_args = 1..)]
    pub postcode: Vec<String>,
    #[arg(long, value_enum, ignore_case = true, default_value_t = DocFormat::Table)]
    pub format: DocFormat,
}

#[derive(Debug, Args)]
pub struct AccessArgs {
    #[arg(long, value_enum, ignore_case = true, default_value_t = Mode::Walk)]
    pub mode: Mode,
    /// List areas with more than this many minutes to the nearest GP.
    #[arg(long, conflicts_with = "within", required_unless_present = "within")]
    pub beyond: Option<f64>,
    /// List areas within this many minutes of a GP.
    #[arg(long)]
    pub within: Option<f64>,
    /// An extra filter, e.g. 'imd_decile <= 2'.
    #[arg(long = "where")]
    pub filter: Option<String>,
    #[arg(long, value_enum, ignore_case = true, default_value_t = AreasFormat::Table)]
    pub format: AreasFormat,
}

#[derive(Debug, Args)]
pub struct ScenarioArgs {
    /// ODS code of a site to close (a practice code closes its branches too). Repeatable.
    #[arg(long, required_unless_present = "open")]
    pub close: Vec<String>,
    /// A new site: postcode, "lon,lat" or an ODS code. Repeatable.
    #[arg(long)]
    pub open: Vec<String>,
    #[arg(long, value_enum, ignore_case = true, default_value_t = Mode::Walk)]
    pub mode: Mode,
    #[arg(long, value_enum, ignore_case = true, default_value_t = DocFormat::Table)]
    pub format: DocFormat,
}

#[derive(Debug, Args)]
pub struct TravelArgs {
    /// CSV with id,lon,lat.
    #[arg(long)]
    pub origins: PathBuf,
    /// CSV with id,lon,lat.
    #[arg(long)]
    pub destinations: PathBuf,
    /// walk, cycle, car, or transit (public transport + walking; needs --gtfs, --departure).
    #[arg(long, value_enum, ignore_case = true, default_value_t = TravelArgMode::Walk)]
    pub mode: TravelArgMode,
    /// Only csv is offered.
    #[arg(long, value_enum, ignore_case = true, default_value_t = CsvFormat::Csv)]
    pub format: CsvFormat,
    #[command(flatten)]
    pub transit: TransitArgs,
}

/// `travel --mode`: a road mode, or public transport on GTFS timetables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TravelArgMode {
    Walk,
    Cycle,
    Car,
    Transit,
}

/// Options of `travel --mode transit` (see `needsmap::travel::transit`).
#[derive(Debug, Args)]
pub struct TransitArgs {
    /// GTFS zips, comma-separated (all in one agency time zone).
    #[arg(long, value_delimiter = ',')]
    pub gtfs: Vec<PathBuf>,
    /// First departure, local time of the feeds, e.g. 2019-05-13T14:00.
    #[arg(long)]
    pub departure: Option<String>,
    /// Departure minutes in the window (reported: a percentile of the per-minute times).
    #[arg(long, default_value_t = 1)]
    pub window: u32,
    #[arg(long, default_value_t = 50.0)]
    pub percentile: f64,
    /// Walking speed, km/h (default: DfT's 4.8; R5 uses 3.6).
    #[arg(long, default_value_t = needsmap::travel::speeds::WALK_KMH)]
    pub walk_speed: f64,
    #[arg(long, default_value_t = 3)]
    pub max_rides: usize,
    /// Longest trip, minutes; longer counts as unreached.
    #[arg(long, default_value_t = 120.0)]
    pub max_minutes: f64,
    /// Write every origin-destination pair (origin_id,destination_id,minutes).
    #[arg(long)]
    pub matrix: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[arg(long, env = "NEEDSMAP_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Folder of the web page (public/ and node_modules/maplibre-gl).
    #[arg(long, env = "NEEDSMAP_WEB_DIR", default_value = "web")]
    pub web: PathBuf,
    /// Do not pre-encode the region's tiles z6..13 in the background at start-up.
    #[arg(long)]
    pub no_warm: bool,
    /// A MapLibre style (http(s) URL) whose layers the page draws under the choropleth, e.g. a
    /// deployment's OS Maps API, OpenFreeMap or PMTiles basemap. Off by default: the page then
    /// asks no server but this one.
    #[arg(long, env = "NEEDSMAP_BASEMAP_STYLE", value_parser = style_url)]
    pub basemap_style: Option<String>,
    /// Seconds a request may take before it gets 504 and its work is stopped. Public-transport
    /// scenarios on a regional GTFS feed can need more than the default.
    #[arg(long, env = "NEEDSMAP_REQUEST_TIMEOUT", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout: u64,
}

/// A basemap style is fetched by the browser: an absolute http(s) URL.
fn style_url(s: &str) -> Result<String, String> {
    let t = s.trim();
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .ok_or_else(|| format!("'{t}' is not an http(s) URL of a MapLibre style"))?;
    if rest.is_empty() || t.chars().any(|c| c.is_whitespace() || c == '"') {
        return Err(format!("'{t}' is not an http(s) URL of a MapLibre style"));
    }
    Ok(t.to_string())
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(value_enum, ignore_case = true)]
    pub format: needsmap::export::ExportFormat,
    /// The file to write (written under a temporary name and renamed when complete).
    pub file: PathBuf,
    /// Lowest zoom in the archive (pmtiles).
    #[arg(long, default_value_t = 0)]
    pub minzoom: u8,
    /// Highest zoom in the archive (pmtiles); the map over-zooms beyond it.
    #[arg(long, default_value_t = 12)]
    pub maxzoom: u8,
    /// Layer ids each tile feature carries besides `code`, comma-separated (pmtiles).
    #[arg(long, default_value = "")]
    pub layers: String,
}

#[derive(Debug, Subcommand)]
pub enum DataAction {
    /// Which sources are present, their vintage, checksum state and licence; GP site counts.
    Status {
        #[arg(long, value_enum, ignore_case = true, default_value_t = DocFormat::Table)]
        format: DocFormat,
    },
    /// Copy every source from the mirror (or download it from the publisher) and verify it.
    Fetch {
        /// Also fetch optional sources (road networks, test references).
        #[arg(long)]
        all: bool,
    },
}

/// How a list of areas is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AreasFormat {
    /// An aligned terminal table with totals.
    Table,
    /// `{count, returned, totals, areas}`.
    Json,
    /// For spreadsheets: UTF-8 byte-order mark, CRLF, blank cells for missing values.
    Csv,
    /// An RFC 7946 FeatureCollection of the areas' polygons.
    Geojson,
}

impl From<AreasFormat> for Format {
    fn from(f: AreasFormat) -> Format {
        match f {
            AreasFormat::Table => Format::Table,
            AreasFormat::Json => Format::Json,
            AreasFormat::Csv => Format::Csv,
            AreasFormat::Geojson => Format::Geojson,
        }
    }
}

/// How an answer that is not a list of areas is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocFormat {
    /// Text for a terminal.
    Table,
    /// The same answer the HTTP API gives.
    Json,
}

/// How the layer list is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LayersFormat {
    /// One aligned row per layer.
    Table,
    /// The same list `/api/layers` gives, with colouring hints.
    Json,
    /// The page's generated ES module of layer ids (`web/public/generated/layers.js`).
    Js,
}

/// `travel` writes one row per origin, as CSV only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CsvFormat {
    Csv,
}

/// A way of travelling to a GP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    Walk,
    Cycle,
    Car,
    /// Public transport (at least one ride; needs GTFS feeds in the data directory).
    Pt,
    /// The better of walking and public transport (the county pack's measure).
    #[value(name = "walk_or_pt", alias = "walk-or-pt")]
    WalkOrPt,
}

/// What a `--mode` asks about: a road mode or a public-transport measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModeTarget {
    Road(TravelMode),
    Pt(needsmap::overlay::PtMeasure),
}

impl Mode {
    pub fn target(self) -> ModeTarget {
        use needsmap::overlay::PtMeasure;
        match self {
            Mode::Walk => ModeTarget::Road(TravelMode::Walk),
            Mode::Cycle => ModeTarget::Road(TravelMode::Cycle),
            Mode::Car => ModeTarget::Road(TravelMode::Car),
            Mode::Pt => ModeTarget::Pt(PtMeasure::Pt),
            Mode::WalkOrPt => ModeTarget::Pt(PtMeasure::WalkOrPt),
        }
    }

    /// The atlas layer of minutes this mode's questions are about.
    pub fn layer_id(self) -> &'static str {
        match self.target() {
            ModeTarget::Road(m) => needsmap::overlay::layer_id(m),
            ModeTarget::Pt(p) => p.layer_id(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::error::ErrorKind;
    use clap::CommandFactory;

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_mode_maps_to_its_travel_mode_or_pt_measure() {
        for m in Mode::value_variants() {
            let name = m.to_possible_value().unwrap().get_name().to_string();
            match m.target() {
                ModeTarget::Road(t) => assert_eq!(name.parse::<TravelMode>().unwrap(), t),
                ModeTarget::Pt(p) => assert_eq!(p.as_str(), name),
            }
        }
        assert_eq!(Mode::Pt.layer_id(), "gp_pt_min");
        assert_eq!(Mode::WalkOrPt.layer_id(), "gp_pt_walk_min");
        let cli = Cli::try_parse_from([
            "needsmap",
            "access",
            "--mode",
            "walk-or-pt",
            "--beyond",
            "45",
        ])
        .unwrap();
        assert!(matches!(
            cli.command,
            Command::Access(AccessArgs {
                mode: Mode::WalkOrPt,
                ..
            })
        ));
    }

    #[test]
    fn every_areas_format_maps_to_the_report_format() {
        for f in AreasFormat::value_variants() {
            let name = f.to_possible_value().unwrap().get_name().to_string();
            assert_eq!(name.parse::<Format>().unwrap(), Format::from(*f));
        }
    }

    #[test]
    fn region_is_parsed_by_clap_into_the_library_type() {
        let cli = Cli::try_parse_from(["needsmap", "--region", "e07000078, E07000081", "layers"])
            .unwrap();
        assert_eq!(
            cli.global.region,
            "E07000078,E07000081".parse::<Region>().unwrap()
        );
        let cli = Cli::try_parse_from(["needsmap", "layers", "--region", "England"]).unwrap();
        assert_eq!(cli.global.region, Region::England);
        let e = Cli::try_parse_from(["needsmap", "--region", "mars", "layers"]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ValueValidation);
        assert!(
            e.to_string().contains("'gloucestershire', 'england'"),
            "{e}"
        );
    }

    #[test]
    fn formats_and_modes_are_case_insensitive_and_closed() {
        let cli = Cli::try_parse_from(["needsmap", "query", "--format", "CSV"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Query(QueryArgs {
                format: AreasFormat::Csv,
                ..
            })
        ));
        let e = Cli::try_parse_from(["needsmap", "postcode", "GL1 2EH", "--format", "csv"])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidValue);
        let e = Cli::try_parse_from(["needsmap", "access", "--beyond", "5", "--mode", "bus"])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidValue);
        assert!(e.to_string().contains("walk, cycle, car"), "{e}");
    }

    #[test]
    fn access_needs_exactly_one_threshold_and_scenario_a_change() {
        let e = Cli::try_parse_from(["needsmap", "access"]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::MissingRequiredArgument);
        let e = Cli::try_parse_from(["needsmap", "access", "--beyond", "5", "--within", "3"])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ArgumentConflict);
        let e = Cli::try_parse_from(["needsmap", "scenario", "--mode", "car"]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::MissingRequiredArgument);
        assert!(Cli::try_parse_from(["needsmap", "scenario", "--open", "GL1 2EH"]).is_ok());
    }

    #[test]
    fn basemap_style_is_off_by_default_and_must_be_an_http_url() {
        let style = |args: &[&str]| match Cli::try_parse_from(args).map(|c| c.command) {
            Ok(Command::Serve(a)) => Ok(a.basemap_style),
            Ok(_) => unreachable!(),
            Err(e) => Err(e.kind()),
        };
        if std::env::var_os("NEEDSMAP_BASEMAP_STYLE").is_none() {
            assert_eq!(style(&["needsmap", "serve"]), Ok(None));
        }
        assert_eq!(
            style(&[
                "needsmap",
                "serve",
                "--basemap-style",
                "https://tiles.example.org/style.json"
            ]),
            Ok(Some("https://tiles.example.org/style.json".into()))
        );
        for bad in [
            "style.json",
            "ftp://x/style.json",
            "https://",
            "https://a b",
        ] {
            assert_eq!(
                style(&["needsmap", "serve", "--basemap-style", bad]),
                Err(ErrorKind::ValueValidation),
                "{bad}"
            );
        }
    }
}
