#!/usr/bin/env bash
# Create .venv and install the assistant with everything it needs, offline-safe models included.
# torch is installed first and pinned (2.13.0, CPU build): any other version pulls a multi-GB CUDA build.
# A second argument, a folder of wheels (a bundle's wheels/, see scripts/bundle.sh), installs from
# that folder alone, without any package index.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
EXTRAS="${1:-multilingual,fast,rerank}"
SOURCE=()  # where pip looks: its index (as configured) unless a folder is given
if [ -n "${2:-}" ]; then
    SOURCE=(--no-index --find-links "$2")
fi
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet ${SOURCE[@]+"${SOURCE[@]}"} --upgrade pip
.venv/bin/python -m pip install --quiet ${SOURCE[@]+"${SOURCE[@]}"} "torch==2.13.0"
.venv/bin/python -m pip install --quiet ${SOURCE[@]+"${SOURCE[@]}"} -e ".[${EXTRAS}]"
