#!/usr/bin/env bash
# On a machine with network: write DIR with everything a laptop without network needs to serve the
# app (README: "Setting up a laptop with no network"): every wheel, built from pyproject.toml's pins
# with the extras start.sh serves with (sdists are built into wheels here, so the laptop builds
# nothing), the build backend and pip, the project's source, and the built index (set up with
# setup.sh and built first when missing or stale). Then, on the laptop: ./scripts/start.sh --from DIR
#
# --project-only (for tests): the pins, the build backend, pip and the source only; no dependencies
# and no index, so it is quick, and start.sh --from refuses it.
set -euo pipefail
MODE=full
if [ "${1:-}" = "--project-only" ]; then
    MODE=project-only
    shift
fi
if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: ./scripts/bundle.sh [--project-only] DIR" >&2
    exit 2
fi
mkdir -p "$1"
DIR="$(cd "$1" && pwd)"
cd "$(dirname "$0")/.."
if [ -n "$(ls -A "$DIR")" ] && [ ! -e "$DIR/BUNDLE.json" ] && [ ! -d "$DIR/wheels" ]; then
    echo "error: $DIR is not empty and holds no bundle: give a new folder" >&2
    exit 1
fi
rm -f "$DIR/BUNDLE.json"  # written last: a bundle cut short is incomplete for start.sh

if [ "$MODE" = full ]; then
    ./scripts/setup.sh multilingual,fast,rerank
    PY=.venv/bin/python  # the app's own interpreter: its wheels are the ones the laptop needs
else
    PY="${PYTHON:-python3}"
fi
PIP=("$PY" -m pip --quiet)

"$PY" scripts/bundle.py pins >"$DIR/requirements.txt"
"$PY" scripts/bundle.py tools >"$DIR/build-requirements.txt"
mkdir -p "$DIR/wheels"
echo "Collecting wheels into $DIR/wheels ..."
"${PIP[@]}" wheel --wheel-dir "$DIR/wheels" -r "$DIR/build-requirements.txt"
if [ "$MODE" = full ]; then
    "${PIP[@]}" wheel --wheel-dir "$DIR/wheels" -r "$DIR/requirements.txt"
    if compgen -G "$DIR/wheels/nvidia_*.whl" >/dev/null; then
        echo "Warning: the bundle holds CUDA packages (nvidia_*): torch is not the CPU build and the bundle is GBs larger." >&2
    fi
fi

if git rev-parse --git-dir >/dev/null 2>&1; then
    git archive --format=tar.gz --prefix=ppp-report-assistant/ -o "$DIR/source.tar.gz" HEAD
    if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
        echo "Note: uncommitted changes are not in source.tar.gz (it is the last commit, $(git rev-parse --short HEAD))." >&2
    fi
else
    tar -czf "$DIR/source.tar.gz" --exclude=./.venv --exclude=./index --exclude="./$(basename "$DIR")" \
        --exclude=__pycache__ --exclude='*.egg-info' --transform 's,^\.,ppp-report-assistant,' .
fi

if [ "$MODE" = full ]; then
    INDEX_DIR="${ASSISTANT_INDEX_DIR:-index}"
    .venv/bin/assistant build  # builds only when missing or stale; exports the ONNX graph once
    rm -rf "$DIR/index"
    mkdir -p "$DIR/index"
    (cd "$INDEX_DIR" && tar -cf - --exclude='.staging-*' --exclude='.export-*' --exclude='.sidecar-*' .) |
        (cd "$DIR/index" && tar -xf -)
fi

"$PY" scripts/bundle.py manifest "$DIR" "$MODE"
echo "Bundle written: $DIR ($(du -sh "$DIR" | cut -f1)). See $DIR/README.txt; on the laptop: ./scripts/start.sh --from $DIR"
