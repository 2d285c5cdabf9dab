#!/usr/bin/env python3
"""The steady benchmark's writer: the terminal's own system committing one change a
second to the yard database with Python's sqlite3 (a third party to yardtop).

    writer.py DB MODE COUNT FIRST

MODE is `keep` (one connection for the whole run, as a terminal's service holds it) or
`reconnect` (connect, commit and close for every change, as a cron script or the
sqlite3 CLI does: SQLite then checkpoints and deletes the -wal when the last
connection closes).

Each change is one transaction: a vehicle of the yard loaded now (status 'loaded',
loaded_at and updated_at now) and its 'load' event, whose detail `steady NNNN` (NNNN
from FIRST on) is the text the benchmark waits for on the dashboard's screen. The
vehicles are picked at random among those in the yard before the first change.

Prints one JSON line when ready, then one per change: its number, the wall-clock time
just after COMMIT returned (the moment another reader can see it), and how long the
commit (and, reconnecting, the close) took. Keeping its connection, it closes it
when its stdin closes.
"""
import json
import sqlite3
import sys
import time

IN_YARD = "('gated_in', 'parked', 'hold', 'staged')"


def connect(db):
    # Autocommit mode: the transaction is the explicit BEGIN ... COMMIT below.
    return sqlite3.connect(db, timeout=5, isolation_level=None)


def change(conn, vin, n):
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "UPDATE vehicles SET status = 'loaded', loaded_at = ?, updated_at = ? WHERE vin = ?",
        (now, now, vin),
    )
    conn.execute(
        "INSERT INTO events(at, vin, kind, detail) VALUES (?, ?, 'load', ?)",
        (now, vin, f"steady {n:04d}"),
    )
    conn.execute("COMMIT")


def main():
    db, mode, count, first = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    if mode not in ("keep", "reconnect"):
        sys.exit(f"writer.py: MODE is keep or reconnect, not {mode!r}")
    kept = connect(db)
    vins = [
        r[0]
        for r in kept.execute(
            f"SELECT vin FROM vehicles WHERE status IN {IN_YARD} AND typeof(vin) = 'text' "
            "ORDER BY random() LIMIT ?",
            (count,),
        )
    ]
    if mode == "reconnect":
        kept.close()
        kept = None
    print(json.dumps({"ready": True, "vehicles": len(vins)}), flush=True)
    start = time.monotonic() + 1.0
    for i, vin in enumerate(vins):
        n = first + i
        pause = start + i - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        t0 = time.monotonic()
        conn = kept if kept is not None else connect(db)
        change(conn, vin, n)
        at = time.time()
        commit_ms = (time.monotonic() - t0) * 1000
        close_ms = None
        if kept is None:
            t1 = time.monotonic()
            conn.close()
            close_ms = (time.monotonic() - t1) * 1000
        print(json.dumps({"n": n, "at": at, "commit_ms": commit_ms, "close_ms": close_ms}), flush=True)
    if kept is not None:
        # A service stays connected: the connection closes (and SQLite checkpoints
        # and deletes the -wal) only when the benchmark has seen the last change
        # and closes this writer's stdin.
        sys.stdin.read()
        kept.close()


if __name__ == "__main__":
    main()
