//! The `/` search: a VIN suffix (as tally clerks type the last characters), a
//! consignment ref or a vessel name.

use rusqlite::types::Value;
use rusqlite::{params, Connection};

use super::{display, vehicle_row, IN_YARD_SQL, SEARCH_LIMIT, VEHICLE_COLS};

/// What a search hit opens.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Vehicle(Value),
    Consignment(i64),
    /// A consignment known by its ref (an alert's subject).
    ConsignmentRef(String),
    Block(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub target: Target,
    /// "vehicle", "consignment", "vessel"...
    pub kind: &'static str,
    pub label: String,
    /// What else identifies it (make and model, status...), as written.
    pub detail: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchResults {
    pub query: String,
    pub hits: Vec<SearchHit>,
    /// More matched than were returned.
    pub truncated: bool,
}

/// Escapes LIKE's wildcards in what the user typed.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Searches by VIN suffix (as tally clerks type the last characters), consignment
/// ref or vessel name. Each kind is bounded by `SEARCH_LIMIT`.
pub fn search(conn: &Connection, query: &str) -> rusqlite::Result<SearchResults> {
    let q = query.trim();
    let mut out = SearchResults {
        query: q.to_string(),
        ..Default::default()
    };
    if q.is_empty() {
        return Ok(out);
    }
    let pat = like_escape(q);
    let lim = (SEARCH_LIMIT + 1) as i64;
    // VIN suffix. `vin LIKE '%' || ?` cannot use an index: a full scan of vehicles
    // (about 0.2 s at 1,000,000 rows); the sort keeps only the first LIMIT. A
    // candidate for an index later (a reversed-VIN expression index, added by
    // `init --existing`). Vehicles still in the yard come first: they are the ones
    // a clerk is looking for; those that have left, after them.
    let mut vins = conn
        .prepare_cached(&format!(
            "{VEHICLE_COLS} WHERE vin LIKE '%' || ?1 ESCAPE '\\' \
             ORDER BY status IN {IN_YARD_SQL} DESC, vin LIMIT ?2"
        ))?
        .query_map(params![pat, lim], |r| Ok(vehicle_row(r)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if vins.len() > SEARCH_LIMIT {
        out.truncated = true;
        vins.truncate(SEARCH_LIMIT);
    }
    for v in vins {
        out.hits.push(SearchHit {
            target: Target::Vehicle(v.key.clone()),
            kind: "vehicle",
            label: v.vin.clone(),
            detail: vec![
                format!("{} {}", v.make, v.model),
                v.powertrain_raw.clone(),
                v.status_raw.clone(),
            ],
        });
    }
    // Consignment refs (consignments are few: thousands at port scale).
    let mut stmt = conn.prepare_cached(
        "SELECT id, ref, destination, status FROM consignments \
         WHERE ref LIKE '%' || ?1 || '%' ESCAPE '\\' \
         ORDER BY status IN ('open','loading') DESC, id DESC LIMIT ?2",
    )?;
    let refs = stmt
        .query_map(params![pat, lim], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                display(r, 1).unwrap_or_default(),
                display(r, 2).unwrap_or_default(),
                display(r, 3).unwrap_or_default(),
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if refs.len() > SEARCH_LIMIT {
        out.truncated = true;
    }
    for (id, reference, dest, status) in refs.into_iter().take(SEARCH_LIMIT) {
        out.hits.push(SearchHit {
            target: Target::Consignment(id),
            kind: "consignment",
            label: reference,
            detail: vec![format!("to {dest}"), status],
        });
    }
    // Vessel names: their calls' consignments, pending ones first.
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.ref, v.name, vc.voyage, c.status FROM vessels v \
         JOIN vessel_calls vc ON vc.imo = v.imo \
         JOIN consignments c ON c.call_id = vc.id \
         WHERE v.name LIKE '%' || ?1 || '%' ESCAPE '\\' \
         ORDER BY c.status IN ('open','loading') DESC, c.id DESC LIMIT ?2",
    )?;
    let vessels = stmt
        .query_map(params![pat, lim], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                display(r, 1).unwrap_or_default(),
                display(r, 2).unwrap_or_default(),
                display(r, 3).unwrap_or_default(),
                display(r, 4).unwrap_or_default(),
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if vessels.len() > SEARCH_LIMIT {
        out.truncated = true;
    }
    for (id, reference, vessel, voyage, status) in vessels.into_iter().take(SEARCH_LIMIT) {
        if out.hits.iter().any(|h| h.target == Target::Consignment(id)) {
            continue;
        }
        out.hits.push(SearchHit {
            target: Target::Consignment(id),
            kind: "vessel",
            label: format!("{vessel} {voyage}"),
            detail: vec![reference, status],
        });
    }
    Ok(out)
}
