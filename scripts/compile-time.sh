#!/usr/bin/env bash
# Compile-time cost of the attributes: generates two crates of 200 preSavePage functions,
# one with `#[pre_save_page]` on each and one with the same plain functions, both depending
# on extension-core, and times
#   1. a cold `cargo build` of each (fresh target dir: dependencies included), and
#   2. a rebuild of the crate alone (dependencies already built, crate cleaned first,
#      incremental compilation off), ROUNDS times (7) interleaved with the other crate, median.
# Prints both ratios (annotated / plain). Usage: scripts/compile-time.sh [N_FUNCTIONS]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${1:-200}
WORK=${WORK:-$(mktemp -d /tmp/extension-compile-time.XXXXXX)}
PROFILE=${PROFILE:-dev}
ROUNDS=${ROUNDS:-7}
# Whole builds, not incremental reuse of an unchanged crate.
export CARGO_INCREMENTAL=0

gen() { # gen NAME ATTRIBUTE
  local dir=$WORK/$1
  mkdir -p "$dir/src"
  cat >"$dir/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
extension-core = { path = "$ROOT/extension-core" }

[workspace]
TOML
  {
    echo "#![allow(dead_code)]"
    echo "use extension_core::prelude::*;"
    for i in $(seq 1 "$N"); do
      [ -n "$2" ] && echo "$2"
      cat <<RS
pub fn hook_$i(options: PreSavePageOptions) -> Result<PreSavePageResponse, ExtensionError> {
    let mut data = options.data;
    for record in &mut data {
        record["hook"] = json!($i);
    }
    Ok(PreSavePageResponse { data, errors: options.errors, ..Default::default() })
}
RS
    done
  } >"$dir/src/lib.rs"
  cp "$ROOT/Cargo.lock" "$dir/Cargo.lock"
}

gen annotated '#[pre_save_page]'
gen plain ''

secs() { # secs COMMAND...: wall seconds of COMMAND; a failed build stops the script
  local t0 t1 log
  log=$(mktemp)
  t0=$(date +%s.%N)
  if ! "$@" >"$log" 2>&1; then
    # Inside $(...) set -e does not apply: say it and kill the script.
    { echo "failed: $*"; tail -20 "$log"; } >&2
    kill -TERM $$
    exit 1
  fi
  t1=$(date +%s.%N)
  rm -f "$log"
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

declare -A cold crate
for name in plain annotated; do
  dir=$WORK/$name
  cold[$name]=$(secs cargo build --profile "$PROFILE" --manifest-path "$dir/Cargo.toml" --target-dir "$dir/target")
done
# The crate alone, rounds interleaved so that the machine's drift hits both alike.
declare -A runs
for _ in $(seq 1 "$ROUNDS"); do
  for name in plain annotated; do
    dir=$WORK/$name
    cargo clean --profile "$PROFILE" --manifest-path "$dir/Cargo.toml" --target-dir "$dir/target" -p "$name" >/dev/null 2>&1
    runs[$name]+="$(secs cargo build --profile "$PROFILE" --manifest-path "$dir/Cargo.toml" --target-dir "$dir/target") "
  done
done
for name in plain annotated; do
  crate[$name]=$(printf '%s\n' ${runs[$name]} | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
done

# Instructions rustc executes for the crate alone (callgrind): repeatable on a noisy machine,
# where wall time moves by 10 % between runs. INSTRUCTIONS=0 skips it.
declare -A instructions
if [ "${INSTRUCTIONS:-1}" = 1 ] && command -v valgrind >/dev/null; then
  for name in plain annotated; do
    dir=$WORK/$name
    cargo clean --profile "$PROFILE" --manifest-path "$dir/Cargo.toml" --target-dir "$dir/target" -p "$name" >/dev/null 2>&1
    rustc_line=$(cargo build -v --profile "$PROFILE" --manifest-path "$dir/Cargo.toml" --target-dir "$dir/target" 2>&1 |
      sed -n "s/^ *Running \`\(.*--crate-name $name .*\)\`\$/\1/p")
    instructions[$name]=$(cd "$dir" && eval "valgrind --tool=callgrind --callgrind-out-file=/dev/null $rustc_line" 2>&1 >/dev/null |
      sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
  done
fi

printf '%s functions, profile %s (seconds)\n' "$N" "$PROFILE"
printf '%-28s %10s %10s %8s\n' "" plain annotated ratio
printf '%-28s %10.2f %10.2f %8.3f\n' "cold build (with deps)" "${cold[plain]}" "${cold[annotated]}" "$(ratio "${cold[annotated]}" "${cold[plain]}")"
printf '%-28s %10.2f %10.2f %8.3f\n' "crate only (median of $ROUNDS)" "${crate[plain]}" "${crate[annotated]}" "$(ratio "${crate[annotated]}" "${crate[plain]}")"
if [ -n "${instructions[plain]:-}" ] && [ -n "${instructions[annotated]:-}" ]; then
  printf '%-28s %10.2f %10.2f %8.3f   (10^9 instructions, callgrind)\n' "crate only, instructions" \
    "$(awk -v a="${instructions[plain]}" 'BEGIN { print a / 1e9 }')" \
    "$(awk -v a="${instructions[annotated]}" 'BEGIN { print a / 1e9 }')" \
    "$(ratio "${instructions[annotated]}" "${instructions[plain]}")"
fi
echo "generated crates: $WORK"
