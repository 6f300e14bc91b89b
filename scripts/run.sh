#!/usr/bin/env bash
# Runs a command with a supported Node.js first on PATH (see node-env.sh).
set -euo pipefail
. "$(dirname "$0")/node-env.sh"
exec "$@"
