#!/usr/bin/env bash
# `make bench`: (1) SMS segments and minutes per complete activity, (2) the full load test against the production profile
# (200 participants, one Rasa replica and one action server killed mid-run and restarted), (3) our bot against a
# stock `rasa init` bot side by side, with one table of figures, targets and PASS/FAIL. Reports go to var/bench/.
# Knobs: LOAD_PARTICIPANTS (200), BENCH_ARGS (extra bench/benchmark.py arguments), BENCH_SKIP_LOAD=1.
# Exit status 1 when a step fails or a target is missed (everything is still printed).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT="$(pwd)/var/bench"
mkdir -p "$OUT"
rm -f "$OUT/load.json"
export SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=3 PYTHONUNBUFFERED=1 RASA_TELEMETRY_ENABLED=false
status=0

echo "== 1/3 SMS segments per complete activity (bench/sms_segments.py)"
$PY bench/sms_segments.py | tee "$OUT/sms.txt" || status=1
echo
echo "== Minutes per complete activity on a phone (bench/activity_time.py)"
$PY -m bench.activity_time | tee "$OUT/activity_time.txt" || status=1

load_report=()
if [ "${BENCH_SKIP_LOAD:-0}" != 1 ]; then
  echo
  echo "== 2/3 Load test: ${LOAD_PARTICIPANTS:-200} participants against a private production profile, with replica kills"
  if bash scripts/prod-load-test.sh --json "$OUT/load.json" | tee "$OUT/load.txt"; then :; else status=1; fi
  [ -f "$OUT/load.json" ] && load_report=(--load-report "$OUT/load.json")
fi

echo
echo "== 3/3 Our bot against a stock 'rasa init' bot (bench/benchmark.py)"
# shellcheck disable=SC2086
$PY bench/benchmark.py --sms-report "$OUT/sms.txt" "${load_report[@]}" --json "$OUT/benchmark.json" ${BENCH_ARGS:-} \
  | tee "$OUT/benchmark.txt" || status=1
echo
echo "Reports: $OUT (sms.txt, activity_time.txt, load.txt, load.json, benchmark.txt, benchmark.json)"
exit "$status"
