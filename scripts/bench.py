#!/usr/bin/env python
"""The performance benchmark: the same as ``assistant bench`` (see ``--help``)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's package first

from assistant.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
