#!/usr/bin/env bash
# Proving Ground as a fleet, on one machine: two API processes (SCORER=none) and two standalone
# scorers on ONE PostgreSQL and ONE artifact folder, everything on 127.0.0.1. Then a learner
# submits the known solution of pruned-mlp-speedup twice at once, through API 1 and API 2, and
# each submission is scored by whichever scorer is free. Every process is stopped on exit.
# docs/operations.md explains each piece. Needs `npm run build` first.
#
#   scripts/fleet-example.sh                                  # a throwaway embedded PostgreSQL
#   DATABASE_URL=postgresql://u:p@127.0.0.1:5432/db scripts/fleet-example.sh
#
# DATABASE_URL must point at a database of its own: the processes migrate it at start.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE="${NODE:-node_modules/.bin/node}"
SLUG=pruned-mlp-speedup
MODEL="libs/catalog/build/_known-solutions/$SLUG/known-solution.onnx"
EMAIL=fleet-learner@example.com
HANDLE=fleet-learner
PASSWORD='fleet example password 1'

for file in dist/apps/{api,scorer,cli}/src/main.js dist/libs/db/src/cli/scratch-database.js "$MODEL"; do
  if [[ ! -f $file ]]; then
    echo "fleet-example: $file is missing: run npm run build first" >&2
    exit 2
  fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/proving-fleet.XXXXXX")
mkdir -p "$work/logs"
names=()
pids=()

say() { printf '\n== [%3d s] %s\n' "$SECONDS" "$*"; }

# Starts "$name" in the background with exactly the environment given (nothing leaks in from this
# shell), its output in $work/logs/$name.log.
launch() {
  local name=$1
  shift
  env -i PATH="$PATH" "$@" >"$work/logs/$name.log" 2>&1 &
  names+=("$name")
  pids+=("$!")
}

pid_of() {
  local i
  for i in "${!names[@]}"; do
    if [[ ${names[$i]} == "$1" ]]; then echo "${pids[$i]}"; fi
  done
}

# Waits for "$name" to end and forgets it (so cleanup never signals a reused pid); its exit code.
reap() {
  local i status=0
  for i in "${!names[@]}"; do
    if [[ ${names[$i]} == "$1" ]]; then
      wait "${pids[$i]}" || status=$?
      unset 'names[i]' 'pids[i]'
    fi
  done
  return "$status"
}

