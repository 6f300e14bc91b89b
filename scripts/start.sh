#!/usr/bin/env bash
# One command from a fresh clone to a running Dossier on the embedded database:
# a supported Node.js, the npm packages, the web apps' bundles, then `dossier start` (initialises
# ./data on first run).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node-env.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# The web apps are built once per source change (dist/ is not in git).
if [ ! -f dist/web/backoffice/index.html ] || [ ! -f dist/web/portal/index.html ] ||
  [ -n "$(find src/web package-lock.json -newer dist/web/backoffice/index.html -print -quit 2>/dev/null)" ]; then
  npm run build --silent
fi
exec node src/cli/main.ts start
