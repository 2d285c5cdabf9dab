-- A port-scale yard database made from the contract alone, as a terminal's own
-- system would hold it: 1,000,000 vehicles of history (50,000 in the yard in 200
-- blocks, 40 open or loading consignments), 5,000,000 events, and the simple
-- indexes a terminal's IT makes. Nothing of yardtop's.
-- sqlite3 port.db < benches/contract_port.sql   (about a minute)
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -200000;
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE yard_blocks(code TEXT PRIMARY KEY, zone TEXT, rows INTEGER, slots_per_row INTEGER);
CREATE TABLE vessels(imo INTEGER PRIMARY KEY, name TEXT NOT NULL, capacity_ceu INTEGER);
CREATE TABLE vessel_calls(id INTEGER PRIMARY KEY, imo INTEGER REFERENCES vessels, voyage TEXT NOT NULL,
    berth TEXT, eta TEXT, etd TEXT, status TEXT);
CREATE TABLE consignments(id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE,
    call_id INTEGER REFERENCES vessel_calls, brand TEXT, destination TEXT,
    planned_units INTEGER, cutoff_at TEXT, status TEXT);
CREATE TABLE vehicles(vin TEXT PRIMARY KEY, make TEXT, model TEXT, powertrain TEXT,
    soc_pct REAL, soc_checked_at TEXT, consignment_id INTEGER REFERENCES consignments,
    status TEXT, hold_reason TEXT, block TEXT REFERENCES yard_blocks, row INTEGER, slot INTEGER,
    gate_in_at TEXT, loaded_at TEXT, updated_at TEXT);
CREATE TABLE events(id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, vin TEXT,
    kind TEXT NOT NULL, detail TEXT);

BEGIN;
INSERT INTO settings VALUES ('port_name', 'Contract Port'), ('port_locode', 'CNXMN'),
    ('timezone', 'Asia/Shanghai'), ('soc_max_pct', '50'), ('soc_min_pct', '20'),
    ('soc_check_max_age_h', '72'), ('long_dwell_days', '14'), ('at_risk_hours', '24'), ('uph_target', '200');
WITH RECURSIVE b(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM b WHERE n < 199)
INSERT INTO yard_blocks SELECT printf('%s%03d', CASE WHEN n < 120 THEN 'N' WHEN n < 180 THEN 'I' ELSE 'S' END, n),
    CASE WHEN n < 120 THEN 'nev' WHEN n < 180 THEN 'ice' ELSE 'staging' END, 10, 30 FROM b;
WITH RECURSIVE v(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM v WHERE n < 20)
INSERT INTO vessels SELECT 9000000 + n * 10, 'PCTC ' || n, 6000 FROM v;
WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2500)
INSERT INTO vessel_calls SELECT n, 9000000 + (n % 20 + 1) * 10, printf('%03dW', n), 'B1',
    strftime('%Y-%m-%dT%H:%M:%SZ', 1640995200 + n * 61000, 'unixepoch'),
    strftime('%Y-%m-%dT%H:%M:%SZ', 1640995200 + n * 61000 + 86400, 'unixepoch'),
    CASE WHEN n > 2490 THEN 'alongside' ELSE 'departed' END FROM c;
-- 2,500 consignments of about 380 exports each; the last 40 open or loading.
WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2540)
INSERT INTO consignments SELECT n, printf('XMN-%05d', n), min(n, 2500), 'MG', 'GBBRS', 1300,
    CASE WHEN n > 2500 THEN strftime('%Y-%m-%dT%H:%M:%SZ', 1795510800 + (n - 2500) * 7200, 'unixepoch')
         ELSE strftime('%Y-%m-%dT%H:%M:%SZ', 1640995200 + n * 61000, 'unixepoch') END,
    CASE WHEN n > 2520 THEN 'loading' WHEN n > 2500 THEN 'open' ELSE 'closed' END FROM c;
-- 950,000 exported from 2022-01-01 to 2026-11-26 (growing: more NEVs lately),
-- then 50,000 in the yard.
WITH RECURSIVE v(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM v WHERE n < 1000000)
INSERT INTO vehicles
SELECT printf('LSJW%013d', n), 'MG', 'MG4',
    CASE WHEN abs(random()) % 100 < n / 12000 THEN 'BEV' WHEN abs(random()) % 10 < 2 THEN 'PHEV'
         WHEN abs(random()) % 10 < 3 THEN 'HEV' ELSE 'ICE' END,
    CASE WHEN n > 950000 THEN (abs(random()) % 900) / 10.0 END,
    CASE WHEN n > 950000 THEN strftime('%Y-%m-%dT%H:%M:%SZ', 1795510800 - abs(random()) % 400000, 'unixepoch') END,
    CASE WHEN n > 950000 THEN 2501 + n % 40 ELSE 1 + (n - 1) / 380 END,
    CASE WHEN n > 950000 THEN (CASE abs(random()) % 10 WHEN 0 THEN 'gated_in' WHEN 1 THEN 'hold' WHEN 2 THEN 'staged' ELSE 'parked' END)
         WHEN n > 940000 THEN 'loaded' ELSE 'departed' END,
    NULL,
    CASE WHEN n > 950000 THEN printf('%s%03d', CASE WHEN n % 200 < 120 THEN 'N' WHEN n % 200 < 180 THEN 'I' ELSE 'S' END, n % 200) END,
    CASE WHEN n > 950000 THEN 1 + (n / 200) % 10 END, CASE WHEN n > 950000 THEN 1 + (n / 2000) % 30 END,
    strftime('%Y-%m-%dT%H:%M:%SZ', CASE WHEN n > 950000 THEN 1795510800 - abs(random()) % 2500000 ELSE 1640995200 + n * 163 - 600000 END, 'unixepoch'),
    CASE WHEN n <= 950000 THEN strftime('%Y-%m-%dT%H:%M:%SZ', 1640995200 + n * 163, 'unixepoch') END,
    strftime('%Y-%m-%dT%H:%M:%SZ', 1640995200 + n * 155, 'unixepoch')
FROM v;
UPDATE vehicles SET hold_reason = CASE abs(random()) % 5 WHEN 0 THEN 'customs' WHEN 1 THEN 'damage' WHEN 2 THEN 'battery' WHEN 3 THEN 'documents' ELSE 'other' END
    WHERE status = 'hold';
WITH RECURSIVE e(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM e WHERE n < 5000000)
INSERT INTO events(at, vin, kind, detail)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 1640995200 + n * 31, 'unixepoch'), printf('LSJW%013d', 1 + n / 5),
    CASE n % 5 WHEN 0 THEN 'gate_in' WHEN 1 THEN 'park' WHEN 2 THEN 'soc_check' WHEN 3 THEN 'stage' ELSE 'load' END, NULL
FROM e;
COMMIT;
CREATE INDEX vehicles_status ON vehicles(status);
CREATE INDEX vehicles_loaded_at ON vehicles(loaded_at);
CREATE INDEX vehicles_consignment ON vehicles(consignment_id);
CREATE INDEX vehicles_block ON vehicles(block);
CREATE INDEX events_at ON events(at);
PRAGMA journal_mode = WAL;
