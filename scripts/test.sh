#!/usr/bin/env bash
# Set up (with the test extras and Chromium) and run the whole test suite.
# Extra arguments go to pytest (e.g. -k tagger, -x).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [[ $status -eq 5 ]]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
exit $status
