"""The data side of an offline bundle (scripts/bundle.sh makes one, scripts/start.sh --from uses it).

Standard library only, so it runs before a venv exists: ``check`` with any Python 3 (to tell an
older one which Python the bundle needs), the rest with 3.11+ (tomllib), like the project.

    python scripts/bundle.py pins [EXTRAS]     the app's pins from pyproject.toml, one a line
    python scripts/bundle.py tools             what installing the project from source needs (build backend, pip)
    python scripts/bundle.py manifest DIR MODE write DIR/BUNDLE.json and DIR/README.txt (MODE: full or project-only)
    python scripts/bundle.py check DIR         exit 1 with one line saying what to run unless DIR serves this Python
"""

from __future__ import annotations

import json
import platform
import re
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXTRAS = "multilingual,fast,rerank"  # what start.sh installs and serves with
SOURCE_ARCHIVE = "source.tar.gz"
MANIFEST = "BUNDLE.json"


class BundleError(Exception):
    """A bundle that cannot be used here; the message says what to run."""


def pyproject(root: Path = PROJECT_ROOT) -> dict:
    import tomllib  # Python 3.11+, like the project; ``check`` must run on older ones to say so

    return tomllib.loads((root / "pyproject.toml").read_text("utf-8"))


def pins(extras: str = EXTRAS, root: Path = PROJECT_ROOT) -> list[str]:
    """The project's dependencies and those of ``extras``, in pyproject's order, each once."""
    project = pyproject(root)["project"]
    optional = project.get("optional-dependencies", {})
    found: list[str] = list(project["dependencies"])
    for extra in filter(None, extras.split(",")):
        if extra not in optional:
            raise BundleError(f"pyproject.toml defines no extra {extra!r} (it has: {', '.join(optional)})")
        found += optional[extra]
    return list(dict.fromkeys(found))


def tools(root: Path = PROJECT_ROOT) -> list[str]:
    """The build backend pip needs to install the project from source (an editable install, as
    setup.sh does), and the pip that made the bundle (setup.sh upgrades pip first)."""
    from importlib.metadata import version

    return [*pyproject(root)["build-system"]["requires"], f"pip=={version('pip')}"]


def _here() -> dict[str, str]:
    return {
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "platform": sysconfig.get_platform(),
    }


def _glibc_needed(wheels: Path) -> str | None:
    """The oldest glibc that every wheel installs on: a wheel tagged manylinux_2_27 and _2_28
    needs 2.27, and the bundle needs the newest of these."""
    needed = [
        min((int(major), int(minor)) for major, minor in tags)
        for wheel in wheels.glob("*.whl")
        if (tags := re.findall(r"manylinux_(\d+)_(\d+)_", wheel.name))
    ]
    return ".".join(map(str, max(needed))) if needed else None


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:2])


def _commit(root: Path) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()


def _sizes(folder: Path) -> dict[str, int]:
    skip = {MANIFEST, "README.txt"}
    return {
        path.relative_to(folder).as_posix(): path.stat().st_size
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name not in skip
    }


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.0f} MB"


README = """Offline bundle of the PPP report assistant ({project} {version}, commit {commit})
made {made} for Python {python} on {platform}{glibc}{partial}.

  wheels/            every package the app serves with (extras {extras}), torch {torch} CPU included
  index/             the built index (and the ONNX export of the model), as in the project's index/
  {source}     the project's source
  requirements.txt   the pins read from pyproject.toml; build-requirements.txt: setuptools and pip
  BUNDLE.json        this, for start.sh: versions and the size of every file

{size} in {count} files. On the laptop (Python {python}, no network needed), copy this folder, then

  tar xzf {source}                       # or use a copy of the project you already have
  cd {project}
  ./scripts/start.sh --from /path/to/{folder}   # any `assistant serve` options may follow

start.sh creates .venv, installs from wheels/ alone (pip --no-index), puts index/ in place if the
project has none (the app rebuilds it if the corpus changed) and opens http://127.0.0.1:7860 .
"""


def write_manifest(folder: Path, mode: str, root: Path = PROJECT_ROOT) -> dict:
    project = pyproject(root)["project"]
    sizes = _sizes(folder)
    torch_pin = next((p.split("==")[1] for p in pins(root=root) if p.startswith("torch==")), "?")
    manifest = {
        "what": "offline bundle of the PPP report assistant: start with ./scripts/start.sh --from THIS_FOLDER",
        "mode": mode,  # "project-only" bundles (tests) have no dependencies and no index
        "project": project["name"],
        "version": project["version"],
        "commit": _commit(root),
        "made": time.strftime("%Y-%m-%d %H:%M:%S"),
        **_here(),
        "glibc": _glibc_needed(folder / "wheels"),  # at least this version on the laptop (Linux wheels)
        "extras": EXTRAS,
        "pins": pins(root=root),
        "files": sizes,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
    (folder / "README.txt").write_text(
        README.format(
            project=project["name"],
            version=project["version"],
            commit=(manifest["commit"] or "unknown")[:12],
            made=manifest["made"],
            partial=" (project only: no dependencies, no index; for tests, not for a laptop)" if mode != "full" else "",
            extras=EXTRAS,
            torch=torch_pin,
            source=f"{SOURCE_ARCHIVE:<14}",
            size=_megabytes(sum(sizes.values())),
            count=len(sizes),
            folder=folder.name,
            glibc=f" (glibc {manifest['glibc']} or newer)" if manifest["glibc"] else "",
            **_here(),
        ),
        "utf-8",
    )
    return manifest


def check(folder: Path) -> dict:
    """The manifest of a complete bundle made for this Python and platform; else BundleError."""
    remake = f"make it on a machine with network, in the project: ./scripts/bundle.sh {folder}"
    if not folder.is_dir():
        raise BundleError(f"no bundle at {folder}: {remake}")
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        raise BundleError(f"{folder} is not a complete bundle (no readable {MANIFEST}): {remake}") from None
    if manifest.get("mode") != "full":
        raise BundleError(f"{folder} was made with --project-only (no dependencies, no index): {remake}")
    here = _here()
    if (manifest.get("python"), manifest.get("platform")) != (here["python"], here["platform"]):
        raise BundleError(
            f"{folder} was made for Python {manifest.get('python')} on {manifest.get('platform')} and this is "
            f"Python {here['python']} on {here['platform']}: start with that Python "
            f"(PYTHON=python{manifest.get('python')} ./scripts/start.sh --from {folder}, with no .venv yet), "
            f"or make a bundle with this one"
        )
    libc, libc_version = platform.libc_ver()
    if manifest.get("glibc") and libc == "glibc" and _version(libc_version) < _version(manifest["glibc"]):
        raise BundleError(
            f"{folder} needs glibc {manifest['glibc']} or newer (its wheels are built for it) and this system "
            f"has {libc_version}: start it on a newer Linux"
        )
    for name, size in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file() or path.stat().st_size != size:
            problem = "missing" if not path.is_file() else "truncated"
            raise BundleError(f"{folder} is incomplete ({name} is {problem}): copy it again, or {remake}")
    return manifest


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("", [])
    try:
        if command == "pins" and len(args) <= 1:
            print("\n".join(pins(args[0]) if args else pins()))
        elif command == "tools" and not args:
            print("\n".join(tools()))
        elif command == "manifest" and len(args) == 2 and args[1] in ("full", "project-only"):
            write_manifest(Path(args[0]), args[1])
        elif command == "check" and len(args) == 1:
            check(Path(args[0]))
        else:
            print(__doc__.strip(), file=sys.stderr)
            return 2
    except BundleError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
