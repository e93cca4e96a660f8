#!/usr/bin/env bash
# Set up, then run every check: lint, types, unit tests, real-model tests, app tests.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh "multilingual,dev"
.venv/bin/ruff check assistant tests scripts
.venv/bin/mypy assistant
.venv/bin/python -m pytest -q "$@"
