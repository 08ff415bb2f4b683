#!/usr/bin/env bash
# Every test: Rasa data validation, conversation tests, then pytest (unit, content, e2e, browser, production).
set -euo pipefail
cd "$(dirname "$0")/.."
export SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=3 PYTHONHASHSEED=0
mkdir -p test-artifacts
STARTED=$(date +%s)
export RASA_START_LOG="$PWD/test-artifacts/rasa-starts.log"
: > "$RASA_START_LOG"
# Whatever happens, leave nothing running: the private PostgreSQL cluster the tests started is stopped (unless it was
# already running, e.g. for `make run-prod`), and the wall time, Rasa starts and coverage are printed.
PG_WAS_RUNNING=0
bash scripts/postgres.sh status > /dev/null 2>&1 && PG_WAS_RUNNING=1
finish() {
  local code=$?
  [ "$PG_WAS_RUNNING" = 1 ] || bash scripts/postgres.sh stop > /dev/null 2>&1 || true
  local seconds=$(( $(date +%s) - STARTED ))
  local coverage="not measured"
  if [ -f .coverage ]; then coverage="$(.venv/bin/coverage report --format=total 2>/dev/null || echo '?')% of bot/ (branches included; test-artifacts/coverage/index.html)"; fi
  echo "== make test: $(( seconds / 60 )) m $(( seconds % 60 )) s wall time, $(wc -l < "$RASA_START_LOG") Rasa server start(s) (test-artifacts/rasa-starts.log), coverage $coverage, exit $code"
  exit "$code"
}
trap finish EXIT

echo "== lint"
.venv/bin/ruff check bot tests bench
.venv/bin/ruff format --check bot tests bench
.venv/bin/mypy

echo "== content check"
.venv/bin/python -m bot content check

echo "== rasa data validate"
.venv/bin/rasa data validate --config config.yml --domain domain.yml --data bot/data --fail-on-warnings > test-artifacts/validate.log 2>&1 \
  || { tail -n 40 test-artifacts/validate.log; exit 1; }

echo "== conversation tests (rasa test core --fail-on-prediction-errors)"
.venv/bin/rasa test core --model models/mfbot.tar.gz --stories tests/conversations --fail-on-prediction-errors \
  --out test-artifacts/conversations > test-artifacts/conversations.log 2>&1 \
  || { tail -n 40 test-artifacts/conversations.log; cat test-artifacts/conversations/failed_test_stories.yml; exit 1; }
grep -q "None of the test stories failed" test-artifacts/conversations/failed_test_stories.yml

echo "== pytest"
# Exit code 5 (no tests collected) is a failure too: set -e stops on any non-zero code.
rm -f .coverage
# pytest-xdist: one worker per CPU (at most 4; each may run a Rasa stack), a test package whole on one worker
# (tests/conftest.py marks each test with its package) so a package's stack still starts once.
.venv/bin/pytest -n auto --maxprocesses="${TEST_WORKERS:-4}" --dist loadgroup \
  --cov --cov-report=html:test-artifacts/coverage --cov-report= "$@"
