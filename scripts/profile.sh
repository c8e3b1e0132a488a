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
KIT=${KIT:-$ROOT/../shared/bench}
LOAD=${LOAD_SECONDS:-8}
OUT=${OUT:-/tmp/extension-profile}
PORT=${PORT:-18099}
TOKEN=bench-token
command -v perf >/dev/null || { echo "perf not found" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
PAYLOADS=${*:-typical large}
PAYLOAD_DIR=$KIT/payloads; [ -w "$KIT" ] || PAYLOAD_DIR=${TMPDIR:-/tmp}/extension-bench/payloads
for p in $PAYLOADS; do
  [ -f "$PAYLOAD_DIR/$p.json" ] || python3 "$KIT/payload.py" "$PAYLOAD_DIR" >/dev/null
done
# Symbols, and frame pointers for call graphs, without changing what is measured otherwise.
CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \
  cargo build -q --release -p typed-server --manifest-path "$ROOT/Cargo.toml"
mkdir -p "$OUT"
for p in $PAYLOADS; do
  RUST_LOG=warn "$ROOT/target/release/typed-server" --port "$PORT" --system-token "$TOKEN" --diy &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  for _ in $(seq 50); do
    curl -fs "http://127.0.0.1:$PORT/healthCheck" >/dev/null 2>&1 && break
    sleep 0.1
  done
  # Warm up, then sample while the load runs.
  BODY_FILE=$PAYLOAD_DIR/$p.json SYSTEM_TOKEN=$TOKEN timeout 30 \
    wrk -t2 -c16 -d2s -s "$KIT/lib/post.lua" "http://127.0.0.1:$PORT/function" >/dev/null
  BODY_FILE=$PAYLOAD_DIR/$p.json SYSTEM_TOKEN=$TOKEN timeout $((LOAD + 30)) \
    wrk -t2 -c16 -d"${LOAD}s" -s "$KIT/lib/post.lua" "http://127.0.0.1:$PORT/function" \
    >"$OUT/wrk-$p.txt" &
  load=$!
  sleep 1
  perf record -q -F 1999 -g -p "$server" -o "$OUT/perf-$p.data" -- sleep $((LOAD - 2)) \
    2>/dev/null
  wait $load
  kill $server; wait $server 2>/dev/null || true
  trap - EXIT
  echo "== $p: $(grep -o 'Requests/sec:.*' "$OUT/wrk-$p.txt")"
  perf report -i "$OUT/perf-$p.data" --no-children --sort dso,symbol --percent-limit 0.5 \
    --stdio 2>/dev/null | grep -E '^ +[0-9]' | cut -c1-140
done
