"""scripts/setup.sh, run by both README commands: once installed, a start needs no network.

A laptop set up at the office must start at a venue without internet: pip, even asked to
reinstall the project in place, needs the package index, so a second run with the same pins and
extras must not call pip at all. Checked with a stand-in for the venv's Python whose `-m pip`
only records its arguments (nothing is installed, nothing is downloaded).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from assistant.config import PROJECT_ROOT

FAKE_PYTHON = """#!/usr/bin/env bash
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then
    echo "pip $*" >> "$(dirname "$0")/../pip-calls.log"
    exit 0
fi
exec {python} "$@"
"""


def _project(tmp_path: Path) -> Path:
    """A copy of what setup.sh reads, with a .venv whose pip is a recorder."""
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "pyproject.toml", project / "pyproject.toml")
    shutil.copy(PROJECT_ROOT / "scripts" / "setup.sh", project / "scripts" / "setup.sh")
    python = project / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_PYTHON.format(python=sys.executable))
    python.chmod(0o755)
    return project


def _setup(project: Path, *args: str, force: bool = False) -> int:
    """Run setup.sh; returns how many pip calls it made."""
    log = project / ".venv" / "pip-calls.log"
    before = len(log.read_text().splitlines()) if log.exists() else 0
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project)} | ({"SETUP_FORCE": "1"} if force else {})
    subprocess.run(["bash", "scripts/setup.sh", *args], cwd=project, env=env, check=True, timeout=120)
    return (len(log.read_text().splitlines()) if log.exists() else 0) - before


def test_a_second_start_calls_no_pip_and_a_change_of_pins_installs_again(tmp_path: Path) -> None:
    project = _project(tmp_path)
    assert _setup(project, "multilingual,fast,rerank") == 3  # pip itself, torch, the project
    assert _setup(project, "multilingual,fast,rerank") == 0  # no network needed to start again
    assert _setup(project, "multilingual,fast,rerank,dev") == 3  # other extras: installed
    assert _setup(project, "multilingual,fast,rerank") == 0  # both sets stay installed
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n# a new pin\n")
    assert _setup(project, "multilingual,fast,rerank") == 3  # pulled new pins: installed again
    assert _setup(project, "multilingual,fast,rerank", force=True) == 3  # SETUP_FORCE=1
