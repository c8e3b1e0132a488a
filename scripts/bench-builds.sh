#!/usr/bin/env bash
# Builds of the server against each other under the bench kit's load (../shared/bench: its
# payloads and wrk script, 16 connections): CPU and page faults per request and peak RSS, one
# fresh server per build and round, builds interleaved in rounds, medians at the end. For
# the scratch changes BENCHMARKS.md weighs (a line added, a setting changed): build each,
# copy its binary aside, and compare them here in one run. Loopback only; each wrk run is
# bounded by LOAD_SECONDS.
#
#   scripts/bench-builds.sh PAYLOAD BIN...     ROUNDS=5, LOAD_SECONDS=6
#
# Each BIN is a build of examples/typed-server (or an executable script that runs one,
# e.g. with an environment variable set); its file name names it in the table.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# -ge 2 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
PAYLOAD=$1
shift
for bin in "$@"; do
  [ -x "$bin" ] || { echo "not an executable: $bin" >&2; exit 2; }
done
LOAD=${LOAD_SECONDS:-6}
ROUNDS=${ROUNDS:-5}
PORT=${PORT:-18113}
# shellcheck source=kit-load.sh
. "$ROOT/scripts/kit-load.sh" "$PAYLOAD"
# No trap of its own: start_server sets the one that stops the server.
OUT=$(mktemp -d)
printf '%-16s %6s %12s %11s %13s\n' build round 'cpu ms/req' 'faults/req' 'peak RSS MiB'
for round in $(seq "$ROUNDS"); do
  for bin in "$@"; do
    SERVER_BIN=$bin kit_row "$(basename "$bin")" "$round" "$PAYLOAD" "$LOAD" | tee -a "$OUT/rows"
  done
done
echo "medians of $ROUNDS rounds ($PAYLOAD, ${LOAD} s each):"
python3 - "$OUT/rows" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, _, cpu, faults, rss = line.split()
    rows.setdefault(name, []).append((float(cpu), float(faults), float(rss)))
for name, values in rows.items():
    cpu, faults, rss = (statistics.median(v) for v in zip(*values))
    spread = lambda i: f"{min(v[i] for v in values):.1f} to {max(v[i] for v in values):.1f}"
    print(f"{name:<16} cpu {cpu:.3f} ms/req  faults {faults:.1f}/req  peak {rss:.1f} MiB ({spread(2)})")
EOF
rm -rf "$OUT"
