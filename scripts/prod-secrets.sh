#!/usr/bin/env bash
# Create (or complete) the production env file with generated secrets: SECRET_KEY, RASA_TOKEN, ACTION_SERVER_TOKEN.
# Usage: scripts/prod-secrets.sh   (file: $PROD_ENV_FILE, default $PROD_DIR/prod.env, default var/prod/prod.env)
# Existing values are never replaced: resume codes and staff sign-ins depend on SECRET_KEY staying the same.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROD_DIR="${PROD_DIR:-$ROOT/var/prod}"
ENV_FILE="${PROD_ENV_FILE:-$PROD_DIR/prod.env}"
mkdir -p "$(dirname "$ENV_FILE")"
touch "$ENV_FILE"
chmod 600 "$ENV_FILE"
for key in SECRET_KEY RASA_TOKEN ACTION_SERVER_TOKEN; do
  if grep -q "^$key=." "$ENV_FILE"; then
    echo "prod-secrets: $key already set in $ENV_FILE"
  else
    echo "$key=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" >>"$ENV_FILE"
    echo "prod-secrets: generated $key in $ENV_FILE"
  fi
done
