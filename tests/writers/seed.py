"""Fills a contract yard database with a deterministic, realistic yard, the way a
terminal's own system would: plain Python sqlite3, nothing of yardtop's.
Usage: seed.py DB"""
import random
import sqlite3
import sys
from datetime import datetime, timedelta, timezone

db = sqlite3.connect(sys.argv[1])
rng = random.Random(7)
NOW = datetime(2026, 11, 26, 9, 0, 0, tzinfo=timezone.utc)


def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


settings = {
    "port_name": "Haitian Terminal", "port_locode": "CNXMN", "timezone": "Asia/Shanghai",
    "soc_max_pct": "50", "soc_min_pct": "20", "soc_check_max_age_h": "72",
    "long_dwell_days": "14", "at_risk_hours": "24", "uph_target": "200",
}
db.executemany("INSERT INTO settings(key, value) VALUES (?, ?)", settings.items())
blocks = [("N01", "nev"), ("N02", "nev"), ("N03", "nev"), ("I01", "ice"), ("I02", "ice"), ("S01", "staging")]
db.executemany("INSERT INTO yard_blocks(code, zone, rows, slots_per_row) VALUES (?, ?, 5, 10)", blocks)
db.execute("INSERT INTO vessels(imo, name, capacity_ceu) VALUES (9293923, 'Glovis Sun', 6500)")
db.execute("INSERT INTO vessels(imo, name, capacity_ceu) VALUES (9702091, 'BYD Explorer No.1', 7000)")
db.execute("INSERT INTO vessel_calls(id, imo, voyage, berth, eta, etd, status) VALUES (1, 9293923, '031W', 'B3', ?, ?, 'alongside')",
           (ts(NOW - timedelta(hours=10)), ts(NOW + timedelta(hours=20))))
db.execute("INSERT INTO vessel_calls(id, imo, voyage, berth, eta, etd, status) VALUES (2, 9702091, '002E', 'B4', ?, ?, 'expected')",
           (ts(NOW + timedelta(days=2)), ts(NOW + timedelta(days=3))))
for cid in range(1, 13):
    status = ["open", "loading", "closed", "closed"][cid % 4]
    cutoff = NOW + timedelta(hours=rng.randint(-30, 90))
    db.execute(
        "INSERT INTO consignments(id, ref, call_id, brand, destination, planned_units, cutoff_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (cid, f"XMN-{cid:04d}", 1 + cid % 2, rng.choice(["MG", "BYD", "Chery"]),
         rng.choice(["GBBRS", "BEANR", "MXZLO"]), rng.randint(20, 80), ts(cutoff), status))

start = datetime(2025, 1, 1, tzinfo=timezone.utc)
span = (NOW + timedelta(days=3) - start).total_seconds()
powertrains = ["BEV", "BEV", "PHEV", "FCEV", "HEV", "ICE", "ICE"]
for n in range(700):
    vin = f"LSJW{n:013d}"
    pt = rng.choice(powertrains)
    status = rng.choice(["expected", "gated_in", "parked", "parked", "hold", "staged", "loaded", "departed", "departed"])
    cons = rng.randint(1, 13) if rng.random() < 0.9 else None  # 13 points at no consignment
    gate_in = NOW - timedelta(hours=rng.randint(1, 24 * 30))
    loaded_at = None
    if status in ("loaded", "departed"):
        loaded_at = ts(start + timedelta(seconds=rng.random() * span))
    block = row = slot = None
    soc = soc_at = None
    hold_reason = None
    if status in ("gated_in", "parked", "hold", "staged"):
        block = rng.choice([b for b, _ in blocks])
        row, slot = rng.randint(1, 5), rng.randint(1, 10)
        if rng.random() < 0.85:
            soc = round(rng.uniform(5, 90), 1)
            soc_at = ts(NOW - timedelta(hours=rng.randint(0, 100)))
        if status == "hold":
            hold_reason = rng.choice(["customs", "damage", "battery", "documents", "other"])
    db.execute(
        """INSERT INTO vehicles(vin, make, model, powertrain, soc_pct, soc_checked_at, consignment_id,
               status, hold_reason, block, row, slot, gate_in_at, loaded_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (vin, "MG", "MG4", pt, soc, soc_at, cons, status, hold_reason, block, row, slot,
         ts(gate_in), loaded_at, ts(NOW - timedelta(minutes=n))))
for n in range(1500):
    at = start + timedelta(seconds=rng.random() * span)
    db.execute("INSERT INTO events(at, vin, kind, detail) VALUES (?, ?, ?, ?)",
               (ts(at), f"LSJW{rng.randint(0, 699):013d}", rng.choice(["gate_in", "park", "load", "soc_check"]), None))
db.commit()
