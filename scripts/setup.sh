#!/usr/bin/env bash
# Set up everything the project needs on a fresh Debian machine (idempotent, quick when done):
# a virtualenv in .venv with the project's packages, a JDK when `java` is missing, and with
# --test also Chromium (Debian's package) for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

apt_install() {
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  say "installing with apt-get: $*"
  if [[ ! -f /tmp/.jiyeok-apt-updated ]]; then
    $sudo apt-get update -qq && touch /tmp/.jiyeok-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

PYTHON=${PYTHON:-}
if [[ -z "$PYTHON" ]]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      PYTHON=$candidate; break
    fi
  done
fi
[[ -n "$PYTHON" ]] || { echo "Python 3.11 or newer is required" >&2; exit 1; }

command -v java >/dev/null || apt_install default-jdk-headless
command -v npm >/dev/null || apt_install nodejs npm
if [[ $want_test == 1 ]] && [[ ! -x /usr/bin/chromium ]]; then
  apt_install chromium fonts-noto-cjk
fi

if [[ ! -x .venv/bin/python ]]; then
  say "creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed
[[ $want_test == 1 ]] && stamp=.venv/.installed-test
digest=$(sha1sum pyproject.toml | cut -c1-12)
installed() { [[ -f "$1" ]] && [[ "$(cat "$1")" == "$digest" ]]; }
# The test install is a superset of the runtime one.
if installed "$stamp" || { [[ $want_test == 0 ]] && installed .venv/.installed-test; }; then
  :
else
  say "installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  # Install the dependencies listed in pyproject.toml (the project itself runs from its folder).
  .venv/bin/python - "$want_test" > .venv/requirements.txt <<'PY'
import sys, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
wanted = project["dependencies"] + (project["optional-dependencies"]["test"] if sys.argv[1] == "1" else [])
print("\n".join(wanted))
PY
  .venv/bin/python -m pip install -q -r .venv/requirements.txt
  echo "$digest" > "$stamp"
fi

# The pinned npm tools (package-lock.json): Pagefind for the search index, axe-core for the tests.
# Pagefind's binary comes from the npm registry too, as its optional platform package.
npm_digest=$(sha1sum package-lock.json | cut -c1-12)
if [[ ! -f node_modules/.installed ]] || [[ "$(cat node_modules/.installed)" != "$npm_digest" ]]; then
  say "installing the pinned npm packages (pagefind, axe-core) into node_modules"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  echo "$npm_digest" > node_modules/.installed
fi
