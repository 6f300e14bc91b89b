#!/usr/bin/env bash
# One command from a fresh clone to a running Dossier on the embedded database:
# a supported Node.js, the npm packages, then `dossier start` (initialises ./data on first run).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node-env.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
exec node src/cli/main.ts start
