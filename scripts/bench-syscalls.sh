#!/usr/bin/env bash
# System calls and CPU per request of the kit's raw baseline server and of ours under the
# bench kit's load (../shared/bench: its payloads and wrk script, 16 connections), servers
# interleaved in rounds, one fresh server per round; both log at `warn`, as in
# bench-peers.sh. Loopback only; each wrk run is bounded by LOAD_SECONDS.
#
#   scripts/bench-syscalls.sh [PAYLOAD...]     default: small; ROUNDS=3, LOAD_SECONDS=6
#
# Counted by `perf stat` on the server's tracepoints over the load: `futex` (threads waking
# each other, and locks taken while another thread holds them: the allocator's arena lock
# among them), `epoll_wait`, `recvfrom`, `writev` and `write`, per request.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOAD=${LOAD_SECONDS:-6}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-18113}
set -- "${@:-small}"
# shellcheck source=kit-load.sh
. "$ROOT/scripts/kit-load.sh"
[ -x /tmp/rust-limit/target/release/rust-limit ] || "$KIT/build-rust-limit.sh"
cargo build -q --release -p typed-server --manifest-path "$ROOT/Cargo.toml"
# The baseline takes its port and token from the environment; ours from its arguments
# (start_server's).
OUT=${TMPDIR:-/tmp}/extension-bench-syscalls
mkdir -p "$OUT"
BASELINE=$OUT/baseline.sh
printf '#!/bin/sh\nexec env PORT="$2" SYSTEM_TOKEN=%s %s >/dev/null 2>>%s\n' \
  "$TOKEN" /tmp/rust-limit/target/release/rust-limit "$OUT/baseline.log" >"$BASELINE"
chmod +x "$BASELINE"
CALLS=futex,epoll_wait,recvfrom,writev,write
events=task-clock
for c in ${CALLS//,/ }; do events=$events,syscalls:sys_enter_$c; done
printf '%-8s %-9s %5s %11s' payload server round 'cpu us/req'
for c in ${CALLS//,/ }; do printf ' %10s' "$c"; done
echo
for round in $(seq "$ROUNDS"); do
  for p in $PAYLOADS; do
    for name in baseline ours; do
      bin=$ROOT/target/release/typed-server
      [ "$name" = baseline ] && bin=$BASELINE
      SERVER_BIN=$bin start_server
      kit_counted "$events" "$LOAD" "$p" "$OUT/stat"
      stop_server
      awk -F, -v p="$p" -v n="$name" -v r="$round" -v q="$requests" -v calls="$CALLS" '
        /task-clock/ { t = $1 }
        /sys_enter_/ { split($3, e, "sys_enter_"); c[e[2]] = $1 }
        END {
          printf "%-8s %-9s %5d %11.2f", p, n, r, t * 1000 / q
          k = split(calls, names, ",")
          for (i = 1; i <= k; i++) printf " %10.3f", c[names[i]] / q
          printf "\n"
        }' "$OUT/stat"
    done
  done
done
