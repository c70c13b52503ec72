#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the whole test suite. pytest's exit code 5
# ("no tests collected") is an error here: a suite that runs nothing proves nothing.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit $?
.venv/bin/python -m pytest "$@"
code=$?
if [ "$code" -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
exit "$code"
