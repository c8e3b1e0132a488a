#!/usr/bin/env bash
# Cold start and warm latency of the Lambda host under AWS's emulator (see bench-lambda.py).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KIT=${KIT:-$ROOT/../shared/bench}
RIE=$("$ROOT/scripts/install-rie.sh")
cargo build --release -p typed-lambda --manifest-path "$ROOT/Cargo.toml"
PAYLOADS=${TMPDIR:-/tmp}/extension-bench/payloads
[ -f "$PAYLOADS/typical.json" ] || python3 "$KIT/payload.py" "$PAYLOADS" >/dev/null
python3 "$ROOT/scripts/bench-lambda.py" "$RIE" "$ROOT/target/release/bootstrap" "$PAYLOADS/typical.json"
