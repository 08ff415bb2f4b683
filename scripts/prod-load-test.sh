#!/usr/bin/env bash
# The full load test on a private production profile: its own directory, database, Redis and free loopback ports
# (never the running `make run-prod` profile or its data). Starts it, runs bench/load_test.py through the public web
# chat with a Rasa replica and an action server killed mid-run (supervisord restarts each), stops it, drops the database
# and stops PostgreSQL again when it started it.
# Usage: scripts/prod-load-test.sh [extra bench/load_test.py arguments, e.g. --json FILE]
# Knobs: LOAD_PARTICIPANTS (200), LOAD_DIR (var/load-test).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
DIR="$(pwd)/${LOAD_DIR:-var/load-test}"
DB=mfbot_load_test
export SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=3 PYTHONUNBUFFERED=1 RASA_TELEMETRY_ENABLED=false

base="$($PY - <<'PY'
"""A free block of loopback ports for a private production profile (offsets used by scripts/run-prod.sh)."""
import random
import socket


def free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


while True:
    base = random.randrange(20000, 60000, 50)
    if all(free(base + o) for o in (0, 1, 2, 11, 12, 21, 22, 31, 32, 40)):
        print(base)
        break
PY
)"
pg_was_running=0
bash scripts/postgres.sh status 2>/dev/null && pg_was_running=1
bash scripts/postgres.sh start >/dev/null || exit 1
db_url="$(bash scripts/postgres.sh createdb "$DB")" || exit 1
rm -rf "$DIR"
mkdir -p "$DIR"
export PROD_DIR="$DIR" PROD_PORT_BASE="$base" PROD_ENV_FILE="$DIR/none.env" DATABASE_URL="$db_url"
export SECRET_KEY="load-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" RASA_TOKEN="load-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
export ACTION_SERVER_TOKEN="load-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
# Leave nothing running: the profile, its database, and the PostgreSQL server itself unless it was already up.
cleanup() {
  bash scripts/run-prod.sh stop >/dev/null 2>&1 || true
  bash scripts/postgres.sh dropdb "$DB" || true
  [ "$pg_was_running" = 1 ] || bash scripts/postgres.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

bash scripts/run-prod.sh start >"$DIR/start.txt" 2>&1 || { tail -n 20 "$DIR/start.txt"; echo "The production profile did not start (logs: $DIR/log)"; exit 1; }
echo "Private production profile up on 127.0.0.1:$base (2 Rasa, 2 action servers, 2 web apps, nginx, Redis, PostgreSQL)"
$PY bench/load_test.py --url "http://127.0.0.1:$base" --participants "${LOAD_PARTICIPANTS:-200}" \
  --kill rasa-1@0.3 --kill actions-1@0.5 --time-limit 1200 --ramp 20 "$@"
