"""The dense search index, chosen by size: exact (flat) for a report or a few, approximate (IVF)
for a shelf of them.

Flat search reads every vector: one query costs about 0.06 ms over this report's 650 passage and
sentence vectors, 0.2-0.8 ms at 10 reports, but 9-38 ms at 100 reports (65,000 vectors: the
matrix no longer fits in cache, and one query with k=400 does not use BLAS). An inverted file
(IVF: k-means lists, a query reads the ``nprobe`` nearest lists) answers in well under 1 ms at
100x with recall@10 1.000 and recall@400 >= 0.998 against flat, measured with the public questions.
HNSW was measured too and rejected: on a shelf of similar reports, whose passages are near
copies of each other, its graph splits into clusters and recall@10 stalls at 0.94-0.98.
``assistant bench --shelf 10,100`` measures all of this again.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import config


def approximate(count: int, threshold: int | None = None) -> bool:
    """Whether ``count`` vectors are searched with IVF rather than flat (config.ANN_THRESHOLD)."""
    return count >= (config.ANN_THRESHOLD if threshold is None else threshold)


def ivf_lists(count: int) -> int:
    """Number of k-means lists: a power of two near 4·sqrt(count), with at least 39 vectors per
    list to train on (FAISS's minimum), and at least 1."""
    wanted = 4 * math.sqrt(max(count, 1))
    lists = 2 ** round(math.log2(wanted))
    while lists > 1 and count < 39 * lists:
        lists //= 2
    return max(1, lists)


def make_vector_index(vectors: np.ndarray, *, threshold: int | None = None) -> Any:
    """An inner-product FAISS index over ``vectors``: flat below ``threshold`` rows, IVF at or above it."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dimension = vectors.shape[1]
    if not approximate(len(vectors), threshold):
        flat = faiss.IndexFlatIP(dimension)
        flat.add(vectors)
        return flat
    lists = ivf_lists(len(vectors))
    quantizer = faiss.IndexFlatIP(dimension)
    index = faiss.IndexIVFFlat(quantizer, dimension, lists, faiss.METRIC_INNER_PRODUCT)
    index.train(vectors)
    index.add(vectors)
    index.nprobe = ivf_probes(len(vectors), lists)
    return index


def ivf_probes(count: int, lists: int) -> int:
    """Lists a query reads: a share of them, and enough to cover ``config.IVF_SCAN_MIN`` vectors."""
    per_list = max(1.0, count / lists)
    wanted = max(math.ceil(lists * config.IVF_PROBE_SHARE), math.ceil(config.IVF_SCAN_MIN / per_list))
    return max(1, min(lists, wanted))


def kind(index: Any) -> str:
    """ "flat" or "ivf", for reports and the benchmark."""
    return "ivf" if hasattr(index, "nprobe") else "flat"


def recall_at_k(approximate: np.ndarray, exact: np.ndarray, k: int) -> float:
    """Mean share of each query's exact top ``k`` ids that the approximate top ``k`` also holds."""
    if len(exact) == 0:
        return 1.0
    shares = []
    for found, truth in zip(approximate, exact, strict=True):
        wanted = {int(i) for i in truth[:k] if i >= 0}
        got = {int(i) for i in found[:k] if i >= 0}
        shares.append(len(wanted & got) / len(wanted) if wanted else 1.0)
    return float(np.mean(shares))
