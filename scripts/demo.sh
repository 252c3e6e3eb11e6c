#!/usr/bin/env bash
# The main job: set up, build the demo site from the bundled sample outlets, and serve it.
# Extra arguments go to `build.py demo` (e.g. --no-serve, --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python build.py demo "$@"
