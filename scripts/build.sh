#!/usr/bin/env bash
# Set up (scripts/setup.sh) and build every manuscript in manuscript/ into output/<slug>/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/doit "$@"
