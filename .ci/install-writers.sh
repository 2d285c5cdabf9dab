#!/usr/bin/env bash
# The third-party writers that tests/writers_exact.rs and `cargo bench --bench
# writers` run against a yard database: the sqlite3 CLI (Debian package sqlite3)
# and, in a virtual environment of their own, pandas and sqlite-utils from PyPI.
# Idempotent: a second run with everything in place does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${YARDTOP_WRITERS_VENV:-target/writers-venv}"

if ! command -v sqlite3 >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null
    else
        echo "install-writers: the sqlite3 CLI is missing; install it (Debian/Ubuntu: apt-get install sqlite3)" >&2
        exit 1
    fi
fi

if ! command -v python3 >/dev/null 2>&1; then
    echo "install-writers: python3 is missing; install it (Debian/Ubuntu: apt-get install python3 python3-venv)" >&2
    exit 1
fi

if ! "$venv/bin/python" -c 'import pandas, sqlite_utils' >/dev/null 2>&1; then
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet pandas sqlite-utils
fi
"$venv/bin/python" -c 'import pandas, sqlite_utils, sqlite3; print("install-writers: pandas", pandas.__version__, "sqlite-utils", sqlite_utils.__version__ if hasattr(sqlite_utils, "__version__") else "", "SQLite", sqlite3.sqlite_version)'
