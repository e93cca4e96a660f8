"""One question through ONNX Runtime instead of torch: the optional ``fast`` extra.

Encoding a short question is most of a query's time, and ONNX Runtime runs MiniLM for one text
faster than the traced torch model on 2 cores. Only questions go this way: stored vectors are
always torch's. The graph is exported here from the very weights torch loaded (torch.onnx, no
download), with mean pooling and L2 normalisation inside, into a cache folder next to the index,
named by the weights' sha256 and written atomically. A missing, stale or corrupt file is exported
again; vectors that do not match torch's, or any error, leave the torch path in charge.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
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
            if all(agrees(encoder(preprocess([probe]))[0], reference(probe)) for probe in PROBES):
                return encoder
            problem = "its vectors differ from torch's"
        except Exception as error:  # a corrupt file, a full disk, an exporter error: torch still works
            problem = f"{type(error).__name__}: {str(error)[:200]}"
        if attempt == "fresh":
            say_once(f"ONNX Runtime is not used for questions ({problem}); torch encodes them.")
    return None
