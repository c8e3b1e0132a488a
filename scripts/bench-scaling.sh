#!/usr/bin/env bash
# How cost grows with the page: server CPU per request for pages of 1, 10, 100, 1 000, 5 000
# and 20 000 of the kit's records, for the baseline, ours and the Node server, interleaved
# (../shared/bench). Loopback only; every wrk run is bounded (DURATION, default 5 s here).
#
#   scripts/bench-scaling.sh [OUT_DIR]     ROUNDS=1 by default
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KIT=${KIT:-$ROOT/../shared/bench}
OUT=${1:-/tmp/extension-bench-scaling}
SIZES=${SIZES:-1 10 100 1000 5000 20000}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
[ -x /tmp/rust-limit/target/release/rust-limit ] || "$KIT/build-rust-limit.sh"
[ -f /tmp/node-peer/server.js ] || "$KIT/node-peer/setup.sh"
cargo build --release -p typed-server --manifest-path "$ROOT/Cargo.toml"
mkdir -p "$OUT/payloads"
# The kit's records and envelope; a limit that lets 20 000 records answer.
python3 - "$KIT" "$OUT/payloads" $SIZES <<'PY'
import json, os, sys
sys.path.insert(0, sys.argv[1])
import payload
for n in map(int, sys.argv[3:]):
    body = payload.body(n, seed=n)
    body["maxResponseSize"] = 50 * 1024 * 1024
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    with open(os.path.join(sys.argv[2], f"r{n}.json"), "w", encoding="utf-8") as f:
        f.write(text)
PY
SERVER=$ROOT/target/release/typed-server
PAYLOADS=$(for n in $SIZES; do printf 'r%s ' "$n"; done)
PAYLOAD_DIR=$OUT/payloads PAYLOADS=$PAYLOADS DURATION=${DURATION:-5} WARMUP=${WARMUP:-2} \
  ROUNDS=${ROUNDS:-1} "$KIT/run-interleaved.sh" "$OUT" \
  baseline 'exec /tmp/rust-limit/target/release/rust-limit' \
  ours "RUST_LOG=warn exec $SERVER --port \$PORT --system-token \$SYSTEM_TOKEN --diy" \
  node-peer 'exec node /tmp/node-peer/server.js' >/dev/null
# CPU ms per request, median over rounds, and per 1 000 records.
python3 - "$OUT" $SIZES <<'PY'
import csv, os, statistics, sys
out, sizes = sys.argv[1], [int(n) for n in sys.argv[2:]]
names = ["baseline", "ours", "node-peer"]
cpu = {}
for name in names:
    with open(os.path.join(out, name, "raw.tsv")) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            cpu.setdefault((name, row["payload"]), []).append(float(row["cpu_ms_per_req"]))
print("| records | bytes | " + " | ".join(f"{n} ms/req" for n in names) + " | ours / node | ours / baseline | ours µs per record |")
print("|---" * (len(names) + 5) + "|")
for n in sizes:
    size = os.path.getsize(os.path.join(out, "payloads", f"r{n}.json"))
    m = {name: statistics.median(cpu[(name, f"r{n}")]) for name in names}
    print(f"| {n} | {size} | " + " | ".join(f"{m[name]:.3f}" for name in names)
          + f" | {m['ours'] / m['node-peer']:.3f} | {m['ours'] / m['baseline']:.2f} | {1000 * m['ours'] / n:.2f} |")
PY
