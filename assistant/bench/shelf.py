"""A shelf of reports: synthetic corpora of N times this report, to show how build time, index
size, query latency and memory grow, and how the approximate index compares with flat search.

Copy 0 is the report itself; copy j > 0 is its passages in another order, relabelled as document
``synthetic-j``, with each vector moved by a little noise (cosine about 0.96 to the original) so
that the copies are distinct neighbours, as passages of reports on the same topic would be.
Embedding 100 reports for real would take most of an hour on 2 cores, so the embedding time of a
shelf is the report's measured embedding time times N (marked "est." in the table); parsing,
writing, loading and searching are measured.

Run by the benchmark in a fresh process per size, so the peak memory is that size's:
``python -m assistant.bench.shelf SCALE SOURCE_INDEX_DIR EMBED_SECONDS QUESTIONS_JSON``
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from ..records import Chunk

NOISE = 0.3  # norm of the noise added to a unit vector before renormalising


def jitter(vectors: np.ndarray, rng: np.random.Generator, noise: float = NOISE) -> np.ndarray:
    """Unit vectors moved by random noise of norm about ``noise``."""
    if len(vectors) == 0:
        return vectors.astype(np.float32)
    moved = vectors + rng.normal(0.0, noise / np.sqrt(vectors.shape[1]), vectors.shape)
    return (moved / np.linalg.norm(moved, axis=1, keepdims=True)).astype(np.float32)


def synthetic_shelf(
    chunks: list[Chunk],
    vectors: np.ndarray,
    counts: list[int],
    extra: dict[str, np.ndarray],
    scale: int,
    *,
    seed: int = 5,
) -> tuple[list[Chunk], np.ndarray, list[int], dict[str, np.ndarray]]:
    """``scale`` copies of a report's chunks (reshuffled, relabelled as other documents) with their
    passage vectors, sentence counts and extra vectors (``sentences`` per sentence, others per chunk)."""
    rng = np.random.default_rng(seed)
    starts = np.concatenate([[0], np.cumsum(counts)]).astype(int)
    sentences = extra.get("sentences")
    out_chunks: list[Chunk] = []
    out_vectors: list[np.ndarray] = []
    out_counts: list[int] = []
    out_extra: dict[str, list[np.ndarray]] = {name: [] for name in extra}
    for copy in range(scale):
        order = np.arange(len(chunks)) if copy == 0 else rng.permutation(len(chunks))
        doc = chunks[0].doc if copy == 0 else f"synthetic-{copy:03d}"
        for position in order:
            chunk = chunks[int(position)]
            out_chunks.append(chunk if copy == 0 else replace(chunk, id=f"{doc}:{chunk.id}", doc=doc))
        move = (lambda v: v.astype(np.float32)) if copy == 0 else (lambda v: jitter(v, rng))
        out_vectors.append(move(vectors[order]))
        out_counts.extend(int(counts[i]) for i in order)
        for name, values in extra.items():
            if name == "sentences" and sentences is not None:
                rows = np.concatenate([np.arange(starts[i], starts[i + 1]) for i in order]).astype(int)
                out_extra[name].append(move(values[rows]))
            else:
                out_extra[name].append(move(values[order]))
    return (
        out_chunks,
        np.vstack(out_vectors),
        out_counts,
        {name: np.vstack(parts) for name, parts in out_extra.items()},
    )


def _peak_rss_mb() -> float:
    from .web import peak_rss_mb

    return peak_rss_mb(int(Path("/proc/self").resolve().name)) if Path("/proc/self").exists() else float("nan")


def measure(scale: int, source_dir: Path, embed_seconds: float, questions: list[str]) -> dict[str, Any]:
    """Build, save, load and query a shelf of ``scale`` reports; compare IVF with flat search."""
    import faiss

    from .. import ann
    from ..chunking import chunk_report
    from ..config import load_settings
    from ..corpus import load_documents
    from ..documents import read_text
    from ..embedding import MiniLMEmbedder, encode_query
    from ..report import parse_report
    from ..retrieval import unit_owners, unit_vectors
    from ..store import Index, load_index, save_index
    from .local import make_assistant, query_latency

    settings = load_settings()
    embedder = MiniLMEmbedder(threads=settings.torch_threads, onnx_dir=settings.onnx_dir)
    source = load_index(source_dir)
    text = read_text(load_documents(settings.corpus_dir)[0].path)
    began = time.perf_counter()
    for copy in range(scale):  # the real parser on `scale` documents of the report's size
        chunk_report(parse_report(text), f"doc-{copy}", settings.chunk_max_chars)
    parse_s = time.perf_counter() - began
    chunks, vectors, counts, extra = synthetic_shelf(
        source.chunks, source.vectors, list(source.manifest["sentence_counts"]), source.extra_vectors, scale
    )
    manifest = {**source.manifest, "count": len(chunks), "sentence_counts": counts}
    with tempfile.TemporaryDirectory(prefix="assistant-shelf-") as folder:
        index_dir = Path(folder)
        began = time.perf_counter()
        shelf = Index(chunks, vectors, manifest, extra)
        if ann.approximate(len(unit_owners(shelf))):
            shelf.units_index = ann.make_vector_index(unit_vectors(shelf))
        build = save_index(index_dir, shelf)
        write_s = time.perf_counter() - began
        index_mb = sum(p.stat().st_size for p in build.iterdir()) / 1e6
        del shelf, vectors, extra
        began = time.perf_counter()
        loaded = load_index(index_dir)
        assistant = make_assistant(loaded, embedder, replace(settings, index_dir=index_dir))
        load_s = time.perf_counter() - began
    latency = query_latency(assistant, questions, rounds=2)
    serving_rss = _peak_rss_mb()  # before the benchmark's own flat index for comparison

    retriever = assistant.retriever
    units = unit_vectors(loaded)
    flat = faiss.IndexFlatIP(units.shape[1])
    flat.add(units)
    used = retriever._units
    approximate = used if ann.kind(used) == "ivf" else ann.make_vector_index(units, threshold=0)
    query_texts = [retriever.dense_query(q) for q in questions]
    queries = np.vstack([encode_query(embedder, text) for text in query_texts]).astype(np.float32)
    k = min(retriever.weights.units, flat.ntotal)
    flat_times, ann_times, exact, found = [], [], [], []
    for query in queries:
        began = time.perf_counter()
        exact.append(flat.search(query[None, :], k)[1][0])
        flat_times.append(time.perf_counter() - began)
        began = time.perf_counter()
        found.append(approximate.search(query[None, :], k)[1][0])
        ann_times.append(time.perf_counter() - began)
    same_top5 = 0
    for question, vector in zip(questions, queries, strict=True):
        retriever._units = flat
        with_flat = [s.position for s in retriever.rank(question, query_vector=vector)[0][:5]]
        retriever._units = approximate
        with_ann = [s.position for s in retriever.rank(question, query_vector=vector)[0][:5]]
        same_top5 += with_flat == with_ann
    retriever._units = used
    from .stats import percentile

    return {
        "scale": scale,
        "passages": len(chunks),
        "units": int(flat.ntotal),
        "index_kind": ann.kind(used),
        "parse_s": parse_s,
        "embed_s_est": embed_seconds * scale,
        "write_s": write_s,
        "index_mb": index_mb,
        "load_s": load_s,
        "query": latency,
        "flat_search_ms": 1000 * percentile(flat_times, 50),
        "ivf_search_ms": 1000 * percentile(ann_times, 50),
        "ivf_recall_at_10": ann.recall_at_k(np.array(found), np.array(exact), 10),
        "ivf_recall_at_400": ann.recall_at_k(np.array(found), np.array(exact), k),
        "ivf_same_top5": same_top5 / len(questions),
        "serving_peak_rss_mb": serving_rss,
        "peak_rss_mb": _peak_rss_mb(),
    }


if __name__ == "__main__":
    scale_arg, source_arg, embed_arg, questions_arg = sys.argv[1:5]
    result = measure(int(scale_arg), Path(source_arg), float(embed_arg), json.loads(questions_arg))
    print(json.dumps(result))
