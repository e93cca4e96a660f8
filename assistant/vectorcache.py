"""Per-document vectors kept between builds, so a rebuild embeds only new or changed documents.

An entry is keyed by the sha256 of everything its vectors were computed from: the models and
every text embedded for the document (passages as embedded, sentences, multilingual passages,
the document's words).
A changed parser, chunk size, model or document therefore misses the cache by construction.
Entries are ``.npz`` files in ``index/cache/``, written atomically; one that is unreadable or
has the wrong shape is ignored and recomputed, never served. Entries no build uses are pruned.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
import zipfile
from pathlib import Path

import numpy as np


def cache_key(models: list[str | None], texts: dict[str, list[str]]) -> str:
    payload = json.dumps({"models": models, "texts": texts}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class VectorCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.npz"

    def get(self, key: str, rows: dict[str, int], dimensions: dict[str, int]) -> dict[str, np.ndarray] | None:
        """The arrays stored under ``key`` when each has the expected rows and width; else None."""
        path = self._path(key)
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as stored:
                arrays = {name: np.asarray(stored[name], dtype=np.float32) for name in rows}
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return None
        for name, array in arrays.items():
            if array.ndim != 2 or array.shape[0] != rows[name] or array.shape[1] != dimensions[name]:
                return None
            if not np.isfinite(array).all():
                return None
        return arrays

    def put(self, key: str, arrays: dict[str, np.ndarray]) -> None:
        """Store ``arrays`` under ``key``; best effort: a cache that cannot be written (disk full,
        read-only folder) only means the next build embeds again."""
        temporary = self.folder / f".{key}.{uuid.uuid4().hex}.npz"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with temporary.open("wb") as handle:
                np.savez(handle, **{name: array.astype(np.float32) for name, array in arrays.items()})  # type: ignore[arg-type]
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self._path(key))
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)

    def keep_only(self, keys: set[str]) -> None:
        """Delete entries (and leftovers of interrupted writes) that no current document uses."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name.startswith(".") or path.stem not in keys:
                path.unlink(missing_ok=True)
