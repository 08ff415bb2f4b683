#!/usr/bin/env bash
# Install the Debian packages a profile needs, skipping what is already there.
# Usage: scripts/system-deps.sh run|test|prod
set -euo pipefail
profile="${1:-run}"
case "$profile" in
  run)  pkgs=(git make libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core) ;;  # Pango and a font: WeasyPrint (summary PDFs)
  test) pkgs=(git make libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core chromium nodejs npm postgresql redis-server nginx) ;;
  prod) pkgs=(git make libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core postgresql redis-server nginx) ;;
  *) echo "unknown profile: $profile" >&2; exit 2 ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  if [ "$p" = nodejs ] || [ "$p" = npm ]; then
    command -v "${p/nodejs/node}" >/dev/null 2>&1 && continue
  fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts these services on install; the project starts its own instances when it needs them.
for svc in postgresql redis-server nginx; do
  if printf '%s\n' "${missing[@]}" | grep -qx "$svc"; then $SUDO service "$svc" stop >/dev/null 2>&1 || true; fi
done
