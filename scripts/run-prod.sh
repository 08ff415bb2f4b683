#!/usr/bin/env bash
# The production profile on one machine: PostgreSQL, Redis, action servers, Rasa servers, web app, nginx in front.
# Redis, the action servers, the Rasa servers, the web apps and nginx run under supervisord (PyPI `supervisor`):
# a process that dies is restarted. PostgreSQL is its own supervisor (pg_ctl; its postmaster restarts backends).
#
# Usage: scripts/run-prod.sh start|stop|status|kill NAME|check-secrets
#   start          install missing Debian packages, refuse placeholder secrets, start supervisord with every process
#                  (or, when it runs, start whatever is stopped), wait for each health check, print where it listens
#   stop           stop every process this profile started (and the private PostgreSQL if `start` started it)
#   status         one line per process; exit 1 if any is down
#   kill NAME      SIGKILL one process (fault injection: rasa-1, actions-2, web-1, ...); supervisord restarts it
#   check-secrets  exit non-zero on missing or placeholder secrets
#   check-config   render the nginx configuration into $PROD_DIR/nginx and let `nginx -t` check it
# Settings (environment, else $PROD_ENV_FILE, default $PROD_DIR/prod.env, KEY=VALUE lines; see deploy/prod.env.example):
#   SECRET_KEY, RASA_TOKEN, ACTION_SERVER_TOKEN (required), DATABASE_URL (default: private cluster of scripts/postgres.sh),
#   REDIS_HOST/REDIS_PORT/REDIS_PASSWORD/REDIS_DB (default: a private redis-server), PUBLIC_BASE_URL,
#   PROD_DIR (default var/prod), PROD_PORT_BASE (default 8080: nginx on it, see ports below),
#   RASA_REPLICAS, ACTION_REPLICAS, WEB_REPLICAS, WORKER_REPLICAS (default 2 each), TICKET_LOCK_LIFETIME (default 30 s).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"
PROD_DIR="$(mkdir -p "${PROD_DIR:-$ROOT/var/prod}" && cd "${PROD_DIR:-$ROOT/var/prod}" && pwd)"
ENV_FILE="${PROD_ENV_FILE:-$PROD_DIR/prod.env}"
RUN_DIR="$PROD_DIR/run"
LOG_DIR="$PROD_DIR/log"
NGINX_DIR="$PROD_DIR/nginx"
SV_CONF="$RUN_DIR/supervisord.conf"
# shellcheck source=scripts/supervisor.sh
. "$ROOT/scripts/supervisor.sh"

say() { echo "run-prod: $*" >&2; }
die() { say "$*"; exit 1; }

# KEY=VALUE lines from the env file, without overriding what the environment already sets.
load_env_file() {
  [ -f "$ENV_FILE" ] || return 0
  local key value
  while IFS= read -r line || [ -n "$line" ]; do
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    key="${line%%=*}"; value="${line#*=}"
    [[ "$key" =~ ^[A-Z_][A-Z0-9_]*$ ]] || die "$ENV_FILE: not a KEY=VALUE line: ${key:0:40}"
    value="${value%\"}"; value="${value#\"}"
    [ -n "$value" ] || continue  # an empty line in the template means "not set"
    [ -n "${!key+x}" ] || export "$key=$value"
  done <"$ENV_FILE"
}
load_env_file

BASE="${PROD_PORT_BASE:-8080}"
NGINX_PORT="$BASE"
ACTIONS_LB_PORT=$((BASE + 1))
RASA_LB_PORT=$((BASE + 2))  # internal: the web apps' way to Rasa's web chat channel (not the public server)
RASA_REPLICAS="${RASA_REPLICAS:-2}" ACTION_REPLICAS="${ACTION_REPLICAS:-2}" WEB_REPLICAS="${WEB_REPLICAS:-2}"
WORKER_REPLICAS="${WORKER_REPLICAS:-2}"  # outbox workers: they share the table on PostgreSQL (SKIP LOCKED)
rasa_port() { echo $((BASE + 10 + $1)); }
action_port() { echo $((BASE + 20 + $1)); }
web_port() { echo $((BASE + 30 + $1)); }
PRIVATE_REDIS_PORT=$((BASE + 40))
for n in "$RASA_REPLICAS" "$ACTION_REPLICAS" "$WEB_REPLICAS" "$WORKER_REPLICAS"; do
  [[ "$n" =~ ^[1-9]$ ]] || die "replica counts must be 1..9"
