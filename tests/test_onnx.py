"""ONNX Runtime for questions (the ``fast`` extra): same vectors and same citations as torch."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant import onnxrt
from assistant.config import PROJECT_ROOT
from assistant.embedding import model_dir
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
    sidecar = onnxrt.sidecar_path(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, sidecar.name])  # no staging files
    assert onnxrt.read_sidecar(path, sha).shape == (len(onnxrt.PROBES), 384)


# --- serving without torch: the graph, its sidecar and the tokenizers library ------------------


def test_tokenizer_matches_sentence_transformers(real_assistant: Assistant) -> None:
    model: Any = real_assistant.embedder._model  # type: ignore[attr-defined]
    tokenizer = onnxrt.query_tokenizer(model_dir())
    russian = [q for q in questions() if any("а" <= c <= "я" for c in q.lower())][:12]
    texts = questions()[:45] + russian + list(onnxrt.PROBES) + ["  padded question  ", "", "Émigré café — naïve? " * 40]
    assert len(texts) >= 60 and len(russian) >= 5 and any(len(t) >= 1500 for t in texts)
    for text in texts:
        ours, theirs = onnxrt.features(tokenizer, [text]), model.preprocess([text])
        for name in onnxrt.INPUTS:
            assert ours[name].tolist() == theirs[name].tolist(), (name, text[:40])
    batch = texts[:16]
    ours, theirs = onnxrt.features(tokenizer, batch), model.preprocess(batch)  # padded to the longest
    assert all(ours[name].tolist() == theirs[name].tolist() for name in onnxrt.INPUTS)


def torch_free(real_assistant: Assistant) -> Assistant:
    settings = replace(real_assistant.settings, query_cache_size=0)
    embedder = onnxrt.query_embedder(settings.onnx_dir, 2, lambda name, sha: True)
    assert isinstance(embedder, onnxrt.OnnxQueryEmbedder)
    assert embedder.weights_sha256 == real_assistant.embedder.weights_sha256
    return Assistant(real_assistant.index, embedder, settings)


def test_torch_free_vectors_and_citations_match_torch(real_assistant: Assistant) -> None:
    fast = torch_free(real_assistant)
    torch_path: Any = real_assistant.embedder
    for text in questions()[:60]:
        ours, reference = fast.embedder.encode([text])[0], torch_path._encode_one(text)
        assert onnxrt.agrees(ours, reference), text
    plain = Assistant(real_assistant.index, torch_path, fast.settings)
    assert {q: ranked(fast, q) for q in questions()} == {q: ranked(plain, q) for q in questions()}


def serve_in_subprocess(settings: Any) -> dict[str, Any]:
    """Open the assistant as a server would, in a clean process, and ask one question."""
    script = textwrap.dedent(
        f"""
        import json, sys
        from pathlib import Path
        from assistant import multilingual
        multilingual.available = lambda: False  # as the index was built (conftest)
        from assistant.config import Settings
        from assistant.engine import Assistant
        settings = Settings(corpus_dir=Path({str(settings.corpus_dir)!r}), index_dir=Path({str(settings.index_dir)!r}))
        answer = Assistant.open(settings, rebuild=False).ask("Who moderated Panel 3?")
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "sentence_transformers", "transformers"))
        print(json.dumps({{"heavy": heavy, "first": answer.hits[0].citation}}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False, cwd=PROJECT_ROOT
    )
    assert done.returncode == 0, done.stderr
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "stderr": done.stderr}


def test_a_fresh_index_is_served_without_torch(real_assistant: Assistant) -> None:
    result = serve_in_subprocess(real_assistant.settings)
    assert result["heavy"] == []
    assert result["first"] == real_assistant.ask("Who moderated Panel 3?").hits[0].citation


@pytest.mark.parametrize("broken", ["graph", "sidecar"])
def test_a_corrupt_graph_or_sidecar_falls_back_to_torch(real_assistant: Assistant, tmp_path: Path, broken: str) -> None:
    import shutil

    settings = replace(real_assistant.settings, index_dir=tmp_path / "index")
    shutil.copytree(real_assistant.settings.index_dir, settings.index_dir)
    assert settings.onnx_dir is not None
    graph = onnxrt.graph_path(settings.onnx_dir, real_assistant.embedder.weights_sha256)
    target = graph if broken == "graph" else onnxrt.sidecar_path(graph)
    target.write_bytes(target.read_bytes()[:1000])
    result = serve_in_subprocess(settings)
    assert "torch" in result["heavy"] and "not usable" in result["stderr"]
    assert result["first"] == real_assistant.ask("Who moderated Panel 3?").hits[0].citation
    onnxrt.read_sidecar(graph, real_assistant.embedder.weights_sha256)  # repaired by the torch path
    assert serve_in_subprocess(settings)["heavy"] == []
