#!/usr/bin/env python3
"""A terminal's gate system, for `cargo bench --bench locks` (benches/locks.rs).

Python's own sqlite3 module, used the ordinary way: one connection with a busy
timeout (`timeout=`, 1 s by default), the module's implicit BEGIN before the first
change and `commit()` at the end. Each transaction loads one vehicle of the yard
(status, loaded_at, updated_at) and inserts its `load` event, at `--rate`
transactions a second for `--seconds`. The journal mode is the database's own:
the benchmark sets it on its copy beforehand, as the terminal's tools would find it.

One JSON line per transaction goes to `--out` (flushed as it is written, so a run
cut short still leaves its figures): when it started (seconds since the first),
ok or the exact error and the step that raised it, how long the whole transaction
took (`wait_ms`: the update, the insert and the commit, waiting on readers'
locks included) and each step (`update_ms`, `insert_ms`, `commit_ms`). A last line `{"summary": …}`
says what the writer saw. Nothing here decides what is good or bad.
"""

import argparse
import json
import sqlite3
import sys
import time
from datetime import datetime, timezone

IN_YARD = "('gated_in', 'parked', 'hold', 'staged')"


def vins(conn):
    """The vehicles the gate system loads, in the yard first (any vehicle when the
    yard is empty). Read before the first transaction: the candidates cost no lock
    during the measured run."""
    for where in (f"status IN {IN_YARD}", "1"):
        rows = conn.execute(
            f"SELECT vin FROM vehicles WHERE {where} AND typeof(vin) = 'text' "
            "ORDER BY rowid LIMIT 100000"
        ).fetchall()
        if rows:
            return [r[0] for r in rows]
    return [None]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--rate", type=float, default=1.0, help="transactions a second")
    p.add_argument("--timeout", type=float, default=1.0, help="busy timeout, seconds")
    a = p.parse_args()
    if not (a.rate > 0 and a.seconds > 0 and a.timeout >= 0):
        sys.exit("locks_writer: --rate and --seconds must be above 0, --timeout at least 0")

    conn = sqlite3.connect(a.db, timeout=a.timeout)
    journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    synchronous = conn.execute("PRAGMA synchronous").fetchone()[0]
    candidates = vins(conn)

    interval = 1.0 / a.rate
    start = time.monotonic()
    n = ok = 0
    with open(a.out, "w", encoding="utf-8") as out:
        while True:
            due = start + n * interval
            if due - start >= a.seconds:
                break
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            vin = candidates[n % len(candidates)]
            at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            rec = {"n": n}
            step = "update"
            t0 = tc = time.monotonic()
            rec["start_s"] = t0 - start
            try:
                conn.execute(
                    "UPDATE vehicles SET status = 'loaded', loaded_at = ?, updated_at = ? "
                    "WHERE vin = ?",
                    (at, at, vin),
                )
                step = "insert"
                ti = time.monotonic()
                rec["update_ms"] = (ti - t0) * 1e3
                conn.execute(
                    "INSERT INTO events(at, vin, kind, detail) VALUES (?, ?, 'load', ?)",
                    (at, vin, "gate system (cargo bench --bench locks)"),
                )
                step = "commit"
                tc = time.monotonic()
                rec["insert_ms"] = (tc - ti) * 1e3
                conn.commit()
                done = time.monotonic()
                rec.update(ok=True, wait_ms=(done - t0) * 1e3, commit_ms=(done - tc) * 1e3)
                ok += 1
            except sqlite3.Error as e:
                done = time.monotonic()
                rec.update(
                    ok=False,
                    wait_ms=(done - t0) * 1e3,
                    step=step,
                    error=f"{type(e).__name__}: {e}",
                )
                if step == "commit":
                    rec["commit_ms"] = (done - tc) * 1e3
                try:
                    conn.rollback()
                except sqlite3.Error as e2:
                    rec["rollback_error"] = f"{type(e2).__name__}: {e2}"
            out.write(json.dumps(rec) + "\n")
            out.flush()
            n += 1
        out.write(
            json.dumps(
                {
                    "summary": {
                        "attempted": n,
                        "ok": ok,
                        "journal_mode": journal,
                        "synchronous": synchronous,
                        "busy_timeout_s": a.timeout,
                        "sqlite_version": sqlite3.sqlite_version,
                        "python": sys.version.split()[0],
                        "candidates": len(candidates),
                        "seconds": time.monotonic() - start,
                    }
                }
            )
            + "\n"
        )
    conn.close()


if __name__ == "__main__":
    main()
