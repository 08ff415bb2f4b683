#!/usr/bin/env bash
# A private PostgreSQL cluster for the production profile and its tests (Debian's postgresql package).
#
# Usage: scripts/postgres.sh start|stop|status|url|createdb NAME|dropdb NAME
#   start           init the cluster on first use, start it (no-op if running), ensure role and database; print the URL
#   stop            stop it (no-op if stopped)
#   status          exit 0 if running
#   url             print the SQLAlchemy URL of the main database
#   createdb NAME   create (or recreate) database NAME owned by the bot role; print its URL
#   dropdb NAME     drop database NAME if it exists
# Environment: PGDATA_DIR (base dir, default <repo>/var/pg: data/, run/ socket dir, server.log, password),
#              PG_PORT (default 55432; without PG_PORT a busy default moves to the next free port up to 55451),
#              PG_DB (default mfbot), PG_ROLE (default mfbot). `url` reads the running server's port.
# The server listens on 127.0.0.1 only; the role's password is generated on first start and kept in PGDATA_DIR.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="${PGDATA_DIR:-$ROOT/var/pg}"
PORT="${PG_PORT:-55432}"
PORT_IS_DEFAULT=$([ -z "${PG_PORT:-}" ] && echo 1 || echo 0)
DB="${PG_DB:-mfbot}"
ROLE="${PG_ROLE:-mfbot}"
DATA="$BASE/data"
SOCKETS="$BASE/run"
LOG="$BASE/server.log"
PASSWORD_FILE="$BASE/password"

say() { echo "postgres.sh: $*" >&2; }
die() { say "$*"; exit 1; }

valid_name() { [[ "$1" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "invalid name: $1 (lowercase letters, digits, _)"; }

ensure_installed() {
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && return 0
  [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed: run 'sudo apt-get install -y postgresql'"
  say "installing PostgreSQL (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
  service postgresql stop >/dev/null 2>&1 || true  # Debian starts its own cluster; we only use ours
}

bindir() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }

# initdb refuses root: as root, the cluster belongs to the postgres OS user.
db_user() { if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi; }

as_db_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_ctl_() { as_db_user "$(bindir)/pg_ctl" -D "$DATA" "$@"; }

psql_() { as_db_user "$(bindir)/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKETS" -p "$(port)" -d postgres "$@"; }

is_running() { [ -f "$DATA/PG_VERSION" ] && pg_ctl_ status >/dev/null 2>&1; }

# The port of the running server (postmaster.pid line 4), else PG_PORT.
port() {
  if [ -f "$DATA/postmaster.pid" ] && is_running; then sed -n 4p "$DATA/postmaster.pid"; else echo "$PORT"; fi
}

password() { cat "$PASSWORD_FILE"; }

url_for() { echo "postgresql+psycopg2://$ROLE:$(password)@127.0.0.1:$(port)/$1"; }

make_dirs() {
  mkdir -p "$BASE"
  chmod 700 "$BASE"
  chown "$(db_user)" "$BASE"
  as_db_user test -w "$BASE" || die "$(db_user) cannot write $BASE: set PGDATA_DIR to a directory it can reach"
  as_db_user mkdir -p "$SOCKETS"
  as_db_user chmod 700 "$SOCKETS"
  if [ ! -s "$PASSWORD_FILE" ]; then
    (umask 077; od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$PASSWORD_FILE")
  fi
}

init_cluster() {
  [ -f "$DATA/PG_VERSION" ] && return 0
  say "creating cluster in $DATA"
  as_db_user "$(bindir)/initdb" -D "$DATA" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 >"$BASE/initdb.log" 2>&1 \
    || { cat "$BASE/initdb.log" >&2; die "initdb failed"; }
  as_db_user tee -a "$DATA/postgresql.conf" >/dev/null <<EOF
# scripts/postgres.sh: private cluster, TCP on loopback only, socket in a private directory
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCKETS'
password_encryption = 'scram-sha-256'
EOF
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# PG_PORT given: use it. Otherwise the first free port from 55432 (another checkout's cluster may hold it).
choose_port() {
  [ "$PORT_IS_DEFAULT" = 1 ] || return 0
  local candidate
  for candidate in $(seq "$PORT" $((PORT + 19))); do
    if ! port_busy "$candidate"; then PORT="$candidate"; return 0; fi
  done
}

start_server() {
  is_running && return 0
  choose_port
  say "starting on 127.0.0.1:$PORT"
  # 9>&-: the server must not inherit the lock descriptor.
  pg_ctl_ -l "$LOG" -o "-p $PORT" -w -t 60 start >/dev/null 9>&- \
    || { tail -n 8 "$LOG" >&2 || true; die "could not start PostgreSQL (is port $PORT taken?)"; }
}

ensure_role_and_db() {
  psql_ -v role="$ROLE" -v pw="$(password)" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN PASSWORD :'pw';
SQL
  create_db_if_missing "$DB"
}

create_db_if_missing() {
  psql_ -v db="$1" -v role="$ROLE" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'db', :'role', 'UTF8')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL
}

drop_db() {
  psql_ -v db="$1" <<'SQL'
SELECT format('DROP DATABASE %I WITH (FORCE)', :'db') WHERE EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL
}

# Serialise start/createdb/dropdb between concurrent callers (parallel test sessions).
locked() {
  mkdir -p "$BASE"
  exec 9>"$BASE/.lock"
  flock -w 120 9 || die "timed out waiting for $BASE/.lock"
  "$@"
}

cmd_start() {
  ensure_installed
  make_dirs
  init_cluster
  start_server
  ensure_role_and_db
  url_for "$DB"
}

cmd_stop() {
  is_running || return 0
  pg_ctl_ -m fast -w stop >/dev/null
  say "stopped"
}

need_running() { is_running || die "not running: run scripts/postgres.sh start"; }

cmd_createdb() {
  valid_name "$1"
  need_running
  drop_db "$1"
  create_db_if_missing "$1"
  url_for "$1"
}

cmd_dropdb() { valid_name "$1"; need_running; drop_db "$1"; }

case "${1:-}" in
  start) locked cmd_start ;;
  stop) locked cmd_stop ;;
  status) is_running ;;
  url) [ -s "$PASSWORD_FILE" ] || die "no cluster yet: run scripts/postgres.sh start"; url_for "$DB" ;;
  createdb) [ $# -eq 2 ] || die "usage: $0 createdb NAME"; locked cmd_createdb "$2" ;;
  dropdb) [ $# -eq 2 ] || die "usage: $0 dropdb NAME"; locked cmd_dropdb "$2" ;;
  *) echo "usage: $0 start|stop|status|url|createdb NAME|dropdb NAME" >&2; exit 2 ;;
esac
