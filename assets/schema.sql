-- yardtop yard database, schema version 1 (the contract: docs/database.md).
-- The contract tables come first, exactly as the terminal's other systems know them;
-- yardtop's own additions (indexes only: no trigger, no table) follow and are all
-- safe to add to a database another system created (`yardtop init --existing`).

CREATE TABLE IF NOT EXISTS settings(
    key   TEXT PRIMARY KEY,
    value TEXT
);

CREATE TABLE IF NOT EXISTS yard_blocks(
    code          TEXT PRIMARY KEY,
    zone          TEXT,      -- nev | ice | staging | inspection | quarantine
    rows          INTEGER,
    slots_per_row INTEGER    -- capacity = rows * slots_per_row
);

CREATE TABLE IF NOT EXISTS vessels(
    imo          INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    capacity_ceu INTEGER
);

CREATE TABLE IF NOT EXISTS vessel_calls(
    id     INTEGER PRIMARY KEY,
    imo    INTEGER REFERENCES vessels,
    voyage TEXT NOT NULL,
    berth  TEXT,
    eta    TEXT,
    etd    TEXT,
    status TEXT              -- expected | alongside | departed
);

CREATE TABLE IF NOT EXISTS consignments(
    id            INTEGER PRIMARY KEY,
    ref           TEXT NOT NULL UNIQUE,
    call_id       INTEGER REFERENCES vessel_calls,
    brand         TEXT,
    destination   TEXT,      -- UN/LOCODE of the port of discharge
    planned_units INTEGER,
    cutoff_at     TEXT,
    status        TEXT       -- open | loading | closed | cancelled
);

CREATE TABLE IF NOT EXISTS vehicles(
    vin            TEXT PRIMARY KEY,
    make           TEXT,
    model          TEXT,
    powertrain     TEXT,     -- BEV | PHEV | FCEV | HEV | ICE
    soc_pct        REAL,
    soc_checked_at TEXT,
    consignment_id INTEGER REFERENCES consignments,
    status         TEXT,     -- expected | gated_in | parked | hold | staged | loaded | departed
    hold_reason    TEXT,     -- customs | damage | battery | documents | other
    block          TEXT REFERENCES yard_blocks,
    row            INTEGER,
    slot           INTEGER,
    gate_in_at     TEXT,
    loaded_at      TEXT,
    updated_at     TEXT
);

CREATE TABLE IF NOT EXISTS events(
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL,
    vin    TEXT,
    kind   TEXT NOT NULL,    -- gate_in park move hold release soc_check stage load depart ...
    detail TEXT
);

-- yardtop's indexes: each one measured against what it costs the terminal's writers
-- (docs/database.md, `cargo bench --bench writers`). `init --existing` adds one only
-- when no index of the database already starts with the same columns (the simple
-- indexes a terminal's IT makes serve as well). No figure depends on them, nor on
-- sqlite_stat1: the queries steer their own plans, these only make them cheaper.
CREATE INDEX IF NOT EXISTS yt_vehicles_status      ON vehicles(status);
CREATE INDEX IF NOT EXISTS yt_vehicles_consignment ON vehicles(consignment_id);
CREATE INDEX IF NOT EXISTS yt_vehicles_block       ON vehicles(block);
-- No index on events beyond its key: an index on events(vin) made a bulk insert of
-- events 3.45 times slower (vins arrive in random order), far over what yardtop may
-- cost a writer; a vehicle's history is read by scanning events instead.
