#!/usr/bin/env bash
# Create .venv with Python 3.10 and install exactly requirements.lock (skipped when the lock has not changed).
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.lock-$(sha256sum requirements.lock | cut -c1-16)
[ -f "$stamp" ] && exit 0
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
.venv/bin/uv pip sync -q --python .venv/bin/python requirements.lock
.venv/bin/uv pip install -q --python .venv/bin/python --no-deps -e .
rm -f .venv/.lock-*
touch "$stamp"
