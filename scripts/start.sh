#!/usr/bin/env bash
# Set up (first run only takes minutes), build the index if missing or stale, and open the app
# on http://127.0.0.1:7860 . Extra arguments go to `assistant serve` (e.g. --port 8000).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh multilingual,fast,rerank
exec .venv/bin/assistant serve "$@"
