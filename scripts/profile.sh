#!/usr/bin/env bash
# Where the server's CPU goes per payload: the bench kit's load (../shared/bench: its payloads,
# its wrk script, 16 connections) on examples/typed-server (release), sampled by perf.
#
#   scripts/profile.sh [PAYLOAD...]      default: typical large; LOAD_SECONDS=8 of load each
#
# Prints, per payload, the functions that take at least 0.5 % of the samples (self time) and
# the share of the kernel. Loopback only; each wrk run is bounded by LOAD_SECONDS.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOAD=${LOAD_SECONDS:-8}
OUT=${OUT:-/tmp/extension-profile}
PORT=${PORT:-18099}
# shellcheck source=kit-load.sh
. "$ROOT/scripts/kit-load.sh"
# Symbols, and frame pointers for call graphs, without changing what is measured otherwise.
CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \
  cargo build -q --release -p typed-server --manifest-path "$ROOT/Cargo.toml"
mkdir -p "$OUT"
for p in $PAYLOADS; do
  start_server
  # Warm up, then sample while the load runs.
  kit_load 2 "$p" >/dev/null
  kit_load "$LOAD" "$p" >"$OUT/wrk-$p.txt" &
  load=$!
  sleep 1
  perf record -q -F 1999 -g -p "$server" -o "$OUT/perf-$p.data" -- sleep $((LOAD - 2)) \
    2>/dev/null
  wait $load
  stop_server
  echo "== $p: $(grep -o 'Requests/sec:.*' "$OUT/wrk-$p.txt")"
  perf report -i "$OUT/perf-$p.data" --no-children --sort dso,symbol --percent-limit 0.5 \
    --stdio 2>/dev/null | grep -E '^ +[0-9]' | cut -c1-140
done
