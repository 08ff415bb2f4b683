#!/usr/bin/env bash
# Install the test tools in package-lock.json (axe-core) with `npm ci`, skipped when the lock has not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f package-lock.json ] || exit 0
if ! command -v npm >/dev/null 2>&1; then
  # Only the browser tests need these packages: running the bot does not, so this is a note, not a failure.
  echo "npm is not installed: skipping the test tools (make setup-test installs npm and then them)." >&2; exit 0
fi
stamp=node_modules/.lock-$(sha256sum package-lock.json | cut -c1-16)
[ -f "$stamp" ] && exit 0
npm ci --no-audit --no-fund --loglevel=error
rm -f node_modules/.lock-*
touch "$stamp"
