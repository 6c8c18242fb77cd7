//! Layer ids as named constants: code says `ids::IMD_DECILE`, never `"imd_decile"`, so a typo is a
//! compile error. The page gets the same names from `web/public/generated/layers.js`
//! (`needsmap layers --format js`). Every id here is declared in [`super::catalogue`].

/// Declares the constants and [`ALL`], so the list the page is generated from cannot miss one.
macro_rules! layer_ids {
    ($($(#[$doc:meta])* $name:ident = $id:literal,)*) => {
        $($(#[$doc])* pub const $name: &str = $id;)*
        /// Every id with its constant's name, in declaration order.
        pub const ALL: &[(&str, &str)] = &[$((stringify!($name), $id)),*];
    };
}

layer_ids! {
    // Deprivation: IoD2019 (and later vintages under the same ids).
    IMD_SCORE = "imd_score",
    IMD_RANK = "imd_rank",
    IMD_DECILE = "imd_decile",
    /// The IMD decile within the loaded region (computed).
    IMD_COUNTY_DECILE = "imd_county_decile",
    // Children.
    IDACI_SCORE = "idaci_score",
    IDACI_RANK = "idaci_rank",
    IDACI_DECILE = "idaci_decile",
    CHILDREN_INCOME_DEPRIVED = "children_income_deprived",
    /// DWP Children in Low Income Families: MSOA-level figures attached to each LSOA.
    CHILD_POVERTY_MSOA = "child_poverty_msoa",
    CHILD_POVERTY_MSOA_CHANGE = "child_poverty_msoa_change",
    CHILD_POVERTY_MSOA_RATE = "child_poverty_msoa_rate",
    /// The MSOA 2011 the child-poverty figures of an LSOA come from.
    MSOA = "msoa",
    // Population (the IoD denominators).
    POPULATION = "population",
    CHILDREN = "children",
    /// The electoral ward (May 2025) an LSOA is assigned to by its population-weighted centroid.
    WARD = "ward",
    WARD_NAME = "ward_name",
    /// The MSOA 2021 an LSOA 2021 nests in (IoD2025 atlas).
    MSOA21 = "msoa21",
    // The seven IoD domains, in `sources::iod::DOMAINS` order.
    INCOME_SCORE = "income_score",
    INCOME_RANK = "income_rank",
    INCOME_DECILE = "income_decile",
    EMPLOYMENT_SCORE = "employment_score",
    EMPLOYMENT_RANK = "employment_rank",
    EMPLOYMENT_DECILE = "employment_decile",
    EDUCATION_SCORE = "education_score",
    EDUCATION_RANK = "education_rank",
    EDUCATION_DECILE = "education_decile",
    HEALTH_SCORE = "health_score",
    HEALTH_RANK = "health_rank",
    HEALTH_DECILE = "health_decile",
    CRIME_SCORE = "crime_score",
    CRIME_RANK = "crime_rank",
    CRIME_DECILE = "crime_decile",
    BARRIERS_SCORE = "barriers_score",
    BARRIERS_RANK = "barriers_rank",
    BARRIERS_DECILE = "barriers_decile",
    LIVING_ENV_SCORE = "living_env_score",
    LIVING_ENV_RANK = "living_env_rank",
    LIVING_ENV_DECILE = "living_env_decile",
    // GP access: official reference figures.
    GP_ROAD_KM_IOD2019 = "gp_road_km_iod2019",
    GP_PT_WALK_MIN_2013 = "gp_pt_walk_min_2013",
    GP_CYCLE_MIN_2013 = "gp_cycle_min_2013",
    GP_CAR_MIN_2013 = "gp_car_min_2013",
    // GP access computed by needsmap (routed or estimated).
    GP_WALK_MIN = "gp_walk_min",
    GP_CYCLE_MIN = "gp_cycle_min",
    GP_CAR_MIN = "gp_car_min",
    GP_WALK_KM = "gp_walk_km",
    GP_CYCLE_KM = "gp_cycle_km",
    GP_CAR_KM = "gp_car_km",
    GP_DETOUR_FACTOR = "gp_detour_factor",
    GP_NEAREST = "gp_nearest",
    // Public transport to a GP: absent (with a reason) until a GTFS feed is present.
    GP_PT_MIN = "gp_pt_min",
    GP_PT_WALK_MIN = "gp_pt_walk_min",
    // IoD2025 only: the six sub-domains (score, national rank, national decile).
    CYP_SCORE = "cyp_score",
    CYP_RANK = "cyp_rank",
    CYP_DECILE = "cyp_decile",
    ADULT_SKILLS_SCORE = "adult_skills_score",
    ADULT_SKILLS_RANK = "adult_skills_rank",
    ADULT_SKILLS_DECILE = "adult_skills_decile",
    GEO_BARRIERS_SCORE = "geo_barriers_score",
    GEO_BARRIERS_RANK = "geo_barriers_rank",
    GEO_BARRIERS_DECILE = "geo_barriers_decile",
    WIDER_BARRIERS_SCORE = "wider_barriers_score",
    WIDER_BARRIERS_RANK = "wider_barriers_rank",
    WIDER_BARRIERS_DECILE = "wider_barriers_decile",
    INDOORS_SCORE = "indoors_score",
    INDOORS_RANK = "indoors_rank",
    INDOORS_DECILE = "indoors_decile",
    OUTDOORS_SCORE = "outdoors_score",
    OUTDOORS_RANK = "outdoors_rank",
    OUTDOORS_DECILE = "outdoors_decile",
    /// IoD2025 File 8: registered patients per full-time-equivalent GP.
    PATIENT_TO_GP_RATIO = "patient_to_gp_ratio",
    /// How an LSOA 2021 area's centroid was found (official PWC, or a point inside the polygon).
    CENTROID_BASIS = "centroid_basis",
    // Change between IoD2019 and IoD2025 on LSOA 2021 areas (through the 2011→2021 lookup).
    /// The 2011→2021 lookup type of the area: unchanged, split, merge, complex.
    LOOKUP_CHANGE = "lookup_change",
    /// The LSOA 2011 parent code(s) of an LSOA 2021 area, `;`-separated.
    LSOA11_CODES = "lsoa11_codes",
    IMD_DECILE_2019 = "imd_decile_2019",
    IMD_COUNTY_DECILE_2019 = "imd_county_decile_2019",
    IMD_DECILE_CHANGE = "imd_decile_change",
    IMD_COUNTY_DECILE_CHANGE = "imd_county_decile_change",
    /// Top 10% of England under IMD 2019 (carried) and 2025: entered, left, stayed, never.
    TOP10_STATUS = "top10_status",
    /// Top 10% of the loaded region under IMD 2019 (carried) and 2025.
    TOP10_STATUS_COUNTY = "top10_status_county",
}

/// The (score, rank, decile) ids of each IoD2025 sub-domain, in `sources::iod2025::SUBDOMAINS_2025` order.
pub const SUBDOMAINS: [(&str, &str, &str); 6] = [
    (CYP_SCORE, CYP_RANK, CYP_DECILE),
    (ADULT_SKILLS_SCORE, ADULT_SKILLS_RANK, ADULT_SKILLS_DECILE),
    (GEO_BARRIERS_SCORE, GEO_BARRIERS_RANK, GEO_BARRIERS_DECILE),
    (
        WIDER_BARRIERS_SCORE,
        WIDER_BARRIERS_RANK,
        WIDER_BARRIERS_DECILE,
    ),
    (INDOORS_SCORE, INDOORS_RANK, INDOORS_DECILE),
    (OUTDOORS_SCORE, OUTDOORS_RANK, OUTDOORS_DECILE),
];

/// The (score, rank, decile) ids of each IoD domain, in `sources::iod::DOMAINS` order.
pub const DOMAINS: [(&str, &str, &str); 7] = [
    (INCOME_SCORE, INCOME_RANK, INCOME_DECILE),
    (EMPLOYMENT_SCORE, EMPLOYMENT_RANK, EMPLOYMENT_DECILE),
    (EDUCATION_SCORE, EDUCATION_RANK, EDUCATION_DECILE),
    (HEALTH_SCORE, HEALTH_RANK, HEALTH_DECILE),
    (CRIME_SCORE, CRIME_RANK, CRIME_DECILE),
    (BARRIERS_SCORE, BARRIERS_RANK, BARRIERS_DECILE),
    (LIVING_ENV_SCORE, LIVING_ENV_RANK, LIVING_ENV_DECILE),
];
