"""The corpus folder: document files, their metadata sidecars, and a hash that says when they changed.

A document is a ``.txt``, ``.md`` or ``.pdf`` file; its optional sidecar ``<stem>.meta.json``
holds a title, short name, organisation and date. Reading and checking the file's content is
the job of :mod:`documents`; this module only finds the files.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusError

SUFFIXES = (".txt", ".md", ".pdf")
META_SUFFIX = ".meta.json"


@dataclass(frozen=True)
class Document:
    """One corpus file and its metadata (not yet read)."""

    id: str  # the file's stem; the file name when two files share a stem
    path: Path
    meta: dict[str, str]
    meta_error: str = ""  # why the sidecar could not be read: the document is then refused

    @property
    def title(self) -> str:
        return self.meta.get("title") or _humanise(self.path.stem)

    @property
    def short_title(self) -> str:
        """What citations name: the sidecar's ``short_name``, else its title, else the file name."""
        return self.meta.get("short_name") or self.title


def _humanise(stem: str) -> str:
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else stem


def sidecar_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}{META_SUFFIX}")


def read_meta(path: Path) -> dict[str, str]:
    """The sidecar's fields as strings; {} without a sidecar. Raises CorpusError when unreadable."""
    sidecar = sidecar_path(path)
    if not sidecar.exists():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CorpusError(f"Cannot read metadata {sidecar}: {error}.", "Fix or delete that file.") from error
    if not isinstance(data, dict):
        raise CorpusError(f"The metadata {sidecar} is not a JSON object.", "Fix or delete that file.")
    return {str(k): str(v) for k, v in data.items() if v is not None}


def document_paths(corpus_dir: Path) -> list[Path]:
    """Every document file in ``corpus_dir``, in name order (hidden files and sidecars skipped)."""
    if not corpus_dir.is_dir():
        raise CorpusError(
            f"The corpus folder {corpus_dir} does not exist.", "Set ASSISTANT_CORPUS_DIR or restore corpus/."
        )
    paths = sorted(
        p for p in corpus_dir.iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith(".") and p.is_file()
    )
    if not paths:
        raise CorpusError(
            f"The corpus folder {corpus_dir} holds no report (.txt, .md or .pdf).", "Copy a report into it."
        )
    return paths


def unsupported_paths(corpus_dir: Path) -> list[Path]:
    """Files in ``corpus_dir`` that are neither a document nor a sidecar (a .docx copied in by hand):
    the build names them rather than leave a facilitator wondering why the report is not found."""
    return sorted(
        p
        for p in corpus_dir.iterdir()
        if p.is_file()
        and not p.name.startswith(".")
        and p.suffix.lower() not in SUFFIXES
        and not p.name.endswith(META_SUFFIX)
    )


def load_documents(corpus_dir: Path) -> list[Document]:
    """Every document in ``corpus_dir`` with its metadata (an unreadable sidecar is noted, not raised)."""
    paths = document_paths(corpus_dir)
    stems = [p.stem for p in paths]
    documents = []
    for path in paths:
        doc_id = path.stem if stems.count(path.stem) == 1 else path.name
        try:
            documents.append(Document(doc_id, path, read_meta(path)))
        except CorpusError as error:
            documents.append(Document(doc_id, path, {}, meta_error=error.message))
    return documents


def corpus_hash(corpus_dir: Path, max_bytes: int | None = None) -> str:
    """sha256 over every corpus file's name and bytes, metadata included.

    A file over ``max_bytes`` is refused at build without being read, so here too only its size
    and modification time count: a 200 MB file is not hashed at every start.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in corpus_dir.iterdir() if p.is_file() and not p.name.startswith(".")):
        digest.update(path.name.encode())
        digest.update(b"\0")
        stat = path.stat()
        if max_bytes is not None and stat.st_size > max_bytes:
            digest.update(f"oversize {stat.st_size} {stat.st_mtime_ns}".encode())
        else:
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()
