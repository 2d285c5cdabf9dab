//! The page geometry of the dashboard: how many rows each list shows at a terminal
//! size, which is the page size of its keyset query (only visible rows are read).
//! The state machine pages with it and the panels draw with it.

pub const HEADER_ROWS: u16 = 2;
pub const FOOTER_ROWS: u16 = 1;

/// Lines of the consignment drill-down above its table (inside the border).
pub const CONSIGNMENT_INFO_ROWS: u16 = 3;
/// Lines of the vehicle drill-down's fields (inside the border).
pub const VEHICLE_FIELD_ROWS: u16 = 9;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Block,
    Consignment,
    Vehicle,
    Picker,
    /// An alert's subjects: a summary line and column heads above the rows.
    Subjects,
}

/// How many rows a drill-down list shows at this terminal size (the page size of
/// its keyset query: only visible rows are read).
pub fn list_rows(kind: Option<ListKind>, size: (u16, u16)) -> usize {
    let body = size.1.saturating_sub(HEADER_ROWS + FOOTER_ROWS);
    let inner = body.saturating_sub(2);
    let rows = match kind {
        None | Some(ListKind::Block) => inner,
        Some(ListKind::Consignment) => inner.saturating_sub(CONSIGNMENT_INFO_ROWS + 1),
        Some(ListKind::Vehicle) => inner.saturating_sub(VEHICLE_FIELD_ROWS + 1),
        Some(ListKind::Picker) => inner.saturating_sub(1),
        Some(ListKind::Subjects) => inner.saturating_sub(2),
    };
    (rows as usize).max(1)
}
