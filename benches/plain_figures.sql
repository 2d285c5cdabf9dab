-- The plain-SQL floor: every figure of docs/database.md, as a terminal's engineer
-- would write it for the sqlite3 CLI, on the contract with IT's simple indexes, as
-- of 2026-11-26T09:00:00Z in Asia/Shanghai (UTC+8). `+status` keeps the planner
-- off the status index for loaded/departed (most of history), as in yardtop.
.timer on
-- today / month / year / same period last year
SELECT count(*), sum(powertrain IN ('BEV','PHEV','FCEV')) FROM vehicles WHERE +status IN ('loaded','departed') AND loaded_at >= '2026-11-25T16:00:00Z' AND loaded_at <= '2026-11-26T09:00:00Z';
SELECT count(*), sum(powertrain IN ('BEV','PHEV','FCEV')) FROM vehicles WHERE +status IN ('loaded','departed') AND loaded_at >= '2026-10-31T16:00:00Z' AND loaded_at <= '2026-11-26T09:00:00Z';
SELECT count(*), sum(powertrain IN ('BEV','PHEV','FCEV')) FROM vehicles WHERE +status IN ('loaded','departed') AND loaded_at >= '2025-12-31T16:00:00Z' AND loaded_at <= '2026-11-26T09:00:00Z';
SELECT count(*), sum(powertrain IN ('BEV','PHEV','FCEV')) FROM vehicles WHERE +status IN ('loaded','departed') AND loaded_at >= '2024-12-31T16:00:00Z' AND loaded_at <= '2025-11-26T09:00:00Z';
-- record consignment as of now
SELECT consignment_id, count(*) AS n, sum(powertrain IN ('BEV','PHEV','FCEV')), max(loaded_at) FROM vehicles
 WHERE +status IN ('loaded','departed') AND +loaded_at <= '2026-11-26T09:00:00Z' AND consignment_id IS NOT NULL
 GROUP BY consignment_id ORDER BY n DESC, consignment_id LIMIT 1;
-- 30 daily buckets
SELECT date(loaded_at, '+8 hours') AS d, count(*), sum(powertrain IN ('BEV','PHEV','FCEV')) FROM vehicles
 WHERE +status IN ('loaded','departed') AND loaded_at >= '2026-10-27T16:00:00Z' AND loaded_at <= '2026-11-26T09:00:00Z' GROUP BY d;
-- the yard: blocks, SoC bands, holds, long dwell
SELECT block, count(*), sum(powertrain IN ('BEV','PHEV','FCEV')) FROM vehicles WHERE status IN ('gated_in','parked','hold','staged') GROUP BY block;
SELECT sum(soc_pct > 50 AND soc_checked_at >= '2026-11-23T09:00:00Z'), sum(soc_pct < 20 AND soc_checked_at >= '2026-11-23T09:00:00Z'),
       sum(soc_pct IS NULL OR soc_checked_at IS NULL OR soc_checked_at < '2026-11-23T09:00:00Z'), sum(gate_in_at < '2026-11-12T09:00:00Z')
 FROM vehicles WHERE status IN ('gated_in','parked','hold','staged') AND powertrain IN ('BEV','PHEV','FCEV');
SELECT hold_reason, count(*) FROM vehicles WHERE status = 'hold' GROUP BY 1;
-- pending consignments and their progress; the last hour's loads
SELECT c.id, c.ref, k.voyage, v.name FROM consignments c LEFT JOIN vessel_calls k ON k.id = c.call_id LEFT JOIN vessels v ON v.imo = k.imo WHERE c.status IN ('open','loading');
SELECT consignment_id, status, count(*) FROM vehicles WHERE consignment_id IN (SELECT id FROM consignments WHERE status IN ('open','loading')) GROUP BY 1, 2;
SELECT consignment_id, count(*) FROM vehicles WHERE loaded_at >= '2026-11-26T08:00:00Z' AND loaded_at <= '2026-11-26T09:00:00Z' AND +status IN ('loaded','departed') GROUP BY 1;
-- activity
SELECT * FROM events ORDER BY rowid DESC LIMIT 50;
