#!/usr/bin/env bash
# The three servers side by side in one interleaved run (../shared/bench): the kit's raw
# hyper + serde_json baseline, ours (typed-server), and Celigo's Node server
# (express-integrator-extension, installed by the kit's node-peer/setup.sh). Same hook, same
# payloads; loopback only, every wrk run bounded by the kit (DURATION, default 10 s).
#
#   scripts/bench-peers.sh [OUT_DIR]     ROUNDS=3 by default (medians); ROUNDS=1 for a look
#
# VALUE_RECORDS=1 adds a fourth server, "ours-value": ours built with typed-server's
# `value-records` feature (the same hook taking `serde_json::Value` records instead of
# `Record`s; --expansion-limit 16, which the large page of `Value` records needs).
#
# Prints the kit's comparison table (ratios against the first server, the baseline) and
# checks that the servers answer byte for byte the same.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KIT=${KIT:-$ROOT/../shared/bench}
OUT=${1:-/tmp/extension-bench-peers}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
[ -x /tmp/rust-limit/target/release/rust-limit ] || "$KIT/build-rust-limit.sh"
[ -f /tmp/node-peer/server.js ] || "$KIT/node-peer/setup.sh"
SERVER=$ROOT/target/release/typed-server
peers=(ours node-peer)
extra=()
if [ -n "${VALUE_RECORDS:-}" ]; then
  # Built first and copied aside: the plain build below then relinks only the example.
  cargo build --release -p typed-server --features value-records --manifest-path "$ROOT/Cargo.toml"
  cp "$SERVER" "$ROOT/target/release/typed-server-value-records"
  peers+=(ours-value)
  extra=(ours-value "RUST_LOG=warn exec $ROOT/target/release/typed-server-value-records --port \$PORT --system-token \$SYSTEM_TOKEN --diy --expansion-limit 16")
fi
cargo build --release -p typed-server --manifest-path "$ROOT/Cargo.toml"
ROUNDS=${ROUNDS:-3} "$KIT/run-interleaved.sh" "$OUT" \
  baseline 'exec /tmp/rust-limit/target/release/rust-limit' \
  ours "RUST_LOG=warn exec $SERVER --port \$PORT --system-token \$SYSTEM_TOKEN --diy" \
  node-peer 'exec node /tmp/node-peer/server.js' "${extra[@]}"
python3 "$KIT/lib/compare.py" "$OUT/node-peer" "$OUT/ours" | sed "s/^/vs node: /"
if [ -n "${VALUE_RECORDS:-}" ]; then
  python3 "$KIT/lib/compare.py" "$OUT/ours-value" "$OUT/ours" | sed "s/^/Record vs Value: /"
  python3 "$KIT/lib/compare.py" "$OUT/node-peer" "$OUT/ours-value" | sed "s/^/Value vs node: /"
fi
differ=0
for p in ${PAYLOADS:-small typical large}; do
  for peer in "${peers[@]}"; do
    if ! cmp -s "$OUT/rounds/baseline-1/response-$p.json" "$OUT/rounds/$peer-1/response-$p.json"; then
      echo "$p: $peer's response DIFFERS from the baseline's" >&2
      differ=1
    fi
  done
  [ "$differ" = 0 ] && echo "$p: responses identical across the servers"
done
exit "$differ"