done

export BOT_ENV=production
export SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=3 PYTHONUNBUFFERED=1 RASA_TELEMETRY_ENABLED=false
# Sanic (Rasa, action servers) refuses bodies over this with 413 before reading them.
export SANIC_REQUEST_MAX_SIZE="${SANIC_REQUEST_MAX_SIZE:-262144}"
export TICKET_LOCK_LIFETIME="${TICKET_LOCK_LIFETIME:-30}"

# ---- processes (supervisord) -------------------------------------------------------------------
supervisor_alive() { [ -s "$RUN_DIR/supervisord.pid" ] && kill -0 "$(cat "$RUN_DIR/supervisord.pid")" 2>/dev/null; }
# state NAME: supervisord's state of a program (RUNNING, STARTING, BACKOFF, FATAL, ...), or DOWN without supervisord.
state() { supervisor_alive || { echo DOWN; return; }; sv_ctl "$SV_CONF" status "$1" 2>/dev/null | awk '{print $2}' || true; }
pid_of() { local pid; supervisor_alive || return 0; pid="$(sv_ctl "$SV_CONF" pid "$1" 2>/dev/null || true)"; [ "${pid:-0}" != 0 ] && echo "$pid" || true; }
alive() { [ "$(state "$1")" = RUNNING ]; }

# wait_http NAME URL: until URL answers 200, failing early with the log tail if supervisord gave NAME up.
wait_http() {
  local name="$1" url="$2"
  for _ in $(seq 1 600); do
    [ "$(state "$name")" != FATAL ] || { tail -n 25 "$LOG_DIR/$name.log" >&2 || true; die "$name keeps exiting (log: $LOG_DIR/$name.log)"; }
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
    sleep 0.5
  done
  die "$name did not answer $url in 300 s (log: $LOG_DIR/$name.log)"
}

names() {
  local i
  [ -n "${REDIS_HOST:-}" ] && [ "${PRIVATE_REDIS:-0}" != 1 ] || echo redis  # a private redis-server only
  for i in $(seq 1 "$ACTION_REPLICAS"); do echo "actions-$i"; done
  for i in $(seq 1 "$RASA_REPLICAS"); do echo "rasa-$i"; done
  for i in $(seq 1 "$WEB_REPLICAS"); do echo "web-$i"; done
  for i in $(seq 1 "$WORKER_REPLICAS"); do echo "worker-$i"; done
}

# ---- settings -----------------------------------------------------------------------------------
check_secrets() {
  "$PY" - <<'PY'
"""Refuse missing or placeholder secrets before anything starts."""
import os
import sys

from bot.settings import PLACEHOLDER_SECRETS, load_settings

problems = []
try:
    load_settings().check_secrets()
except RuntimeError as exc:
    problems.append(str(exc))
for name in ("SECRET_KEY", "RASA_TOKEN", "ACTION_SERVER_TOKEN"):
    value = os.environ.get(name, "").strip()
    if not value:
        problems.append(f"{name} is not set")
    elif value.lower() in PLACEHOLDER_SECRETS | {"rasatoken", "token", "changeme123"} or len(value) < 16:
        problems.append(f"{name} is a placeholder or shorter than 16 characters")
if problems:
    print("run-prod: refusing to start: " + "; ".join(problems), file=sys.stderr)
    print("run-prod: generate secrets once with `make prod-secrets` (writes var/prod/prod.env)", file=sys.stderr)
    sys.exit(1)
PY
}

