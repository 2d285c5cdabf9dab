"""The yard's figures computed from the rows, written from the definitions in
docs/database.md and nothing of yardtop's code, to hold yardtop's snapshot to.
Usage: figures.py DB NOW (NOW in RFC 3339, UTC). Prints JSON."""
import json
import re
import sqlite3
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

DB, NOW_TEXT = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(f"file:{DB}?mode=ro", uri=True)
conn.text_factory = bytes

TS = re.compile(rb"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")


def missing(v):
    """NULL and '' are both a missing value."""
    return v is None or v == b""


def text(v):
    """An enumeration value: text that is valid UTF-8, else None."""
    if isinstance(v, bytes):
        try:
            return v.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def when(v):
    """A readable RFC 3339 timestamp as an aware UTC datetime, else None."""
    if not isinstance(v, bytes):
        return None
    m = TS.match(v.split(b"\0")[0])
    if not m:
        return None
    y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
    frac = m.group(7)
    micro = int((frac[1:] + b"000000")[:6]) if frac else 0
    try:
        t = datetime(y, mo, d, h, mi, s, micro)
    except ValueError:
        return None
    off = m.group(8)
    if off in (b"Z", b"z"):
        delta = timedelta(0)
    else:
        sign = 1 if off[:1] == b"+" else -1
        delta = sign * timedelta(hours=int(off[1:3]), minutes=int(off[4:6]))
    return (t - delta).replace(tzinfo=timezone.utc)


def number(v):
    """A readable number (what a REAL or INTEGER column holds), else None."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    return None


def whole(v):
    """An id: an integer, or a whole REAL (pandas writes nullable integers as 3.0)."""
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return None


settings = {text(k): text(v) for k, v in conn.execute("SELECT key, value FROM settings")}
tz = ZoneInfo(settings.get("timezone") or "UTC")
soc_max = float(settings.get("soc_max_pct") or 50)
soc_min = float(settings.get("soc_min_pct") or 20)
max_age = timedelta(hours=float(settings.get("soc_check_max_age_h") or 72))
dwell = timedelta(days=float(settings.get("long_dwell_days") or 14))

now = when(NOW_TEXT.encode())
local = now.astimezone(tz)


def midnight(d):
    return datetime(d.year, d.month, d.day, tzinfo=tz).astimezone(timezone.utc)


today = local.date()
today_start = midnight(today)
month_start = midnight(today.replace(day=1))
year_start = midnight(today.replace(month=1, day=1))
prior_start = midnight(today.replace(year=today.year - 1, month=1, day=1))
try:
    prior_local = local.replace(year=local.year - 1)
except ValueError:  # 29 February
    prior_local = local.replace(year=local.year - 1, day=28)
prior_end = prior_local.astimezone(timezone.utc)
days = [today - timedelta(days=i) for i in range(29, -1, -1)]

NEV = {"BEV", "PHEV", "FCEV"}
YARD = {"gated_in", "parked", "hold", "staged"}


def count():
    return {"units": 0, "nev": 0}


exports = {k: count() for k in ("today", "month", "year", "year_prior_same_period")}
daily = {d: count() for d in days}
per_cons = {}
vehicles = conn.execute(
    "SELECT powertrain, status, loaded_at, consignment_id, soc_pct, soc_checked_at, block, hold_reason, gate_in_at FROM vehicles"
).fetchall()
for pt, status, loaded_at, cons, soc, soc_at, block, reason, gate_in in vehicles:
    status = text(status)
    nev = text(pt) in NEV
    if status in ("loaded", "departed"):
        t = when(loaded_at)
        if t is not None and t <= now:
            def add(c):
                c["units"] += 1
                c["nev"] += nev
            for key, start in (("today", today_start), ("month", month_start), ("year", year_start)):
                if t >= start:
                    add(exports[key])
            if prior_start <= t <= prior_end:
                add(exports["year_prior_same_period"])
            d = t.astimezone(tz).date()
            if d in daily:
                add(daily[d])
            if whole(cons) is not None:
                c = per_cons.setdefault(whole(cons), {"units": 0, "nev": 0, "last": t})
                add(c)
                c["last"] = max(c["last"], t)

consignments = {}
for cid, ref, status, in conn.execute("SELECT id, ref, status FROM consignments"):
    if whole(cid) is not None:
        consignments[whole(cid)] = (text(ref), text(status))
record = None
for cid, c in sorted(per_cons.items(), key=lambda kv: (-kv[1]["units"], kv[0])):
    if cid in consignments:
        record = {"ref": consignments[cid][0], "units": c["units"], "nev": c["nev"],
                  "loaded_on": c["last"].astimezone(tz).date().isoformat()}
        break
exports["record_consignment"] = record
exports["daily"] = [{"date": d.isoformat(), **daily[d]} for d in days]

zones = {text(code): text(zone) for code, zone in conn.execute("SELECT code, zone FROM yard_blocks")}
yard = {"in_yard": 0, "in_yard_nev": 0, "soc": {"over_max": 0, "under_min": 0, "unchecked": 0},
        "holds": {r: 0 for r in ("customs", "damage", "battery", "documents", "other")},
        "long_dwell": 0, "nev_outside_nev_zone": 0}
for pt, status, loaded_at, cons, soc, soc_at, block, reason, gate_in in vehicles:
    status = text(status)
    if status not in YARD:
        continue
    nev = text(pt) in NEV
    yard["in_yard"] += 1
    yard["in_yard_nev"] += nev
    if status == "hold" and text(reason) in yard["holds"]:
        yard["holds"][text(reason)] += 1
    g = when(gate_in)
    if g is not None and now - g > dwell:
        yard["long_dwell"] += 1
    if nev and zones.get(text(block)) == "ice":
        yard["nev_outside_nev_zone"] += 1
    if nev:
        pct, at = number(soc), when(soc_at)
        if pct is None or not 0 <= pct <= 100 or at is None or now - at > max_age:
            yard["soc"]["unchecked"] += 1
        elif pct > soc_max:
            yard["soc"]["over_max"] += 1
        elif pct < soc_min:
            yard["soc"]["under_min"] += 1

pending = {}
for cid, (ref, status) in consignments.items():
    if status in ("open", "loading"):
        pending[cid] = {"ref": ref, "expected": 0, "in_yard": 0, "hold": 0, "staged": 0, "loaded": 0}
for cons, status in conn.execute("SELECT consignment_id, status FROM vehicles"):
    c = pending.get(whole(cons))
    status = text(status)
    if c is None or status is None:
        continue
    key = {"expected": "expected", "gated_in": "in_yard", "parked": "in_yard", "hold": "hold",
           "staged": "staged", "loaded": "loaded", "departed": "loaded"}.get(status)
    if key:
        c[key] += 1
for c in pending.values():
    c["delivered"] = c["in_yard"] + c["hold"] + c["staged"] + c["loaded"]

print(json.dumps({"exports": exports, "yard": yard,
                  "consignments": sorted(pending.values(), key=lambda c: c["ref"])}, sort_keys=True))
