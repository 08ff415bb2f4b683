#!/usr/bin/env bash
# Start the embedded stack: action server (5055), Rasa (5005) and the web app (8000); Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
export SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=3 PYTHONUNBUFFERED=1
RASA_PORT="${RASA_PORT:-5005}" ACTION_PORT="${ACTION_PORT:-5055}" WEB_PORT="${WEB_PORT:-8000}"
export RASA_URL="${RASA_URL:-http://localhost:$RASA_PORT}" WEB_PORT
mkdir -p var/log
# Settings from .env when present (never committed; see .env.example).
if [ -f .env ]; then set -a; . ./.env; set +a; fi
pids=()
cleanup() { trap - INT TERM EXIT; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup INT TERM EXIT

wait_for() { # url name log
  for _ in $(seq 1 240); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.5; done
  echo "$2 did not start; last lines of $3:" >&2; tail -n 30 "$3" >&2; exit 1
}

echo "Starting the action server on port $ACTION_PORT ..."
.venv/bin/rasa run actions --actions bot.actions --port "$ACTION_PORT" > var/log/actions.log 2>&1 & pids+=($!)
echo "Starting Rasa on port $RASA_PORT ..."
sed "s#http://localhost:5055/webhook#http://localhost:$ACTION_PORT/webhook#" endpoints.yml > var/endpoints.run.yml
.venv/bin/rasa run --model models/mfbot.tar.gz --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints var/endpoints.run.yml --logging-config-file logging.yml > var/log/rasa.log 2>&1 & pids+=($!)
echo "Starting the web app on port $WEB_PORT ..."
.venv/bin/python -m bot web --host 0.0.0.0 --port "$WEB_PORT" > var/log/web.log 2>&1 & pids+=($!)

wait_for "http://localhost:$ACTION_PORT/health" "The action server" var/log/actions.log
wait_for "http://localhost:$RASA_PORT/" "Rasa" var/log/rasa.log
wait_for "http://localhost:$WEB_PORT/healthz" "The web app" var/log/web.log

cat <<MSG

The Magnetic Factors bot is running.
  Terminal chat:  make shell            (in another terminal)
  Web chat:       http://localhost:$WEB_PORT/
  Staff pages:    http://localhost:$WEB_PORT/staff
  REST webhook:   curl -s localhost:$RASA_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
                    -d '{"sender": "me", "message": "hi"}'
  Logs:           var/log/   Database: ${DATABASE_URL:-var/bot.sqlite3}
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}"
echo "A process stopped; shutting down. See var/log/." >&2
exit 1
