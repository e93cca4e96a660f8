#!/usr/bin/env bash
# Create .venv and install the assistant with everything it needs, offline-safe models included.
# torch is installed first and pinned (2.13.0, CPU build): any other version pulls a multi-GB CUDA build.
# A second argument, a folder of wheels (a bundle's wheels/, see scripts/bundle.sh), installs from
# that folder alone, without any package index.
# Once an install has succeeded, later runs with the same pins and extras skip pip altogether: a
# laptop set up at the office then starts at a venue with no network (pip would need the package
# index even to reinstall the project in place). SETUP_FORCE=1 installs again.
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
# What the install depends on: the pins (pyproject.toml), this script, the extras and the interpreter.
STAMP=".venv/.installed-$(cat pyproject.toml scripts/setup.sh <(echo "$EXTRAS") <(.venv/bin/python -VV) | sha256sum | cut -c1-16)"
if [ -z "${SETUP_FORCE:-}" ] && [ -e "$STAMP" ] && .venv/bin/python -c "import assistant.cli" 2>/dev/null; then
    exit 0  # installed already, with these pins and extras
fi
.venv/bin/python -m pip install --quiet ${SOURCE[@]+"${SOURCE[@]}"} --upgrade pip
.venv/bin/python -m pip install --quiet ${SOURCE[@]+"${SOURCE[@]}"} "torch==2.13.0"
.venv/bin/python -m pip install --quiet ${SOURCE[@]+"${SOURCE[@]}"} -e ".[${EXTRAS}]"
touch "$STAMP"