ensure_database() {
  if [ -z "${DATABASE_URL:-}" ]; then
    local was_running=0
    bash scripts/postgres.sh status 2>/dev/null && was_running=1
    DATABASE_URL="$(bash scripts/postgres.sh start)"
    [ "$was_running" = 1 ] || touch "$RUN_DIR/postgres.started"
  fi
  export DATABASE_URL TRACKER_DATABASE_URL="$DATABASE_URL"
  # Rasa's SQL tracker store takes the parts of the URL (the Helm chart's variable names).
  eval "$("$PY" - <<'PY'
"""Print DB_* shell assignments from DATABASE_URL."""
import os
import shlex

from sqlalchemy.engine import make_url

url = make_url(os.environ["DATABASE_URL"])
if not url.drivername.startswith("postgresql"):
    raise SystemExit("run-prod: DATABASE_URL must be a PostgreSQL URL in production")
parts = {"DB_HOST": url.host or "127.0.0.1", "DB_PORT": str(url.port or 5432), "DB_USER": url.username or "",
         "DB_PASSWORD": url.password or "", "DB_DATABASE": url.database or ""}
print("export " + " ".join(f"{k}={shlex.quote(v)}" for k, v in parts.items()))
PY
)"
}

ensure_redis() {
  if [ -n "${REDIS_HOST:-}" ]; then
    export REDIS_HOST REDIS_PORT="${REDIS_PORT:-6379}" REDIS_PASSWORD="${REDIS_PASSWORD:-}" REDIS_DB="${REDIS_DB:-1}"
    return 0
  fi
  local pwfile="$PROD_DIR/redis.password"
  [ -s "$pwfile" ] || (umask 077; od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$pwfile")
  export REDIS_HOST=127.0.0.1 REDIS_PORT="$PRIVATE_REDIS_PORT" REDIS_PASSWORD="$(cat "$pwfile")" REDIS_DB="${REDIS_DB:-1}"
  mkdir -p "$PROD_DIR/redis"
  PRIVATE_REDIS=1
}

wait_redis() {
  [ "${PRIVATE_REDIS:-0}" = 1 ] || return 0
  for _ in $(seq 1 100); do
    REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.2
  done
  tail -n 20 "$LOG_DIR/redis.log" >&2 || true
  die "redis did not start on port $REDIS_PORT"
}

# ---- components ---------------------------------------------------------------------------------
# Rasa's logging: the repository's logging.yml plus the production additions of deploy/rasa-logging.yml.
render_rasa_logging() {
  "$PY" - logging.yml deploy/rasa-logging.yml "$PROD_DIR/rasa-logging.yml" <<'PY'
"""Merge the logger levels of two incremental logging configs into one file for `rasa run --logging-config-file`."""
import sys
from pathlib import Path

import yaml

merged = {"version": 1, "incremental": True, "loggers": {}}
for source in sys.argv[1:3]:
    if Path(source).exists():
        merged["loggers"].update((yaml.safe_load(Path(source).read_text()) or {}).get("loggers") or {})
Path(sys.argv[3]).write_text(yaml.safe_dump(merged, sort_keys=True))
PY
}

# render_supervisor: every supervised program of the profile (secrets stay in the environment, not in the file).
render_supervisor() {
  local i
  render_rasa_logging
  sv_config "$SV_CONF" "$RUN_DIR" "$LOG_DIR" false
  if [ "${PRIVATE_REDIS:-0}" = 1 ]; then
    # The lock store needs no persistence: a lock outlives nothing but the processing of one message.
    sv_program "$SV_CONF" redis "$LOG_DIR" 1 redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --requirepass '%(ENV_REDIS_PASSWORD)s' \
      --save "" --appendonly no --dir "$PROD_DIR/redis" --protected-mode yes
  fi
  for i in $(seq 1 "$ACTION_REPLICAS"); do
    sv_program "$SV_CONF" "actions-$i" "$LOG_DIR" 5 "$PY" -m bot actions --host 127.0.0.1 --port "$(action_port "$i")"
  done
  for i in $(seq 1 "$RASA_REPLICAS"); do
    sv_program "$SV_CONF" "rasa-$i" "$LOG_DIR" 10 "$PY" -m bot.rasa_server run --model models/mfbot.tar.gz --enable-api --auth-token '%(ENV_RASA_TOKEN)s' \
      --interface 127.0.0.1 --port "$(rasa_port "$i")" --credentials deploy/credentials.prod.yml --endpoints deploy/endpoints.prod.yml \
      --logging-config-file "$PROD_DIR/rasa-logging.yml"
  done
  for i in $(seq 1 "$WEB_REPLICAS"); do
    sv_program "$SV_CONF" "web-$i" "$LOG_DIR" 3 "$PY" -m bot web --host 127.0.0.1 --port "$(web_port "$i")"
  done
  for i in $(seq 1 "$WORKER_REPLICAS"); do
    sv_program "$SV_CONF" "worker-$i" "$LOG_DIR" 3 "$PY" -m bot worker
  done
  sv_program "$SV_CONF" nginx "$LOG_DIR" 2 nginx -g "daemon off;" -e "$LOG_DIR/nginx-error.log" -c "$NGINX_DIR/nginx.conf" -p "$NGINX_DIR"
}

start_supervised() {
  render_supervisor
  if supervisor_alive; then
    sv_ctl "$SV_CONF" reread >/dev/null
    sv_ctl "$SV_CONF" update >/dev/null
    sv_ctl "$SV_CONF" start all >/dev/null || true  # "already started" is fine
    [ "$(state nginx)" != RUNNING ] || nginx -s reload -e "$LOG_DIR/nginx-error.log" -c "$NGINX_DIR/nginx.conf" -p "$NGINX_DIR"
  else
    "$ROOT/.venv/bin/supervisord" -c "$SV_CONF" || die "supervisord did not start (log: $LOG_DIR/supervisord.log)"
  fi
  wait_redis
  local i
  for i in $(seq 1 "$ACTION_REPLICAS"); do wait_http "actions-$i" "http://127.0.0.1:$(action_port "$i")/health"; done
  for i in $(seq 1 "$RASA_REPLICAS"); do wait_http "rasa-$i" "http://127.0.0.1:$(rasa_port "$i")/status?token=$RASA_TOKEN"; done
  for i in $(seq 1 "$WEB_REPLICAS"); do wait_http "web-$i" "http://127.0.0.1:$(web_port "$i")/healthz"; done
  wait_http nginx "http://127.0.0.1:$NGINX_PORT/healthz"
}

upstreams() { # KIND COUNT
  local i
  for i in $(seq 1 "$2"); do echo "        server 127.0.0.1:$("${1}_port" "$i") max_fails=2 fail_timeout=3s;"; done
}

render_nginx() {
  mkdir -p "$NGINX_DIR/tmp"
  local user_line="" listen="127.0.0.1:$NGINX_PORT" tls=""
  [ "$(id -u)" -eq 0 ] && user_line="user www-data;"
  if [ -n "${TLS_CERT_FILE:-}" ] || [ -n "${TLS_KEY_FILE:-}" ]; then
    [ -r "${TLS_CERT_FILE:-}" ] && [ -r "${TLS_KEY_FILE:-}" ] || die "TLS_CERT_FILE and TLS_KEY_FILE must both name readable files"
    listen="$listen ssl"
    # HSTS only with TLS: browsers then never reach the site over plain http again.
    tls="ssl_certificate $TLS_CERT_FILE; ssl_certificate_key $TLS_KEY_FILE; ssl_protocols TLSv1.2 TLSv1.3;
        add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;"
  fi
  NGINX_DIR="$NGINX_DIR" LOG_DIR="$LOG_DIR" NGINX_USER_LINE="$user_line" NGINX_LISTEN="$listen" NGINX_TLS="$tls" \
  ACTIONS_LISTEN="127.0.0.1:$ACTIONS_LB_PORT" RASA_INTERNAL_LISTEN="127.0.0.1:$RASA_LB_PORT" PROXY_READ_TIMEOUT=90 \
  RASA_UPSTREAMS="$(upstreams rasa "$RASA_REPLICAS")" ACTION_UPSTREAMS="$(upstreams action "$ACTION_REPLICAS")" \
  WEB_UPSTREAMS="$(upstreams web "$WEB_REPLICAS")" \
    "$PY" - deploy/nginx.conf.template "$NGINX_DIR/nginx.conf" <<'PY'
"""Fill ${NAME} placeholders of the nginx template from the environment (nginx's own $variables stay)."""
import os
import re
import sys

source, target = sys.argv[1], sys.argv[2]
text = open(source, encoding="utf-8").read()
rendered = re.sub(r"\$\{([A-Z_][A-Z0-9_]*)\}", lambda m: os.environ[m.group(1)], text)
open(target, "w", encoding="utf-8").write(rendered)
PY
}

check_nginx() {
  mkdir -p "$LOG_DIR"
  render_nginx
  nginx -t -q -e "$LOG_DIR/nginx-error.log" -c "$NGINX_DIR/nginx.conf" -p "$NGINX_DIR" || die "nginx configuration is invalid"
}

# ---- commands -----------------------------------------------------------------------------------
cmd_start() {
  bash scripts/system-deps.sh prod
  check_secrets
  [ -f models/mfbot.tar.gz ] || die "models/mfbot.tar.gz is missing: run 'make train'"
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  chmod 700 "$PROD_DIR"
  ensure_database
  ensure_redis
  export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://127.0.0.1:$NGINX_PORT}"
  # The web apps reach Rasa's web chat channel through nginx's internal server (the public one does not forward it).
  export RASA_URL="http://127.0.0.1:$RASA_LB_PORT"
  export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTIONS_LB_PORT/webhook}"
  # nginx, on loopback, is the one proxy whose X-Forwarded-For the web apps believe (it sets it to the peer's address).
  export TRUSTED_PROXIES="${TRUSTED_PROXIES:-127.0.0.1}"
  say "migrating the database"
  "$PY" -m bot db upgrade >>"$LOG_DIR/migrate.log" 2>&1 || { tail -n 20 "$LOG_DIR/migrate.log" >&2; die "migration failed"; }
  check_nginx
  say "starting (supervisord) $ACTION_REPLICAS action server(s), $RASA_REPLICAS Rasa server(s), $WEB_REPLICAS web app(s), nginx"
  start_supervised
  cat <<MSG

The production profile is running (BOT_ENV=production, supervised), nginx on 127.0.0.1:$NGINX_PORT:
  Web chat and staff pages:  http://127.0.0.1:$NGINX_PORT/
  SMS and Telegram webhooks: http://127.0.0.1:$NGINX_PORT/webhooks/twilio_sms/webhook  .../webhooks/telegram/webhook
  Rasa replicas:             $(for i in $(seq 1 "$RASA_REPLICAS"); do printf '%s ' "$(rasa_port "$i")"; done)(actions via nginx :$ACTIONS_LB_PORT, web chat via :$RASA_LB_PORT)
  Logs and pids:             $LOG_DIR  $RUN_DIR   (supervisorctl -c $SV_CONF status)
Stop it with: make stop-prod
MSG
}

