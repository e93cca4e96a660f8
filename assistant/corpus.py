"""The corpus folder: report files, their metadata, and a hash that says when they changed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusError

SUFFIXES = (".txt",)


@dataclass(frozen=True)
class Document:
    id: str  # the file's stem
    path: Path
    text: str
    meta: dict[str, str]

    @property
    def title(self) -> str:
        return self.meta.get("title", self.id)


def _meta(path: Path) -> dict[str, str]:
    sidecar = path.with_name(f"{path.stem}.meta.json")
    if not sidecar.exists():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CorpusError(f"Cannot read metadata {sidecar}: {error}.", "Fix or delete that file.") from error
    return {str(k): str(v) for k, v in data.items()}


def load_documents(corpus_dir: Path) -> list[Document]:
    """Every report in ``corpus_dir``, in name order."""
    if not corpus_dir.is_dir():
        raise CorpusError(
            f"The corpus folder {corpus_dir} does not exist.", "Set ASSISTANT_CORPUS_DIR or restore corpus/."
        )
    paths = sorted(p for p in corpus_dir.iterdir() if p.suffix in SUFFIXES and p.is_file())
    if not paths:
        raise CorpusError(f"The corpus folder {corpus_dir} holds no report (.txt).", "Copy the report into it.")
    documents = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CorpusError(f"Cannot read {path}: {error}.", "It must be UTF-8 text.") from error
        documents.append(Document(path.stem, path, text, _meta(path)))
    return documents


def corpus_hash(corpus_dir: Path) -> str:
    """sha256 over every corpus file's name and bytes, metadata included."""
    digest = hashlib.sha256()
    for path in sorted(p for p in corpus_dir.iterdir() if p.is_file() and not p.name.startswith(".")):
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
