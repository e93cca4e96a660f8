"""In-process parts of the benchmark: index build, cold start (in a fresh process) and query latency."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from ..config import PROJECT_ROOT, Settings
from .stats import summary_ms


def build(settings: Settings) -> tuple[dict[str, Any], Any, Any]:
    """Load the model, build the report's index into ``settings.index_dir``; timings, embedder, index."""
    from .. import multilingual
    from ..embedding import MiniLMEmbedder
    from ..indexing import build_index

    started = time.perf_counter()
    embedder = MiniLMEmbedder(threads=settings.torch_threads, onnx_dir=settings.onnx_dir)
    loaded = time.perf_counter()
    index = build_index(settings, embedder, show_progress=False)
    total = time.perf_counter() - loaded
    timings = dict(index.manifest.get("timings", {}))
    build_dir = settings.index_dir / (settings.index_dir / "CURRENT").read_text().strip()
    result = {
        "model_load_s": loaded - started,
        "total_s": total,
        **timings,
        "passages": len(index.chunks),
        "sentences": int(sum(index.manifest.get("sentence_counts", []))),
        "multilingual": multilingual.available(),
        "index_mb": sum(p.stat().st_size for p in build_dir.iterdir()) / 1e6,
    }
    return result, embedder, index


def cold_start(index_dir: Path, question: str) -> dict[str, Any]:
    """From process start to the first answer, in a fresh interpreter, with each part's time."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "assistant.bench.coldstart", str(index_dir), question],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    total = time.perf_counter() - started
    parts = json.loads(done.stdout.strip().splitlines()[-1])
    measured = sum(v for k, v in parts.items() if k.endswith("_s"))
    return {"total_s": total, "interpreter_s": total - measured, **parts}


def _ask(assistant: Any, question: str, timings: dict[str, float]) -> Any:
    try:
        return assistant.ask(question, timings=timings)
    except TypeError:  # an older engine without timings: only the total is measured
        return assistant.ask(question)


STAGES = ("embed", "search", "ranking", "rerank", "formatting")


def make_assistant(index: Any, embedder: Any, settings: Settings, *, cache: bool = False, reranker: Any = None) -> Any:
    """An Assistant over ``index``; ``cache=False`` turns the caches off (every query embedded and
    re-ranked); ``reranker`` None: the first stage alone."""
    from ..engine import Assistant

    if any(f.name == "query_cache_size" for f in fields(settings)):
        settings = replace(settings, query_cache_size=256 if cache else 0)
    if reranker is None:
        return Assistant(index, embedder, settings)
    return Assistant(index, embedder, settings, reranker=reranker)


def query_latency(assistant: Any, questions: list[str], *, rounds: int = 3) -> dict[str, Any]:
    """Median and p95 of ``Assistant.ask`` plus formatting over ``questions`` after a warm-up, with
    the time of each stage."""
    from ..formatting import format_answer

    for question in questions:  # warm-up (and, with the cache, fill it)
        format_answer(assistant.ask(question))
    totals: list[float] = []
    stages: dict[str, list[float]] = {name: [] for name in STAGES}
    for _ in range(rounds):
        for question in questions:
            timings: dict[str, float] = {}
            begun = time.perf_counter()
            answer = _ask(assistant, question, timings)
            asked = time.perf_counter()
            format_answer(answer)
            finished = time.perf_counter()
            totals.append(finished - begun)
            timings["formatting"] = finished - asked
            for name, values in stages.items():
                if name in timings:
                    values.append(timings[name])
    result: dict[str, Any] = {**summary_ms(totals)}
    result["stages"] = {name: summary_ms(values) for name, values in stages.items() if values}
    return result
