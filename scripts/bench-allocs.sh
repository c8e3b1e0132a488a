#!/usr/bin/env bash
# Allocations and bytes copied per call of examples/typed-server (release) under the bench
# kit's payloads (../shared/bench), counted with uprobes on glibc's `malloc` and `memmove`
# (needs root and perf). Counts, not times: they do not move between runs, so a change that
# saves an allocation or a copy shows even where CPU rounds cannot tell it from their spread.
# Loopback only; one connection, each wrk run bounded by LOAD_SECONDS.
#
#   scripts/bench-allocs.sh [PAYLOAD...]     default: small; LOAD_SECONDS=1
#   SERVER_BIN=/path/to/typed-server scripts/bench-allocs.sh     another build of it
#
# Per payload: calls counted, then per call: allocations (glibc's and mimalloc's), those above
# glibc's thread cache (1 032 bytes: they take the arena's lock), bytes asked for, copies and
# bytes copied. The connection's own set-up is counted once among the calls (about a thousand
# one-record calls a second). The probes slow every call, and a call cut by the window's edges
# counts in part: for pages, give LOAD_SECONDS more (typical makes about 40 calls a second,
# large 2).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOAD=${LOAD_SECONDS:-1}
PORT=${PORT:-18114}
OUT=${TMPDIR:-/tmp}/extension-bench-allocs
set -- "${@:-small}"
# shellcheck source=kit-load.sh
. "$ROOT/scripts/kit-load.sh"
[ -n "${SERVER_BIN:-}" ] ||
  cargo build -q --release -p typed-server --manifest-path "$ROOT/Cargo.toml"
BIN=${SERVER_BIN:-$ROOT/target/release/typed-server}
LIBC=$(ldd "$BIN" | awk '/libc\.so/ { print $3 }')
mkdir -p "$OUT"

# `memmove` is chosen among several implementations when the process starts: probe each.
PROBES=()
# A group of their own, so that probes anyone else set are left alone.
remove_probes() { perf probe -q -d 'ext_allocs:*' 2>/dev/null || true; }
remove_probes
perf probe -q -x "$LIBC" 'ext_allocs:malloc=malloc size=%di:u64'
PROBES+=(-e ext_allocs:malloc)
# Under extension-core's split-heap (the default) blocks under 1 KiB come from mimalloc,
# linked into the server: its entry is probed too, when the build has it.
perf probe -q -x "$BIN" 'ext_allocs:mi_malloc=mi_malloc_aligned size=%di:u64' 2>/dev/null &&
  PROBES+=(-e ext_allocs:mi_malloc)
for f in $(perf probe -x "$LIBC" --filter='*' -F 2>/dev/null |
  grep -E '^__memmove_(avx512|avx|evex|sse2)_unaligned(_erms)?$'); do
  perf probe -q -x "$LIBC" "ext_allocs:$f=$f len=%dx:u64" 2>/dev/null &&
    PROBES+=(-e "ext_allocs:$f")
done

printf '%-8s %6s %11s %14s %11s %9s %14s\n' payload calls allocs 'above cache' 'bytes asked' copies \
  'bytes copied'
for p in "$@"; do
  start_server
  trap 'kill $server 2>/dev/null || true; remove_probes' EXIT
  kit_load 1 "$p" >/dev/null
  perf record -q "${PROBES[@]}" -p "$server" -o "$OUT/probes.data" 2>/dev/null &
  record=$!
  sleep 0.5
  calls=$(BODY_FILE=$PAYLOAD_DIR/$p.json SYSTEM_TOKEN=$TOKEN timeout $((LOAD + 30)) \
    wrk -t1 -c1 -d"${LOAD}s" -s "$KIT/lib/post.lua" "http://127.0.0.1:$PORT/function" |
    sed -n 's/^WRKJSON {"requests":\([0-9]*\).*/\1/p')
  sleep 0.5
  kill -INT "$record" 2>/dev/null || true
  wait "$record" 2>/dev/null || true
  stop_server
  trap remove_probes EXIT
  perf script -i "$OUT/probes.data" 2>/dev/null | awk -v p="$p" -v n="$calls" '
    / ext_allocs:(mi_)?malloc: / { for (i = 1; i <= NF; i++) if ($i ~ /^size=/) {
        s = substr($i, 6) + 0; allocs++; asked += s; if (s > 1032) above++ } }
    / ext_allocs:__memmove/ { for (i = 1; i <= NF; i++) if ($i ~ /^len=/) {
        copies++; copied += substr($i, 5) + 0 } }
    END { if (n == 0) { print p ": no calls counted" > "/dev/stderr"; exit 1 }
      printf "%-8s %6d %11.1f %14.2f %11.0f %9.1f %14.0f\n", p, n, allocs / n, above / n,
      asked / n, copies / n, copied / n }'
done
