"""The offline bundle: scripts/bundle.sh writes it, scripts/start.sh --from DIR installs from it.

A full bundle is about a GB and takes minutes (README, "Setting up a laptop with no network"), too
much for every push, so these tests make a ``--project-only`` one: the pins, the build backend
(setuptools), pip and the project's source, no dependencies and no index. What they check is what
breaks a laptop with no network: the pins differ from pyproject's, the project cannot be installed
without an index, or start.sh --from fails with something other than the command to run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path
from platform import libc_ver

import pytest

from assistant.config import PROJECT_ROOT

BUNDLE_SH = PROJECT_ROOT / "scripts" / "bundle.sh"
START_SH = PROJECT_ROOT / "scripts" / "start.sh"
SERVED_EXTRAS = ("multilingual", "fast", "rerank")  # start.sh's


def _offline_env() -> dict[str, str]:
    """This environment with pip's configuration and index switched off, as on a laptop with no network."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PIP_")}
    return {**env, "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1"}


@pytest.fixture(scope="module")
def small_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bundle") / "offline"
    done = subprocess.run(
        [str(BUNDLE_SH), "--project-only", str(folder)],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return folder


@pytest.mark.bundle
def test_the_bundle_pins_exactly_pyprojects_dependencies_and_served_extras(small_bundle: Path) -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    expected = set(project["dependencies"])
    for extra in SERVED_EXTRAS:
        expected |= set(project["optional-dependencies"][extra])
    pinned = (small_bundle / "requirements.txt").read_text("utf-8").split()
    assert sorted(pinned) == sorted(expected)  # each once
    assert "torch==2.13.0" in pinned  # any other torch pulls the multi-GB CUDA build
    assert not set(project["optional-dependencies"]["dev"]) & set(pinned)


@pytest.mark.bundle
def test_the_bundle_says_what_it_is_and_how_to_start(small_bundle: Path) -> None:
    manifest = json.loads((small_bundle / "BUNDLE.json").read_text("utf-8"))
    assert manifest["python"] == f"{sys.version_info.major}.{sys.version_info.minor}"
    assert manifest["mode"] == "project-only"
    readme = (small_bundle / "README.txt").read_text("utf-8")
    assert f"Python {manifest['python']}" in readme
    assert "./scripts/start.sh --from" in readme


@pytest.mark.bundle
def test_the_project_installs_from_the_bundle_with_no_index(small_bundle: Path, tmp_path: Path) -> None:
    """As start.sh --from does (an editable install of the source, built with the bundled
    setuptools), without the dependencies, which a --project-only bundle does not hold."""
    with tarfile.open(small_bundle / "source.tar.gz") as archive:
        archive.extractall(tmp_path, filter="data")
    source = tmp_path / "ppp-report-assistant"
    assert (source / "scripts" / "start.sh").is_file()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)

    def install(wheels: Path) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet"]
        command += ["--no-index", "--find-links", str(wheels), "--no-deps", "-e", str(source)]
        return subprocess.run(command, env=_offline_env(), capture_output=True, text=True, timeout=300)

    empty = tmp_path / "empty"
    empty.mkdir()
    without = install(empty)  # the control: no index is reached, so without the bundle it fails
    assert without.returncode != 0
    assert "setuptools" in without.stderr

    done = install(small_bundle / "wheels")
    assert done.returncode == 0, done.stderr
    assert (venv / "bin" / "assistant").is_file()
    version = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import importlib.metadata as m; print(m.version('ppp-report-assistant'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.strip() == "0.1.0"


def _start(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(START_SH), *args], capture_output=True, text=True, timeout=60, env=_offline_env())


def _start_python() -> tuple[str, str]:
    """The version and platform of the Python start.sh checks a bundle with."""
    venv_python = PROJECT_ROOT / ".venv" / "bin" / "python"
    python = venv_python if venv_python.exists() else Path(os.environ.get("PYTHON", "python3"))
    describe = "import sys, sysconfig; print(f'{sys.version_info[0]}.{sys.version_info[1]}', sysconfig.get_platform())"
    version, platform = subprocess.run([str(python), "-c", describe], capture_output=True, text=True).stdout.split()
    return version, platform


def _fake_full_bundle(folder: Path, **changes: object) -> Path:
    """A bundle whose manifest says it is complete for this Python, holding one wheel of 10 bytes."""
    (folder / "wheels").mkdir(parents=True)
    (folder / "wheels" / "torch-2.13.0-cp311-none-any.whl").write_bytes(b"0123456789")
    version, platform = _start_python()
    manifest: dict[str, object] = {"mode": "full", "python": version, "platform": platform, "glibc": "2.28"}
    manifest["files"] = {"wheels/torch-2.13.0-cp311-none-any.whl": 10}
    (folder / "BUNDLE.json").write_text(json.dumps({**manifest, **changes}), "utf-8")
    return folder


REMAKE = "make it on a machine with network, in the project: ./scripts/bundle.sh {dir}"


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda tmp: tmp / "nowhere", "no bundle at {dir}: " + REMAKE),
        (lambda tmp: tmp, "{dir} is not a complete bundle (no readable BUNDLE.json): " + REMAKE),
        (
            lambda tmp: _fake_full_bundle(tmp, python="3.10"),
            "{dir} was made for Python 3.10 on {platform} and this is Python {python} on {platform}: start with "
            "that Python (PYTHON=python3.10 ./scripts/start.sh --from {dir}, with no .venv yet), or make a bundle "
            "with this one",
        ),
        (
            lambda tmp: _fake_full_bundle(tmp, glibc="99.0"),
            "{dir} needs glibc 99.0 or newer (its wheels are built for it) and this system has {glibc}: "
            "start it on a newer Linux",
        ),
        (
            lambda tmp: _fake_full_bundle(tmp, files={"wheels/torch-2.13.0-cp311-none-any.whl": 900_000_000}),
            "{dir} is incomplete (wheels/torch-2.13.0-cp311-none-any.whl is truncated): copy it again, or " + REMAKE,
        ),
        (
            lambda tmp: _fake_full_bundle(tmp, files={"index/CURRENT": 20}),
            "{dir} is incomplete (index/CURRENT is missing): copy it again, or " + REMAKE,
        ),
    ],
    ids=["missing", "not-a-bundle", "other-python", "old-glibc", "truncated-wheel", "missing-index"],
)
def test_start_from_a_missing_or_incomplete_bundle_says_what_to_run(make, expected: str, tmp_path: Path) -> None:
    folder = make(tmp_path)
    done = _start("--from", str(folder), "--port", "7999")
    assert done.returncode == 1
    python, platform = _start_python()
    glibc = libc_ver()[1]
    assert done.stderr == "error: " + expected.format(dir=folder, python=python, platform=platform, glibc=glibc) + "\n"
    assert done.stdout == ""  # refused before setting anything up


def test_start_from_without_a_folder_says_what_to_give() -> None:
    done = _start("--from")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "error: --from needs a folder: one made by ./scripts/bundle.sh DIR on a machine with network"
    )


@pytest.mark.bundle
def test_start_refuses_a_project_only_bundle(small_bundle: Path) -> None:
    done = _start("--from", str(small_bundle))
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"error: {small_bundle} was made with --project-only (no dependencies, no index): "
        f"make it on a machine with network, in the project: ./scripts/bundle.sh {small_bundle}"
    )
