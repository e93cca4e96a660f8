"""One question through ONNX Runtime instead of torch: the optional ``fast`` extra.

Encoding a short question is most of a query's time, and ONNX Runtime runs MiniLM for one text
faster than the traced torch model on 2 cores. Only questions go this way: stored vectors are
always torch's. The graph is exported here from the very weights torch loaded (torch.onnx, no
download), with mean pooling and L2 normalisation inside, into a cache folder next to the index,
named by the weights' sha256 and written atomically. A missing, stale or corrupt file is exported
again; vectors that do not match torch's, or any error, leave the torch path in charge.

Next to the graph, a sidecar (``.json``) records the graph's sha256, the weights it came from and
torch's vectors for the probes. With it, a server whose index is fresh answers through
``OnnxQueryEmbedder`` without importing torch at all (1.5 s and ~150 MB less at start): the
gate then compares ORT's probe vectors with the stored torch vectors instead.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

# Bump when the exported graph changes (wrapper, opset, inputs): older files are then ignored.
EXPORT_VERSION = "1"
OPSET = 17
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
PROBES = (
    "Who moderated Panel 3?",
    "What " + "did the panel say about recruitment fees " * 8,
    "word " * 300,  # truncated to the model's 256 tokens
    "Какова роль частного сектора?",
)
MIN_COSINE = 0.99999
MAX_ABS_DIFF = 1e-4

_warned = False


def available() -> bool:
    """onnxruntime to run the graph and onnx for torch.onnx to write it (both in the ``fast`` extra)."""
    return all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "onnx"))


def graph_path(folder: Path, weights_sha256: str) -> Path:
    return folder / f"minilm-{weights_sha256[:12]}-v{EXPORT_VERSION}.onnx"


def sidecar_path(graph: Path) -> Path:
    return graph.with_suffix(".json")


def write_sidecar(graph: Path, weights_sha256: str, vectors: list[np.ndarray]) -> None:
    """Record the graph's sha256 and torch's probe vectors next to it, atomically."""
    from .embedding import file_sha256

    record = {
        "export_version": EXPORT_VERSION,
        "onnx_sha256": file_sha256(graph),
        "weights_sha256": weights_sha256,
        "probes": list(PROBES),
        "torch_vectors": [[float(x) for x in vector] for vector in vectors],
    }
    handle, staging = tempfile.mkstemp(prefix=".sidecar-", suffix=".json", dir=graph.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.chmod(staging, 0o644)
        os.replace(staging, sidecar_path(graph))
    finally:
        Path(staging).unlink(missing_ok=True)


def read_sidecar(graph: Path, weights_sha256: str) -> np.ndarray:
    """torch's probe vectors for ``graph``; ValueError unless the sidecar matches this graph
    (sha256), these weights, this export version and these probes."""
    from .embedding import file_sha256

    record = json.loads(sidecar_path(graph).read_text("utf-8"))
    if record.get("export_version") != EXPORT_VERSION or record.get("probes") != list(PROBES):
        raise ValueError("the sidecar is from another export version")
    if record.get("weights_sha256") != weights_sha256:
        raise ValueError("the sidecar is for other weights")
    if record.get("onnx_sha256") != file_sha256(graph):
        raise ValueError("the graph's sha256 differs from its sidecar's")
    vectors = np.asarray(record["torch_vectors"], dtype=np.float32)
    if vectors.shape != (len(PROBES), 384):
        raise ValueError("the sidecar's vectors have the wrong shape")
    return vectors


def say_once(message: str) -> None:
    global _warned
    if not _warned:
        _warned = True
        print(f"Note: {message}", file=sys.stderr)


def export(transformer: Any, example: dict[str, Any], path: Path) -> None:
    """Write the transformer plus mean pooling and normalisation as ONNX, atomically."""
    import torch

    class Sentence(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, ids: Any, mask: Any, types: Any) -> Any:
            tokens = self.transformer(input_ids=ids, attention_mask=mask, token_type_ids=types, return_dict=False)[0]
            weights = mask.unsqueeze(-1).to(tokens.dtype)
            pooled = (tokens * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=".export-", suffix=".onnx", dir=path.parent)
    os.close(handle)
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS} | {"embedding": {0: "batch"}}
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Sentence().eval(),
                tuple(example[name] for name in INPUTS),
                staging,
                input_names=list(INPUTS),
                output_names=["embedding"],
                dynamic_axes=axes,
                opset_version=OPSET,
                do_constant_folding=True,
                dynamo=False,  # the TorchScript exporter: the dynamo one needs onnxscript
            )
        os.chmod(staging, 0o644)  # mkstemp makes it private; it holds nothing secret
        os.replace(staging, path)
    finally:
        Path(staging).unlink(missing_ok=True)


class OrtEncoder:
    """An ONNX Runtime session over the exported graph: tokenized inputs in, unit vectors out."""

    def __init__(self, path: Path, threads: int) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # No busy-waiting between passes: a web server's other threads and the room's other
        # requests need the 2 cores more than the next question needs a spinning thread.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def __call__(self, features: dict[str, Any]) -> np.ndarray:
        feeds = {name: np.asarray(features[name], dtype=np.int64) for name in INPUTS}
        return np.asarray(self._session.run(None, feeds)[0], dtype=np.float32)


def agrees(ort_vector: np.ndarray, torch_vector: np.ndarray) -> bool:
    cosine = float(ort_vector @ torch_vector) / float(np.linalg.norm(ort_vector) * np.linalg.norm(torch_vector))
    return cosine >= MIN_COSINE and float(np.abs(ort_vector - torch_vector).max()) <= MAX_ABS_DIFF


def load(
    transformer: Any,
    preprocess: Callable[[list[str]], dict[str, Any]],
    reference: Callable[[str], np.ndarray],
    folder: Path,
    weights_sha256: str,
    threads: int,
) -> OrtEncoder | None:
    """The cached graph (exported first if missing), kept only if its vectors for the probes match
    ``reference`` (torch's); a file that fails is exported once more. None: stay on torch."""
    path = graph_path(folder, weights_sha256)
    for attempt in ("cached", "fresh"):
        try:
            if attempt == "fresh" or not path.is_file():
                export(transformer, preprocess([PROBES[0]]), path)
            encoder = OrtEncoder(path, threads)
            expected = [reference(probe) for probe in PROBES]
            if all(
                agrees(encoder(preprocess([probe]))[0], vector) for probe, vector in zip(PROBES, expected, strict=True)
            ):
                try:
                    read_sidecar(path, weights_sha256)
                except (OSError, ValueError, KeyError):  # missing or not this graph's: (re)write it
                    write_sidecar(path, weights_sha256, expected)
                return encoder
            problem = "its vectors differ from torch's"
        except Exception as error:  # a corrupt file, a full disk, an exporter error: torch still works
            problem = f"{type(error).__name__}: {str(error)[:200]}"
        if attempt == "fresh":
            say_once(f"ONNX Runtime is not used for questions ({problem}); torch encodes them.")
    return None


def query_tokenizer(model: Path) -> Any:
    """The model folder's tokenizer set up as sentence-transformers calls it: truncation to the
    model's max_seq_length (256; tokenizer.json itself says 128) and padding to a batch's longest."""
    from tokenizers import Tokenizer

    max_length = int(json.loads((model / "sentence_bert_config.json").read_text("utf-8"))["max_seq_length"])
    tokenizer = Tokenizer.from_file(str(model / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer


def features(tokenizer: Any, texts: list[str]) -> dict[str, np.ndarray]:
    """What ``SentenceTransformer.preprocess`` gives (it strips each text first), as numpy arrays."""
    encodings = tokenizer.encode_batch([text.strip() for text in texts])
    return {
        "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
    }


class OnnxUnusable(Exception):
    """The graph or its sidecar is missing, corrupt or fails the gate: use the torch path."""


class OnnxQueryEmbedder:
    """Questions through the exported graph with no torch or sentence-transformers import.

    Only for serving a fresh index: stored vectors are always torch's.
    """

    dimension = 384

    def __init__(self, folder: Path, threads: int, weights_sha256: str | None = None) -> None:
        from .config import MODEL_NAME
        from .embedding import model_dir, verify_weights

        self.name = MODEL_NAME
        model = model_dir()
        self.weights_sha256 = weights_sha256 or verify_weights(model)
        path = graph_path(folder, self.weights_sha256)
        if not path.is_file():
            raise FileNotFoundError(path)
        try:
            expected = read_sidecar(path, self.weights_sha256)
        except FileNotFoundError:
            raise
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise OnnxUnusable(f"{sidecar_path(path).name}: {error}") from error
        self._tokenizer = query_tokenizer(model)
        self._lock = threading.Lock()  # one pass at a time: it already uses every core
        try:
            self._encoder = OrtEncoder(path, threads)
        except Exception as error:  # a corrupt graph
            raise OnnxUnusable(f"{path.name}: {type(error).__name__}: {str(error)[:200]}") from error
        if not all(agrees(self.encode_query(probe), vector) for probe, vector in zip(PROBES, expected, strict=True)):
            raise OnnxUnusable(f"{path.name}: its vectors differ from torch's")

    def encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return self._encoder(features(self._tokenizer, texts))

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


def query_embedder(onnx_dir: Path | None, threads: int, index_is_fresh: Callable[[str, str], bool]) -> Any:
    """An ``OnnxQueryEmbedder`` when the extra is installed, ONNX is on, ``index_is_fresh(name,
    weights_sha256)`` and the graph passes its sidecar's gate; else None (the torch path), with
    one stderr line when the graph or sidecar is broken (the torch path exports it again)."""
    if onnx_dir is None or not available() or importlib.util.find_spec("tokenizers") is None:
        return None
    try:
        from .config import MODEL_NAME
        from .embedding import model_dir, verify_weights

        weights_sha256 = verify_weights(model_dir())
        if not index_is_fresh(MODEL_NAME, weights_sha256):
            return None
        return OnnxQueryEmbedder(onnx_dir, threads, weights_sha256)
    except OnnxUnusable as error:
        say_once(f"the ONNX model is not usable ({error}); loading torch and exporting it again.")
    except Exception:  # no graph yet, no model package, a corrupt index: the torch path says why
        pass
    return None
