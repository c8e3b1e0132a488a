# Sourced by the scripts that put the bench kit's load (../shared/bench: its payloads, its wrk
# script, 16 connections) on one server of ours: profile.sh, bench-allocator.sh.
#
# Before sourcing: ROOT (the repository), PORT. Sets KIT, TOKEN, PAYLOADS (the arguments, or
# typical and large) and PAYLOAD_DIR (written when the kit is read-only), checks for perf and
# wrk, makes the payloads, and defines start_server, kit_load and kit_counted.
KIT=${KIT:-$ROOT/../shared/bench}
TOKEN=bench-token
command -v perf >/dev/null || { echo "perf not found" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
PAYLOADS=${*:-typical large}
PAYLOAD_DIR=$KIT/payloads; [ -w "$KIT" ] || PAYLOAD_DIR=${TMPDIR:-/tmp}/extension-bench/payloads
for p in $PAYLOADS; do
  [ -f "$PAYLOAD_DIR/$p.json" ] || python3 "$KIT/payload.py" "$PAYLOAD_DIR" >/dev/null
done

# start_server [ENV=VALUE...]: examples/typed-server (release, built; SERVER_BIN another
# build of it) on PORT with the given environment, killed when the script exits; returns once
# it answers /healthCheck.
start_server() {
  env "$@" RUST_LOG=warn "${SERVER_BIN:-$ROOT/target/release/typed-server}" --port "$PORT" \
    --system-token "$TOKEN" --diy &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  for _ in $(seq 50); do
    curl -fs "http://127.0.0.1:$PORT/healthCheck" >/dev/null 2>&1 && break
    sleep 0.1
  done
}

# stop_server: the one start_server started.
stop_server() {
  kill "$server"; wait "$server" 2>/dev/null || true
  trap - EXIT
}

# kit_load SECONDS PAYLOAD: the kit's load on the server for SECONDS (and 30 s more at most
# before it is killed), its output (the kit's WRKJSON line included) on stdout.
kit_load() {
  BODY_FILE=$PAYLOAD_DIR/$2.json SYSTEM_TOKEN=$TOKEN timeout $(($1 + 30)) \
    wrk -t2 -c16 -d"$1s" -s "$KIT/lib/post.lua" "http://127.0.0.1:$PORT/function"
}

# kit_counted EVENTS SECONDS PAYLOAD STAT: 2 s of the kit's load to warm the server, then
# SECONDS more with `perf stat -e EVENTS` on it written to STAT (CSV); sets `requests` to the
# requests wrk made while counted.
kit_counted() {
  kit_load 2 "$3" >/dev/null
  perf stat -x, -e "$1" -p "$server" -o "$4" -- sleep "$2" &
  local stat=$!
  requests=$(kit_load "$2" "$3" | sed -n 's/^WRKJSON {"requests":\([0-9]*\).*/\1/p')
  wait $stat
}

# kit_row NAME ROUND PAYLOAD SECONDS [ENV=VALUE...]: a fresh server (SERVER_BIN, or ours)
# with the environment given, under kit_counted's load; prints one row: NAME, ROUND, CPU ms
# and page faults per request, peak RSS in MiB. Fails when wrk made no requests.
kit_row() {
  local name=$1 round=$2 payload=$3 seconds=$4 stat hwm
  shift 4
  stat=$(mktemp)
  start_server "$@"
  kit_counted task-clock,page-faults "$seconds" "$payload" "$stat"
  hwm=$(awk '/VmHWM/{print $2}' "/proc/$server/status")
  stop_server
  if [ "${requests:-0}" -le 0 ]; then
    echo "$name: wrk made no requests" >&2
    rm -f "$stat"
    return 1
  fi
  awk -F, -v n="$name" -v r="$round" -v q="$requests" -v h="$hwm" \
    '/task-clock/{t=$1} /page-faults/{f=$1}
     END{printf "%-16s %6d %12.3f %11.1f %13.1f\n", n, r, t/q, f/q, h/1024}' "$stat"
  rm -f "$stat"
}
