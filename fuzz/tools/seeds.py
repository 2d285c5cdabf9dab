#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the fuzz targets into fuzz/regressions/
(they are replayed by `cargo test` and start every fuzzing run). The encodings follow
fuzz/checks/*.rs; run again after changing them."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
REG = os.path.join(HERE, "..", "regressions")
EXAMPLES = os.path.join(HERE, "..", "..", "..", "assets", "examples")

WORDS = ["BEV", "PHEV", "FCEV", "HEV", "ICE", "bev", " BEV", "expected", "gated_in", "parked", "hold",
         "staged", "loaded", "departed", "Parked", "customs", "damage", "battery", "documents",
         "other", "nev", "ice", "staging", "inspection", "quarantine", "open", "loading", "closed",
         "cancelled", "alongside", "N01", "N02", "I01", "n01", "N01 ", "LSJA24U62JG269225",
         "LGXCE4CB5S6114503", "XMN-1", "XMN-2", "GBBRS", "CNXMN", "", " ", "gate_in", "load",
         "depart", "soc_check"]
TABLES = ["settings", "yard_blocks", "vessels", "vessel_calls", "consignments", "vehicles", "events"]
SETTINGS_KEYS = ["port_name", "port_locode", "timezone", "soc_max_pct", "soc_min_pct",
                 "soc_check_max_age_h", "long_dwell_days", "at_risk_hours", "uph_target"]
SETTING_VALUES = ["UTC", "Asia/Shanghai", "America/Santiago", "Australia/Lord_Howe", "Asia/Kathmandu"]


def w(word):
    return bytes([6, WORDS.index(word)])


def null():
    return bytes([0])


def small(n):
    return bytes([1, n & 0xFF])


def ref(n):
    return bytes([15, n - 1])


def real(i):
    return bytes([5, i])  # index into REALS


def ts(minutes, fmt=0):
    """now + minutes (i8), format fmt (0: Z, 6: +08:00, 8: fraction...)."""
    return bytes([8, (1 << 5) | fmt, minutes & 0xFF])


def days_ago(d, fmt=0):
    return bytes([8, (5 << 5) | fmt, d])


def raw(b):
    return bytes([10, len(b)]) + b


def hostile(i):
    return bytes([13, i])


def insert(table, *values, verb=0):
    return bytes([(verb << 5) | TABLES.index(table), 0]) + b"".join(values)


def setting(key, value):
    return bytes([TABLES.index("settings") | (4 << 5), 0, SETTINGS_KEYS.index(key)]) + value


def save(target, name, data):
    d = os.path.join(REG, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


yard = (
    insert("yard_blocks", w("N01"), w("ice"), small(2), small(3))
    + insert("yard_blocks", w("N02"), w("nev"), small(1), small(1))
    + insert("consignments", ref(1), w("XMN-1"), null(), w("BEV"), w("GBBRS"), small(5), ts(60), w("open"))
    + insert("consignments", ref(2), w("XMN-2"), null(), null(), null(), small(1), ts(-60), w("loading"))
    + insert("vehicles", w("LSJA24U62JG269225"), null(), null(), w("BEV"), real(3), ts(-5),
             ref(1), w("staged"), null(), w("N01"), small(1), small(1), days_ago(30), null(), null())
    + insert("vehicles", w("LGXCE4CB5S6114503"), null(), null(), w("PHEV"), null(), null(),
             ref(2), w("loaded"), null(), null(), null(), null(), days_ago(2), ts(-10), null())
    + insert("vehicles", w("N02"), null(), null(), w("FCEV"), null(), null(),
             ref(1), w("hold"), w("battery"), w("N02"), null(), null(), days_ago(1), null(), null())
    + insert("events", null(), ts(-1), w("LSJA24U62JG269225"), w("load"), hostile(0))
)
save("row_reader", "seed-yard-utc", bytes([0]) + yard)
save("row_reader", "seed-yard-shanghai-midnight",
     bytes([1]) + setting("timezone", bytes([14, 1])) + yard)
save("row_reader", "seed-yard-santiago-dst",
     bytes([3]) + setting("timezone", bytes([14, 2])) + yard)
save("row_reader", "seed-hostile-text",
     bytes([0]) + yard
     + insert("yard_blocks", raw(b"\x1b[2J\xff\xfe"), raw(b"\x00ice"), real(8), bytes([2]) + b"\xff" * 8)
     + insert("consignments", ref(3), hostile(3), null(), hostile(1), raw(b"GB\x9bBRS"), small(-1), raw(b"2026-11-26T09:00:00Z\x00x"), w("open"))
     + setting("port_name", bytes([12, 200, 3]) + b"\x1b[H")
     + setting("soc_max_pct", bytes([14, 17])))
save("row_reader", "seed-updates-and-deletes",
     bytes([0]) + yard
     + bytes([(6 << 5) | TABLES.index("vehicles"), 1, 13]) + ts(-120)      # loaded_at of the 2nd vehicle
     + bytes([(6 << 5) | TABLES.index("vehicles"), 1, 7]) + w("departed")  # its status
     + bytes([(7 << 5) | TABLES.index("vehicles"), 0])                     # delete the first
     + insert("vehicles", w("LGXCE4CB5S6114503"), null(), null(), w("ICE"), null(), null(),
              ref(1), w("loaded"), null(), null(), null(), null(), null(), ts(-3), null(), verb=4))

for name in sorted(os.listdir(EXAMPLES)):
    kind = ["blocks", "vessels", "calls", "consignments", "vehicles", "events"].index(name[:-4])
    with open(os.path.join(EXAMPLES, name), "rb") as f:
        text = f.read()
    # Into the empty yard; into the yard holding the examples; with --skip-invalid.
    save("import_csv", f"seed-{name[:-4]}-empty", bytes([kind]) + text)
    save("import_csv", f"seed-{name[:-4]}-populated-skip", bytes([kind | 0x40 | 0x80]) + text)

for name, t in [
    ("seed-utc", "2026-11-26T09:00:00Z"),
    ("seed-offset-fraction", "2026-11-26 17:00:00.123456789+08:00"),
    ("seed-year-0000", "0000-01-01T00:00:00Z"),
    # 10000-01-01T13:59:59Z in UTC: refused by SQL and, since the fix, by parse_ts.
    ("after-year-9999", "9999-12-31T23:59:59.999999999-14:00"),
    ("negative-epoch-fraction", "1969-12-31T23:59:59.5Z"),
    ("seed-no-29-february", "2026-02-29T00:00:00Z"),
]:
    save("timestamp", name, t.encode())
