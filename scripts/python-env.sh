#!/usr/bin/env bash
# Create .venv with Python 3.10 and install exactly the locked packages (skipped when the locks have not changed).
# `run` (default): requirements.lock, what the bot needs. `dev`: that plus requirements-dev.lock (test and lint tools).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}
run_stamp=.venv/.lock-run-$(sha256sum requirements.lock | cut -c1-16)
dev_stamp=.venv/.lock-dev-$(cat requirements.lock requirements-dev.lock | sha256sum | cut -c1-16)
case "$mode" in
  run) [ -f "$run_stamp" ] || [ -f "$dev_stamp" ] && exit 0; locks=(requirements.lock); stamp=$run_stamp ;;
  dev) [ -f "$dev_stamp" ] && exit 0; locks=(requirements.lock requirements-dev.lock); stamp=$dev_stamp ;;
  *) echo "usage: $0 [run|dev]" >&2; exit 2 ;;
esac
pick_python() {
  for cand in "$(command -v pyenv >/dev/null 2>&1 && pyenv root 2>/dev/null)/versions/$(cat .python-version)/bin/python" \
              "$(command -v python3.10 || true)"; do
    [ -n "$cand" ] && [ -x "$cand" ] && "$cand" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo "$cand"; return; }
  done
  if command -v pyenv >/dev/null 2>&1; then pyenv install -s "$(cat .python-version)" >&2 && echo "$(pyenv root)/versions/$(cat .python-version)/bin/python" && return; fi
  echo "Python 3.10 not found: install it (pyenv install $(cat .python-version)) and retry." >&2; exit 1
}
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
  rm -rf .venv
  "$(pick_python)" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check "uv==0.13.9"
.venv/bin/uv pip sync -q --python .venv/bin/python "${locks[@]}"
.venv/bin/uv pip install -q --python .venv/bin/python --no-deps -e .
rm -f .venv/.lock-*
touch "$stamp"
