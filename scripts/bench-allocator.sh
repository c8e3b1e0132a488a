#!/usr/bin/env bash
# glibc's allocator thresholds against CPU, page faults and peak memory per call: the bench
# kit's load (../shared/bench: its payloads and wrk script, 16 connections) on
# examples/typed-server (release), one fresh server per variant and payload, variants
# interleaved in rounds. Loopback only; each wrk run is bounded by LOAD_SECONDS.
#
#   scripts/bench-allocator.sh [PAYLOAD...]     default: typical large; ROUNDS=2, LOAD_SECONDS=8
#
# The variants: the server as it is (trim at budget::KEPT_TOP, mmap at 32 MiB, set at
# start-up), glibc's own tuning of its thresholds (any glibc.malloc tunable makes the server
# leave the allocator alone: tcache_count=7 is glibc's default), fixed trim thresholds of 4,
# 8, 16 and 64 MiB (mmap at 32 MiB), and 8 MiB with a trimmed top keeping 4 MiB instead of
# glibc's 128 KiB (pad-4M), through GLIBC_TUNABLES; and mimalloc (the
# `mimalloc` feature of extension-core, built into target/mimalloc), as it is and with
# MIMALLOC_PURGE_DELAY=0 (freed memory given back at once). Then where the large page's peak
# could come down: fewer arenas (MALLOC_ARENA_MAX=1 and 2, the server's thresholds) and
# blocks from 1 MiB up (bodies, answers) mapped and unmapped on their own (mmap at 1 MiB).
# CPU is the server's task clock over the load, faults its page faults, both per request.
# Since extension-core's split-heap (the default), every variant but mimalloc has its blocks
# under 1 KiB from mimalloc and the rest from glibc, whose settings the variants change: a
# glibc.malloc tunable or MALLOC_ARENA_MAX also ends the one arena the server asks for.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOAD=${LOAD_SECONDS:-8}
ROUNDS=${ROUNDS:-2}
PORT=${PORT:-18111}
# shellcheck source=kit-load.sh
. "$ROOT/scripts/kit-load.sh"
cargo build -q --release -p typed-server --manifest-path "$ROOT/Cargo.toml"
cargo build -q --release -p typed-server --manifest-path "$ROOT/Cargo.toml" \
  --features extension-core/mimalloc --target-dir "$ROOT/target/mimalloc"
MIMALLOC=$ROOT/target/mimalloc/release/typed-server
fixed() { echo "glibc.malloc.trim_threshold=$(($1 << 20)):glibc.malloc.mmap_threshold=$((32 << 20))"; }
VARIANTS=(
  "ours|"
  "glibc|glibc.malloc.tcache_count=7"
  "trim-4M|$(fixed 4)"
  "trim-8M|$(fixed 8)"
  "trim-16M|$(fixed 16)"
  "trim-64M|$(fixed 64)"
  "pad-4M|$(fixed 8):glibc.malloc.top_pad=$((4 << 20))"
  "mimalloc||$MIMALLOC"
  "mi-purge0|MIMALLOC_PURGE_DELAY=0|$MIMALLOC"
  "arenas-1|MALLOC_ARENA_MAX=1"
  "arenas-2|MALLOC_ARENA_MAX=2"
  "mmap-1M|glibc.malloc.trim_threshold=$((8 << 20)):glibc.malloc.mmap_threshold=$((1 << 20))"
)
printf '%-8s %-16s %6s %12s %11s %13s\n' payload variant round 'cpu ms/req' 'faults/req' 'peak RSS MiB'
for round in $(seq "$ROUNDS"); do
  for p in $PAYLOADS; do
    for v in "${VARIANTS[@]}"; do
      IFS='|' read -r name setting SERVER_BIN <<<"$v"
      # An empty value is no setting: the server's own thresholds.
      case $setting in
        MIMALLOC_* | MALLOC_*) env=$setting ;;
        *) env=GLIBC_TUNABLES=$setting ;;
      esac
      printf '%-8s ' "$p"
      kit_row "$name" "$round" "$p" "$LOAD" "$env"
    done
  done
done
