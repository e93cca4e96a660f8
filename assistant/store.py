"""The index on disk: a folder of plain files with a manifest, written atomically.

Layout of ``index/``::

    CURRENT                  name of the live build folder (replaced atomically)
    build-<id>/manifest.json model, corpus hash, parser version, dimension, count, file hashes
    build-<id>/chunks.jsonl  one Chunk per line
    build-<id>/dense.faiss   FAISS inner-product index of unit vectors
    build-<id>/units.faiss   optional approximate (IVF) index of passage and sentence vectors,
                             kept only for large corpora where it is slow to rebuild at start
    build-<id>/<extra>.npy   optional cached vectors (e.g. the multilingual model's)

A build is written to a fresh folder and only then named in CURRENT, so an
interrupted build leaves the previous index in service. Every file's sha256 is in
the manifest: a truncated or edited file is detected at load and never served.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import IndexCorrupt, IndexMissing, IndexStale, IndexUnwritable
from .records import Chunk

FORMAT_VERSION = 1
REBUILD_HINT = "Run: assistant build --force"


@dataclass
class Index:
    """Chunks with their dense vectors and the manifest that says what they were built from."""

    chunks: list[Chunk]
    vectors: np.ndarray  # (n, d) float32, unit length; kept for reranking and tests
    manifest: dict[str, Any]
    extra_vectors: dict[str, np.ndarray] = field(default_factory=dict)
    units_index: Any = None  # the retriever's search index when saved with the build (large corpora)
    _flat: Any = field(default=None, repr=False)

    @property
    def faiss_index(self) -> Any:
        """A flat FAISS index of ``vectors``, made on first use: serving never needs this copy."""
        if self._flat is None:
            self._flat = _flat_index(self.vectors)
        return self._flat


def _flat_index(vectors: np.ndarray) -> Any:
    import faiss

    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_json_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    temporary.write_text(text, encoding="utf-8")
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def current_build(index_dir: Path) -> Path:
    pointer = index_dir / "CURRENT"
    if not pointer.is_file():
        raise IndexMissing(f"No index found in {index_dir}.", "Run: assistant build")
    name = pointer.read_text(encoding="utf-8").strip()
    build = index_dir / name
    if not name.startswith("build-") or not build.is_dir():
        raise IndexCorrupt(f"The index pointer {pointer} names a missing build ({name!r}).", REBUILD_HINT)
    return build


def save_index(index_dir: Path, index: Index) -> Path:
    """Write ``index`` as a new build and switch CURRENT to it; old builds are removed after."""
    import faiss

    build = index_dir / f"build-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
    staging = index_dir / f".staging-{build.name}"
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
    except OSError as error:
        raise _unwritable(index_dir, error) from error
    try:
        with (staging / "chunks.jsonl").open("w", encoding="utf-8") as handle:
            for chunk in index.chunks:
                handle.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
        flat = index._flat if index._flat is not None else _flat_index(index.vectors)
        faiss.write_index(flat, str(staging / "dense.faiss"))
        if index.units_index is not None:
            faiss.write_index(index.units_index, str(staging / "units.faiss"))
        for name, vectors in index.extra_vectors.items():
            np.save(staging / f"{name}.npy", vectors.astype(np.float32), allow_pickle=False)
        files = {p.name: _sha256(p) for p in sorted(staging.iterdir())}
        manifest = {**index.manifest, "format": FORMAT_VERSION, "files": files}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        os.replace(staging, build)
        _write_json_atomic(index_dir / "CURRENT", build.name + "\n")
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(build, ignore_errors=True)  # CURRENT was not switched to it
        raise _unwritable(index_dir, error) from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    index.manifest = manifest
    for old in index_dir.iterdir():
        if old.is_dir() and old != build and old.name.startswith(("build-", ".staging-")):
            shutil.rmtree(old, ignore_errors=True)
    return build


def _unwritable(index_dir: Path, error: OSError) -> IndexUnwritable:
    return IndexUnwritable(
        f"Could not write the index in {index_dir}: {error.strerror or error}. The previous index, if any, "
        "is unchanged.",
        "Free some disk space, or keep the index in a writable folder: "
        "assistant --index-dir DIR build (or set ASSISTANT_INDEX_DIR).",
    )


def read_manifest(index_dir: Path) -> dict[str, Any]:
    build = current_build(index_dir)
    try:
        manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise IndexCorrupt(f"The index manifest in {build} is unreadable ({error}).", REBUILD_HINT) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        raise IndexStale(f"The index in {build} has an old format.", REBUILD_HINT)
    return manifest


def check_fresh(manifest: dict[str, Any], expected: dict[str, Any]) -> None:
    """Raise IndexStale naming the first field (corpus, parser, model) that differs."""
    for key, value in expected.items():
        if manifest.get(key) != value:
            raise IndexStale(
                f"The index is stale: its {key.replace('_', ' ')} differs from the current one.",
                "Run: assistant build",
            )


def load_index(index_dir: Path) -> Index:
    """Load the live build, verifying every file against the manifest."""
    import faiss

    manifest = read_manifest(index_dir)
    build = current_build(index_dir)
    files = manifest.get("files", {})
    for name in ("chunks.jsonl", "dense.faiss"):
        if name not in files:
            raise IndexCorrupt(f"The index manifest in {build} does not list {name}.", REBUILD_HINT)
    for name, digest in files.items():
        path = build / name
        if not path.is_file() or _sha256(path) != digest:
            raise IndexCorrupt(f"The index file {path} is missing, truncated or changed.", REBUILD_HINT)
    try:
        lines = (build / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
        chunks = [Chunk.from_dict(json.loads(line)) for line in lines if line.strip()]
        faiss_index = faiss.read_index(str(build / "dense.faiss"))
        vectors = faiss_index.reconstruct_n(0, faiss_index.ntotal)
        extra = {p.stem: np.load(p, allow_pickle=False) for p in build.glob("*.npy")}
        units = faiss.read_index(str(build / "units.faiss")) if "units.faiss" in files else None
    except (ValueError, TypeError, KeyError, RuntimeError) as error:
        raise IndexCorrupt(f"The index in {build} cannot be read ({error}).", REBUILD_HINT) from error
    if len(chunks) != faiss_index.ntotal or len(chunks) != manifest.get("count"):
        raise IndexCorrupt(
            f"The index in {build} has {len(chunks)} chunks for {faiss_index.ntotal} vectors.", REBUILD_HINT
        )
    if faiss_index.d != manifest.get("dimension"):
        raise IndexCorrupt(
            f"The index in {build} has dimension {faiss_index.d}, its manifest says otherwise.", REBUILD_HINT
        )
    return Index(chunks, np.asarray(vectors, dtype=np.float32), manifest, extra, units)
