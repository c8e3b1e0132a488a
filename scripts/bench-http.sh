#!/usr/bin/env bash
# Interleaved load test of the framework's HTTP server against the kit's raw hyper +
# serde_json baseline (../shared/bench), same hook, same payloads (1 / 200 / 5 000 records).
# Loopback only; every wrk run is bounded by the kit (DURATION, default 10 s).
#
#   scripts/bench-http.sh [OUT_DIR]        ROUNDS=3 by default; ROUNDS=1 for a quick look
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KIT=${KIT:-$ROOT/../shared/bench}
OUT=${1:-/tmp/extension-bench-out}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
[ -x /tmp/rust-limit/target/release/rust-limit ] || "$KIT/build-rust-limit.sh"
cargo build --release -p typed-server --manifest-path "$ROOT/Cargo.toml"
SERVER=$ROOT/target/release/typed-server
ROUNDS=${ROUNDS:-3} "$KIT/run-interleaved.sh" "$OUT" \
  baseline 'exec /tmp/rust-limit/target/release/rust-limit' \
  ours "RUST_LOG=warn exec $SERVER --port \$PORT --system-token \$SYSTEM_TOKEN --diy"
differ=0
for p in ${PAYLOADS:-small typical large}; do
  if cmp -s "$OUT/rounds/baseline-1/response-$p.json" "$OUT/rounds/ours-1/response-$p.json"; then
    echo "$p: responses identical"
  else
    echo "$p: responses DIFFER" >&2
    differ=1
  fi
done
exit "$differ"
