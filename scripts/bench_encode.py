#!/usr/bin/env python
"""One question's encode time, torch (traced) against ONNX Runtime, on the same questions.

Medians over ``rounds`` passes after a warm-up, in alternating blocks (torch, ORT, ORT, torch,
...) so a busy machine slows both alike. Also the first load's export time and the load time
with the graph cached. ``python scripts/bench_encode.py [QUESTIONS.jsonl] [ROUNDS]``
"""

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's package first

from assistant.bench import load_questions
from assistant.embedding import MiniLMEmbedder


def timed(encode, questions):  # type: ignore[no-untyped-def]
    times = []
    for question in questions:
        began = time.perf_counter()
        encode(question)
        times.append(time.perf_counter() - began)
    return times


def main(path: Path, rounds: int) -> None:
    questions = load_questions(path)
    with tempfile.TemporaryDirectory() as folder:
        MiniLMEmbedder(threads=2)  # imports torch and reads the weights into the page cache
        began = time.perf_counter()
        torch_only = MiniLMEmbedder(threads=2)
        torch_load = time.perf_counter() - began
        began = time.perf_counter()
        MiniLMEmbedder(threads=2, onnx_dir=Path(folder))  # exports the graph
        first = time.perf_counter() - began
        began = time.perf_counter()
        fast = MiniLMEmbedder(threads=2, onnx_dir=Path(folder))  # reads it back
        cached = time.perf_counter() - began
    assert fast.uses_onnx, "ONNX Runtime did not load"
    ways = {"torch traced": torch_only.encode_query, "onnx runtime": fast.encode_query}
    times: dict[str, list[float]] = {name: [] for name in ways}
    for encode in ways.values():
        timed(encode, questions)  # warm-up
    for round_ in range(rounds):
        for name in list(ways)[:: 1 if round_ % 2 == 0 else -1]:
            times[name] += timed(ways[name], questions)
    result = {
        "questions": len(questions),
        "rounds": rounds,
        **{f"{name} median ms": round(statistics.median(v) * 1e3, 2) for name, v in times.items()},
        **{f"{name} p95 ms": round(sorted(v)[int(0.95 * len(v))] * 1e3, 2) for name, v in times.items()},
        "load torch only s": round(torch_load, 2),
        "load with export s": round(first, 2),
        "load with cached graph s": round(cached, 2),
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/nonexistent"), int(sys.argv[2]) if len(sys.argv) > 2 else 3)
