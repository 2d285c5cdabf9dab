-- An earlier yardtop's indexes (as shipped with the summary triggers). None of the figures may depend on sqlite_stat1: the
-- queries pin their plans themselves, these only make the pinned plans cheap.
CREATE INDEX IF NOT EXISTS yt_vehicles_status      ON vehicles(status);
CREATE INDEX IF NOT EXISTS yt_vehicles_loaded_at   ON vehicles(loaded_at);
CREATE INDEX IF NOT EXISTS yt_vehicles_consignment ON vehicles(consignment_id, status, loaded_at);
-- The yard itself (a few percent of history), covered: the refresh reads it whole.
CREATE INDEX IF NOT EXISTS yt_vehicles_in_yard ON vehicles(status, block, powertrain, hold_reason, soc_pct,
    soc_checked_at, gate_in_at, vin) WHERE status IN ('gated_in', 'parked', 'hold', 'staged');
CREATE INDEX IF NOT EXISTS yt_vehicles_block_slot  ON vehicles(block, row, slot);
-- A consignment's vehicles page by VIN without sorting them all.
CREATE INDEX IF NOT EXISTS yt_vehicles_consignment_vin ON vehicles(consignment_id, vin);
CREATE INDEX IF NOT EXISTS yt_events_vin           ON events(vin, id);
CREATE INDEX IF NOT EXISTS yt_consignments_status  ON consignments(status, cutoff_at);
