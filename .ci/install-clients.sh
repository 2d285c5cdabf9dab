#!/usr/bin/env bash
# The real clients the tests check yardtop against: promtool (package prometheus),
# mandoc and groff (man page), bash, zsh and fish (completions). Idempotent: only
# what is missing is installed, after one `apt-get update`.
set -euo pipefail
need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v mandoc >/dev/null 2>&1 || need+=(mandoc)
command -v groff >/dev/null 2>&1 || need+=(groff-base)
command -v man >/dev/null 2>&1 || need+=(man-db)
command -v bash >/dev/null 2>&1 || need+=(bash)
command -v zsh >/dev/null 2>&1 || need+=(zsh)
command -v fish >/dev/null 2>&1 || need+=(fish)
if [ ${#need[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
for tool in promtool mandoc groff bash zsh fish; do
    command -v "$tool" >/dev/null 2>&1 || { echo "install-clients: $tool still missing" >&2; exit 1; }
done
