//! SQL expressions that decide what a readable value is. They are pure SQL (no
//! application functions) because they also run inside triggers, in whatever
//! process writes the database; `time::parse_ts` implements the same grammar, and a
//! test holds the two to agreement.

/// `YYYY-MM-DD[T ]HH:MM:SS` as a GLOB pattern.
const TS_SHAPE: &str = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:[0-9][0-9]:[0-9][0-9]";

/// True when `col` holds a readable RFC 3339 timestamp (see `time::parse_ts`).
pub fn ts_valid(col: &str) -> String {
    let s = TS_SHAPE;
    format!(
        "(typeof({col}) = 'text' AND ({col} GLOB '{s}[Zz]' OR {col} GLOB '{s}[+-][0-9][0-9]:[0-9][0-9]' \
         OR ({col} GLOB '{s}.[0-9]*[Zz]' AND length({col}) BETWEEN 22 AND 30 \
             AND trim(substr({col}, 21, length({col}) - 21), '0123456789') = '') \
         OR ({col} GLOB '{s}.[0-9]*[+-][0-9][0-9]:[0-9][0-9]' AND length({col}) BETWEEN 27 AND 35 \
             AND trim(substr({col}, 21, length({col}) - 26), '0123456789') = '')) \
         AND date(substr({col}, 1, 10)) IS substr({col}, 1, 10) AND substr({col}, 12, 2) <= '23' \
         AND ifnull(CAST(strftime('%s', {col}) AS INTEGER), -99999999999) >= -62167219200)"
    )
}

/// True when `col` is NULL or a readable timestamp.
pub fn ts_ok(col: &str) -> String {
    format!("({col} IS NULL OR {})", ts_valid(col))
}

/// Unix seconds of a readable timestamp (fractions cut).
pub fn epoch_s(col: &str) -> String {
    format!("CAST(strftime('%s', {col}) AS INTEGER)")
}

/// True when a text column holds text (not a BLOB). Invalid UTF-8 inside TEXT cannot
/// be seen from SQL; the reader checks the rows it shows for that itself.
pub fn text_ok(col: &str) -> String {
    format!("(typeof({col}) <> 'blob')")
}

/// True when the vehicle row `r` (`NEW`, `OLD` or a table alias) counts as exported.
pub fn exported(r: &str) -> String {
    format!(
        "({r}.status IN ('loaded', 'departed') AND {})",
        ts_valid(&format!("{r}.loaded_at"))
    )
}

/// 1 when the vehicle row `r` is an NEV, else 0 (also for a NULL powertrain).
pub fn is_nev(r: &str) -> String {
    format!("coalesce({r}.powertrain IN ('BEV', 'PHEV', 'FCEV'), 0)")
}
