"""ONNX Runtime for questions (the ``fast`` extra): same vectors and same citations as torch."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant import onnxrt
from assistant.config import PROJECT_ROOT
from assistant.engine import Assistant
from assistant.prepared import PREPARED

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(not onnxrt.available(), reason="the fast extra (onnxruntime, onnx) is not installed"),
]

PUBLIC = Path("/work/shared/eval/questions.jsonl")  # the public questions, where this machine has them


def questions() -> list[str]:
    texts = [q for group in PREPARED.values() for q in group]
    texts += [
        "Who moderated Panel 3?",
        "What did the OSCE Special Representative say about supply chains?",
        "recruitment fees",
        "How can banks detect human trafficking?",
        "What role do NGOs play in victim identification?",
        "Which companies spoke at the conference?",
        "What is the Palermo Protocol?",
        "What are the recommendations for governments?",
        "ppp",
    ]
    for path in (PUBLIC, PROJECT_ROOT / "eval" / "russian_extra.jsonl"):
        if path.is_file():
            texts += [json.loads(line)["question"] for line in path.read_text("utf-8").splitlines() if line.strip()]
    return texts


def ranked(assistant: Assistant, question: str) -> list[str]:
    return [hit.chunk.id for hit in assistant.ask(question).hits]


def test_onnx_vectors_match_torch(real_assistant: Assistant) -> None:
    embedder: Any = real_assistant.embedder
    assert embedder.uses_onnx
    for text in questions()[:20]:
        fast, reference = embedder.encode_query(text), embedder._encode_one(text)
        assert float(fast @ reference) >= onnxrt.MIN_COSINE
        assert float(np.abs(fast - reference).max()) <= onnxrt.MAX_ABS_DIFF


def test_onnx_gives_the_same_citations(real_assistant: Assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    embedder: Any = real_assistant.embedder
    settings = replace(real_assistant.settings, query_cache_size=0)
    fast = Assistant(real_assistant.index, embedder, settings)
    with_onnx = {q: ranked(fast, q) for q in questions()}
    monkeypatch.setattr(embedder, "_ort", None)
    plain = Assistant(real_assistant.index, embedder, settings)
    assert {q: ranked(plain, q) for q in questions()} == with_onnx


def test_a_corrupt_graph_is_exported_again(real_assistant: Assistant, tmp_path: Path) -> None:
    embedder: Any = real_assistant.embedder
    path = onnxrt.graph_path(tmp_path, embedder.weights_sha256)
    path.write_bytes(b"not an onnx file")
    model = embedder._model
    sha = embedder.weights_sha256
    loaded = onnxrt.load(model[0].auto_model, model.preprocess, embedder._encode_one, tmp_path, sha, 2)
    assert loaded is not None and path.stat().st_size > 1_000_000
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no staging file left behind
