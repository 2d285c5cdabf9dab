#!/usr/bin/env bash
# Idle cost of the group overview: bytes a second to the terminal and CPU, with 2 and
# 20 yards (small demo yards, one per database), in a 120x40 pseudo-terminal for
# SECONDS (default 30). Usage: bash benches/group_idle.sh [SECONDS]
# Prints one line per run: yards, bytes/s after the first frame, CPU % of a core.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
cargo build --release -q
bin=$PWD/target/release/yardtop
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" demo --no-tui --db "$work/base.db" --scale 5000 --seed 1 --now 2026-11-26T09:00:00Z >/dev/null 2>&1
for n in $(seq 1 20); do
  cp "$work/base.db" "$work/yard$n.db"
  sqlite3 "$work/yard$n.db" "UPDATE settings SET value = 'CNY$(printf %02d "$n")' WHERE key = 'port_locode'"
done
for count in 2 20; do
  args=()
  for n in $(seq 1 "$count"); do args+=(--db "$work/yard$n.db"); done
  last=$(printf 'CNY%02d' "$count")
  # Until every yard's row is read (its LOCODE shows), then settle, then measure.
  out=$(python3 benches/ttybytes.py --cols 120 --rows 40 "until:$last:30" wait:3 cpu "wait:$secs" cpu keys:q exit:5 -- \
    env XDG_STATE_HOME="$work/state" XDG_CONFIG_HOME="$work/config" "$bin" "${args[@]}")
  python3 - "$count" "$secs" "$out" <<'PY'
import json, sys
count, secs, out = int(sys.argv[1]), float(sys.argv[2]), json.loads(sys.argv[3])
steps = out["steps"]
idle = steps[3]
cpu0, cpu1 = steps[2]["cpu_seconds"], steps[4]["cpu_seconds"]
print(f"{count:>2} yards: idle {idle['bytes'] / secs:.1f} B/s, CPU {100 * (cpu1 - cpu0) / secs:.2f} % of a core over {secs:.0f} s")
PY
done
