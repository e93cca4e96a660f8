#!/usr/bin/env bash
# Set up (first run only takes minutes), build the index if missing or stale, and open the app
# on http://127.0.0.1:7860 . Extra arguments go to `assistant serve` (e.g. --port 8000).
# --from DIR: set up from a bundle made by scripts/bundle.sh, with no network (no package index):
# packages from DIR/wheels alone, and DIR/index put in place when the project has no index yet.
set -euo pipefail
BUNDLE=""
ARGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --from)
            if [ -z "${2:-}" ]; then
                echo "error: --from needs a folder: one made by ./scripts/bundle.sh DIR on a machine with network" >&2
                exit 1
            fi
            BUNDLE="$2"
            shift 2
            ;;
        --from=*) BUNDLE="${1#--from=}"; shift ;;
        *) ARGS+=("$1"); shift ;;
    esac
done
case "$BUNDLE" in "" | /*) ;; *) BUNDLE="$PWD/$BUNDLE" ;; esac  # as given, before the cd below
if [ -d "$BUNDLE" ]; then
    BUNDLE="$(cd "$BUNDLE" && pwd)"
fi
cd "$(dirname "$0")/.."
if [ -z "$BUNDLE" ]; then
    ./scripts/setup.sh multilingual,fast,rerank
else
    # The Python that will run the app: the venv's, or the one setup.sh makes it with.
    PY=.venv/bin/python
    [ -x "$PY" ] || PY="${PYTHON:-python3}"
    "$PY" scripts/bundle.py check "$BUNDLE"
    ./scripts/setup.sh multilingual,fast,rerank "$BUNDLE/wheels"
    INDEX_DIR="${ASSISTANT_INDEX_DIR:-index}"
    if [ ! -e "$INDEX_DIR/CURRENT" ]; then
        echo "Putting the bundle's index in $INDEX_DIR (the app rebuilds it if the corpus differs)."
        mkdir -p "$INDEX_DIR"
        cp -R "$BUNDLE/index/." "$INDEX_DIR/"
    fi
fi
exec .venv/bin/assistant serve ${ARGS[@]+"${ARGS[@]}"}
