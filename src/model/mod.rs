//! One typed model per answer. JSON, CSV, the terminal tables and the OpenAPI document are all
//! written from these types, so the CLI and the server cannot say different things.
//!
//! Models borrow from the [`Atlas`](crate::atlas::Atlas): building one copies no layer values,
//! and lists of areas are produced row by row while they are written.

pub mod access;
pub mod area;
pub mod child_poverty;
pub mod compare;
pub mod error;
pub mod figure;
pub mod geojson;
pub mod gp;
pub mod labels;
pub mod layers;
pub mod locality;
pub mod postcode;
pub mod profile;
pub mod region;
pub mod status;
pub mod summary;

pub use access::{
    AccessAnswer, Crossing, CrossingTotals, DecileImpact, ScenarioAnswer, ScenarioChange,
    ScenarioSite, ThresholdImpact,
};
pub use area::{AreaList, AreaRow, AreaRows};
pub use child_poverty::{ChildPovertyDistrict, ChildPovertyDistricts, ChildPovertyYear};
pub use compare::{ChangeRow, CompareAnswer, CompareUnavailable};
pub use error::ErrorBody;
pub use figure::{round3, Cell, Figure};
pub use geojson::{AreaFeatureCollection, DistrictCollection, GpSiteCollection};
pub use gp::NearbyGpSite;
pub use labels::{LabelCollection, LabelKind};
pub use layers::{LayerInfo, LayerList};
pub use postcode::{Eligibility, PostcodeAnswer, VintageEligibility};
pub use profile::{AreaProfile, ProfileLayer};
pub use region::{DistrictInfo, Health, RegionInfo, RegionRef};
pub use status::StatusAnswer;
pub use summary::{GpBeyond, GpMode, SummaryAnswer, SummaryLevel, SummaryRow};
