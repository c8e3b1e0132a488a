#!/usr/bin/env bash
# A scratch change to the server (a patch in scripts/scratch/) measured against the server as
# it is, under the bench kit's load: builds both (the patch applied in a throwaway worktree,
# built into target/scratch), then runs scripts/bench-builds.sh on them. Each VARIANT is
# NAME=SETTINGS, the patched server run with those environment variables (several joined by
# commas); with none, the patched server as built. Loopback only; bounded as bench-builds.sh.
#
#   scripts/bench-scratch.sh PATCH PAYLOAD [NAME=VAR=VALUE[,VAR=VALUE...]...]
#
#   e.g. scripts/bench-scratch.sh scripts/scratch/held-body.patch large \
#          held=SCRATCH_BODY=held region=SCRATCH_BODY=region
# The patch is applied to HEAD (the server as it is is built from the working tree), so it
# must apply there: each names the commit it was made on. A patch whose header has a line
# "Base: COMMIT" is measured on that commit instead, both builds: one that brings its own
# allocator cannot build on commits whose extension-core installs one (since split-heap).
# ROUNDS, LOAD_SECONDS: bench-builds.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# -ge 2 ] || { sed -n '2,16p' "$0" >&2; exit 2; }
PATCH=$(realpath "$1")
PAYLOAD=$2
shift 2
[ -f "$PATCH" ] || { echo "no such patch: $PATCH" >&2; exit 2; }
for variant in "$@"; do
  [[ $variant =~ ^[A-Za-z0-9_.-]+=[A-Za-z_][A-Za-z0-9_]*= ]] ||
    { echo "not NAME=VAR=VALUE[,VAR=VALUE...]: $variant" >&2; exit 2; }
  # Rows are named by NAME: the server as it is has its own.
  [ "${variant%%=*}" != as-is ] || { echo "as-is names the server as it is: $variant" >&2; exit 2; }
done
BASE=$(sed -n '/^diff --git/q; s/^Base: *\([0-9a-f]\{7,40\}\)$/\1/p' "$PATCH")
OUT=$(mktemp -d)
TREE=$OUT/tree
# Builds in bin/, what is measured in run/: a variant's name cannot overwrite a build.
mkdir "$OUT/bin" "$OUT/run"
cleanup() {
  local tree
  for tree in "$TREE" "$OUT/base"; do
    git -C "$ROOT" worktree remove --force "$tree" 2>/dev/null || true
  done
  rm -rf "$OUT"
}
trap cleanup EXIT
if [ -n "$BASE" ]; then
  git -C "$ROOT" worktree add -q --detach "$OUT/base" "$BASE"
  cargo build -q --release -p typed-server --manifest-path "$OUT/base/Cargo.toml" \
    --target-dir "$ROOT/target/scratch"
  cp "$ROOT/target/scratch/release/typed-server" "$OUT/run/as-is"
  git -C "$ROOT" worktree remove --force "$OUT/base"
else
  cargo build -q --release -p typed-server --manifest-path "$ROOT/Cargo.toml"
  cp "$ROOT/target/release/typed-server" "$OUT/run/as-is"
fi
git -C "$ROOT" worktree add -q --detach "$TREE" "${BASE:-HEAD}"
git -C "$TREE" apply "$PATCH"
cargo build -q --release -p typed-server --manifest-path "$TREE/Cargo.toml" \
  --target-dir "$ROOT/target/scratch"
cp "$ROOT/target/scratch/release/typed-server" "$OUT/bin/patched"
git -C "$ROOT" worktree remove --force "$TREE"
BINS=("$OUT/run/as-is")
if [ $# -eq 0 ]; then
  name=$(basename "$PATCH" .patch)
  cp "$OUT/bin/patched" "$OUT/run/$name"
  BINS+=("$OUT/run/$name")
fi
for variant in "$@"; do
  name=${variant%%=*}
  settings=${variant#*=}
  printf '#!/bin/sh\nexec env %s "%s" "$@"\n' "${settings//,/ }" "$OUT/bin/patched" >"$OUT/run/$name"
  chmod +x "$OUT/run/$name"
  BINS+=("$OUT/run/$name")
done
"$ROOT/scripts/bench-builds.sh" "$PAYLOAD" "${BINS[@]}"