cmd_stop() {
  if supervisor_alive; then
    local pid
    pid="$(cat "$RUN_DIR/supervisord.pid")"
    sv_ctl "$SV_CONF" shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 160); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  if [ -f "$RUN_DIR/postgres.started" ]; then
    bash scripts/postgres.sh stop || true
    rm -f "$RUN_DIR/postgres.started"
  fi
  say "stopped"
}

cmd_status() {
  local name down=0
  for name in $(names) nginx; do
    if alive "$name"; then
      echo "$name running (pid $(pid_of "$name"))$([ "$name" = nginx ] && echo " on 127.0.0.1:$NGINX_PORT")"
    else
      echo "$name down ($(state "$name" | tr 'A-Z' 'a-z'))"; down=1
    fi
  done
  return "$down"
}

cmd_kill() {
  local name="$1" pid
  pid="$(pid_of "$name")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || die "$name is not running"
  # Each supervised program leads its own process group (workers included).
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"
  say "killed $name (pid $pid); supervisord restarts it"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  kill) [ $# -eq 2 ] || die "usage: $0 kill NAME"; cmd_kill "$2" ;;
  check-secrets) check_secrets ;;
  check-config) check_nginx; echo "$NGINX_DIR/nginx.conf" ;;
  *) echo "usage: $0 start|stop|status|kill NAME|check-secrets|check-config" >&2; exit 2 ;;
esac
