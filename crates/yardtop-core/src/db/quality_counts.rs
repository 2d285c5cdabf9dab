//! What a data-quality scan of one table finds: shared by the SQL scan (`quality`)
//! and the vehicles' own pass in Rust (`quality_vehicles`).

/// Data-quality counts of one table: rows per problem kind, and rows with any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QualityCounts {
    pub by_kind: Vec<(&'static str, u64)>,
    pub rows: u64,
}
