#!/usr/bin/env bash
# Set up, then run every check: lint, types, unit tests, real-model tests, app tests through the
# web API, and end-to-end tests in headless Chromium (installed here from Debian when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh "multilingual,fast,rerank,dev"
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
        echo "Installing Debian's chromium for the browser tests..."
        apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null
    else
        echo "No /usr/bin/chromium: the browser tests will fail. Install it: sudo apt-get install -y chromium chromium-driver" >&2
    fi
fi
.venv/bin/ruff check assistant tests scripts
.venv/bin/mypy assistant tests scripts
.venv/bin/python -m pytest -q "$@"