# SIGTERM, then up to 30 s to drain (SHUTDOWN_TIMEOUT_MS is 10 s), then SIGKILL.
stop_all() {
  local pid tries
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for ((tries = 0; tries < 300; tries++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if ((status != 0)) && ((${#names[@]} > 0)); then
    echo "fleet-example: failed (exit $status); the last lines of each log:" >&2
    local name
    for name in "${names[@]}"; do
      echo "--- $name" >&2
      tail -n 15 "$work/logs/$name.log" >&2 || true
    done
  fi
  say "stopping: scorers and APIs first, then the database"
  local fleet=() i
  for i in "${!names[@]}"; do [[ ${names[$i]} == postgres ]] || fleet+=("${pids[$i]}"); done
  ((${#fleet[@]} == 0)) || stop_all "${fleet[@]}"
  local database
  database=$(pid_of postgres)
  [[ -z $database ]] || stop_all "$database"
  rm -rf "$work"
  echo "stopped"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  echo "fleet-example: $*" >&2
  exit 1
}

# Polls until "$@" succeeds, for at most $1 seconds, while process $2 lives.
wait_for() {
  local seconds=$1 name=$2
  shift 2
  local pid deadline=$((SECONDS + seconds))
  pid=$(pid_of "$name")
  until "$@"; do
    kill -0 "$pid" 2>/dev/null || fail "$name exited before it was ready"
    ((SECONDS < deadline)) || fail "$name was not ready within $seconds s"
    sleep 0.2
  done
}

free_port() { "$NODE" -e 'require("./dist/libs/config/src/port-check.js").findFreePort().then((port) => console.log(port))'; }
has_line() { [[ -s $1 ]] && grep -q . "$1"; }
ready() { curl -fs -o /dev/null "$1/readyz"; }
registered() { grep -q '"context":"Scorer"' "$work/logs/$1.log"; }

# --- PostgreSQL: the one the caller gave, or a throwaway embedded one -------------------------
if [[ -n ${DATABASE_URL:-} ]]; then
  database_url=$DATABASE_URL
  say "database: DATABASE_URL from the environment"
else
  say "database: a throwaway embedded PostgreSQL (removed on exit)"
  env -i PATH="$PATH" "$NODE" dist/libs/db/src/cli/scratch-database.js proving_fleet >"$work/database.url" 2>"$work/logs/postgres.log" &
  names+=(postgres)
  pids+=("$!")
  wait_for 60 postgres has_line "$work/database.url"
  database_url=$(head -n 1 "$work/database.url")
fi

# What every process shares: the database, the artifact folder (an s3://… store on real
# machines), and loopback only.
shared=(
  NODE_ENV=production
  LOG_LEVEL=info
  HOST=127.0.0.1
  DATABASE_URL="$database_url"
  DATABASE_POOL_SIZE=5
  ARTIFACT_STORE="$work/artifacts"
  DATA_DIR="$work/data"
)

# --- Two API replicas (SCORER=none: they only serve) and two scorers (one job at a time each;
# each starts its own sandbox host child). Any start order works: every process applies pending
# migrations at start, one at a time under PostgreSQL advisory lock 72707369.
api1_port=$(free_port)
api2_port=$(free_port)
while [[ $api2_port == "$api1_port" ]]; do api2_port=$(free_port); done
API1="http://127.0.0.1:$api1_port"
API2="http://127.0.0.1:$api2_port"
say "starting API 1 ($API1), API 2 ($API2) and scorers 1 and 2; logs in $work/logs"
launch api-1 "${shared[@]}" SCORER=none PORT="$api1_port" "$NODE" dist/apps/api/src/main.js
launch api-2 "${shared[@]}" SCORER=none PORT="$api2_port" "$NODE" dist/apps/api/src/main.js
launch scorer-1 "${shared[@]}" SCORER_CONCURRENCY=1 "$NODE" dist/apps/scorer/src/main.js
launch scorer-2 "${shared[@]}" SCORER_CONCURRENCY=1 "$NODE" dist/apps/scorer/src/main.js
wait_for 120 api-1 ready "$API1"
wait_for 120 api-2 ready "$API2"
echo "API 1 /readyz: $(curl -fsS "$API1/readyz")"
echo "API 2 /readyz: $(curl -fsS "$API2/readyz")"
# A scorer says so in one log line once it has probed its providers, registered and works its queues.
wait_for 120 scorer-1 registered scorer-1
wait_for 120 scorer-2 registered scorer-2
for name in scorer-1 scorer-2; do
  echo "$name: $(grep -h '"context":"Scorer"' "$work/logs/$name.log" | sed -e 's/.*"message":"\([^"]*\)".*/\1/')"
done

# --- A learner, with the `proving` CLI ---------------------------------------------------------
# Its token is kept per server URL in $XDG_CONFIG_HOME/proving: here, a folder of this run.
proving() { env -i PATH="$PATH" HOME="$work" XDG_CONFIG_HOME="$work/config" "$NODE" dist/apps/cli/src/main.js "$@"; }

say "proving register, through API 2; proving login, through API 1"
proving --url "$API2" register --email "$EMAIL" --handle "$HANDLE" --password-stdin <<<"$PASSWORD"
proving --url "$API1" login --email "$EMAIL" --password-stdin <<<"$PASSWORD"

say "two submissions of $SLUG at once: through API 2 in the background, through API 1 followed live"
# `proving submit` exits 1 when the verdict is not PASSED. Two timings at once on a busy machine
# can widen the interval to INCONCLUSIVE: this example checks that both submissions were scored
# (below), and shows the verdicts; exit codes 2 (usage) and 3 (network, login) stop it here.
proving --url "$API2" submit "$SLUG" "$MODEL" --json >"$work/submit-2.json" 2>"$work/logs/submit-2.log" &
names+=(submit-2)
pids+=("$!")
status=0
proving --url "$API1" submit "$SLUG" "$MODEL" 2>&1 | tee "$work/submit-1.txt" || status=$?
((status <= 1)) || fail "proving submit through API 1 failed (exit $status)"
status=0
reap submit-2 || status=$?
((status <= 1)) || fail "proving submit through API 2 failed (exit $status): $(cat "$work/logs/submit-2.log")"
first=$(sed -n 's/^Submitted \([0-9a-f-]*\); following it live\.$/\1/p' "$work/submit-1.txt")
[[ -n $first ]] || fail "proving submit through API 1 printed no submission id"
second=$("$NODE" -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).id' "$work/submit-2.json")

say "proving status $second (the one submitted through API 2), read through API 1"
proving --url "$API1" status "$second" || true

say "both submissions, as proving status --json reads them through API 1"
for id in "$first" "$second"; do
  state=$({ proving --url "$API1" status "$id" --json || true; } |
    "$NODE" -p 'const s = JSON.parse(require("fs").readFileSync(0, "utf8")); `${s.status} ${s.result?.verdict ?? "-"}`')
  echo "$id: $state"
  [[ $state == "SCORED "* ]] || fail "submission $id was not scored: $state"
done

say "proving leaderboard $SLUG"
proving --url "$API1" leaderboard "$SLUG"
