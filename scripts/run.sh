#!/usr/bin/env bash
# Start the embedded stack under supervisord: action server (5055), Rasa (5005), the web app (8000) and the outbox
# worker (handoff emails). A process that dies is restarted by supervisord; Ctrl-C stops them all.
# Knobs: RASA_PORT, ACTION_PORT, WEB_PORT, WEB_HOST (0.0.0.0), RUN_DIR (var: logs in $RUN_DIR/log), DATABASE_URL.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/supervisor.sh
. scripts/supervisor.sh
export SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=3 PYTHONUNBUFFERED=1
RASA_PORT="${RASA_PORT:-5005}" ACTION_PORT="${ACTION_PORT:-5055}" WEB_PORT="${WEB_PORT:-8000}" WEB_HOST="${WEB_HOST:-0.0.0.0}"
export RASA_URL="${RASA_URL:-http://localhost:$RASA_PORT}" WEB_PORT
RUN_DIR="$(mkdir -p "${RUN_DIR:-var}" && cd "${RUN_DIR:-var}" && pwd)"
LOG_DIR="$RUN_DIR/log"
mkdir -p "$LOG_DIR"
# Settings from .env when present (never committed; see .env.example).
if [ -f .env ]; then set -a; . ./.env; set +a; fi
# Rasa and the action server listen on loopback only; the action server also wants this token from Rasa.
export ACTION_SERVER_TOKEN="${ACTION_SERVER_TOKEN:-$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(16))')}"
# Sanic refuses larger request bodies with 413 before reading them (a message is at most 10,000 characters).
export SANIC_REQUEST_MAX_SIZE="${SANIC_REQUEST_MAX_SIZE:-262144}"

# The action endpoint on this run's port, with the token header as a plain YAML scalar (Rasa expands ${...} only there).
sed -e "s#http://127.0.0.1:5055/webhook#http://127.0.0.1:$ACTION_PORT/webhook#" \
    -e 's#"Bearer ${ACTION_SERVER_TOKEN}"#Bearer ${ACTION_SERVER_TOKEN}#' endpoints.yml > "$RUN_DIR/endpoints.run.yml"
CONF="$RUN_DIR/supervisord.conf"
sv_config "$CONF" "$RUN_DIR" "$LOG_DIR" true
sv_program "$CONF" actions "$LOG_DIR" 5 "$ROOT/.venv/bin/python" -m bot actions --host 127.0.0.1 --port "$ACTION_PORT"
sv_program "$CONF" rasa "$LOG_DIR" 10 "$ROOT/.venv/bin/python" -m bot.rasa_server run --model models/mfbot.tar.gz --interface 127.0.0.1 --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints "$RUN_DIR/endpoints.run.yml" --logging-config-file logging.yml
sv_program "$CONF" web "$LOG_DIR" 3 "$ROOT/.venv/bin/python" -m bot web --host "$WEB_HOST" --port "$WEB_PORT"
sv_program "$CONF" worker "$LOG_DIR" 3 "$ROOT/.venv/bin/python" -m bot worker

supervisor_pid=""
cleanup() {
  trap - INT TERM EXIT
  if [ -n "$supervisor_pid" ] && kill -0 "$supervisor_pid" 2>/dev/null; then
    kill -TERM "$supervisor_pid" 2>/dev/null || true  # supervisord stops every program, then exits
    wait "$supervisor_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'cleanup; exit 0' INT TERM

wait_for() { # url name log
  for _ in $(seq 1 240); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.5; done
  echo "$2 did not start; last lines of $3:" >&2; tail -n 30 "$3" >&2; exit 1
}

echo "Starting the action server on port $ACTION_PORT ..."
echo "Starting Rasa on port $RASA_PORT ..."
echo "Starting the web app on port $WEB_PORT ..."
echo "Starting the outbox worker ..."
.venv/bin/supervisord -c "$CONF" & supervisor_pid=$!

wait_for "http://127.0.0.1:$ACTION_PORT/health" "The action server" "$LOG_DIR/actions.log"
wait_for "http://127.0.0.1:$RASA_PORT/" "Rasa" "$LOG_DIR/rasa.log"
wait_for "http://127.0.0.1:$WEB_PORT/healthz" "The web app" "$LOG_DIR/web.log"

cat <<MSG

The Magnetic Factors bot is running.
  Terminal chat:  make shell            (in another terminal)
  Web chat:       http://localhost:$WEB_PORT/
  Staff pages:    http://localhost:$WEB_PORT/staff
  REST webhook:   curl -s localhost:$RASA_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
                    -d '{"sender": "me", "message": "hi"}'
  Logs:           ${LOG_DIR#"$ROOT"/}/   Database: ${DATABASE_URL:-var/bot.sqlite3}
Press Ctrl-C to stop.
MSG
# supervisord restarts whichever process dies (see $LOG_DIR/supervisord.log); this waits until Ctrl-C.
wait "$supervisor_pid" || true
supervisor_pid=""
echo "supervisord stopped; see ${LOG_DIR#"$ROOT"/}/." >&2
exit 1
