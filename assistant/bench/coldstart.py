"""Run in a fresh process by the benchmark: time imports, model load, index load and the first
answer, and print them as one JSON line. ``python -m assistant.bench.coldstart INDEX_DIR QUESTION``"""

from __future__ import annotations

import time

started = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402


def main(index_dir: str, question: str) -> None:
    import faiss  # noqa: F401  (imported here so the cost is counted as imports, not index load)

    from assistant.config import load_settings
    from assistant.engine import Assistant, load_embedder

    imported = time.perf_counter()
    from assistant.indexing import open_index

    settings = replace(load_settings(), index_dir=Path(index_dir))
    embedder = load_embedder(settings)  # ONNX Runtime alone (no torch) for a fresh index
    loaded_model = time.perf_counter()
    index = open_index(settings, embedder, rebuild=False)
    loaded_index = time.perf_counter()
    from assistant import rerank

    reranker = rerank.load(settings.torch_threads) if settings.rerank else None  # as Assistant.open
    assistant = Assistant(index, embedder, settings, reranker=reranker)
    loaded_reranker = time.perf_counter()
    answer = assistant.ask(question)
    answered = time.perf_counter()
    parts = {
        "imports_s": imported - started,
        "model_s": loaded_model - imported,
        "index_s": loaded_index - loaded_model,
        "reranker_s": loaded_reranker - loaded_index,
        "first_answer_s": answered - loaded_reranker,
        "hits": len(answer.hits),
        "torch_loaded": "torch" in sys.modules,
    }
    print(json.dumps(parts))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
