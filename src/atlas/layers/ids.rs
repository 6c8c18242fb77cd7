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
}

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
