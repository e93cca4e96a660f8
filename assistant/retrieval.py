"""Rank chunks for a question: dense (MiniLM + FAISS) and lexical (BM25) scores, fused, then
nudged by the report's structure (a named section, a request for recommendations)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .embedding import Embedder
from .lexical import LexicalIndex, expand_acronyms
from .store import Index
from .structure import QueryIntent, SectionMatcher


@dataclass(frozen=True)
class RankingWeights:
    """How the signals combine; chosen by measurement on the public questions (see README)."""

    dense: float = 0.8  # share of the dense z-score in the fused score; lexical gets the rest
    section: float = 0.25  # added to chunks of a section the question names
    recommendation: float = 0.12  # added to recommendation items when the question asks for them
    named_recommendation: float = 0.35  # instead, for items of a section the question names
    units: int = 400  # passage and sentence vectors taken from FAISS before fusion
    fusion: str = "zscore"  # or "rrf"
    rrf_k: int = 60


@dataclass(frozen=True)
class Scored:
    """One chunk's scores for a question (index into the chunk list)."""

    position: int
    score: float
    dense: float  # best cosine of the passage or one of its sentences
    lexical: float  # BM25


def _zscore(values: np.ndarray) -> np.ndarray:
    spread = float(values.std())
    return (values - values.mean()) / spread if spread > 1e-9 else np.zeros_like(values)


class Retriever:
    """Dense search over passages and their sentences (a passage scores as its best match), BM25,
    fusion of the two, and structure boosts."""

    def __init__(self, index: Index, embedder: Embedder, weights: RankingWeights | None = None) -> None:
        import faiss

        self.index = index
        self.chunks = index.chunks
        self.embedder = embedder
        self.weights = weights or RankingWeights()
        self.lexical = LexicalIndex([c.embed_text for c in self.chunks], index.manifest.get("acronyms", {}))
        self.sections = SectionMatcher([c.section_label for c in self.chunks])
        self._labels = np.array([c.section_label for c in self.chunks])
        self._docs = np.array([c.doc for c in self.chunks])
        self._is_recommendation = np.array([c.kind == "recommendation" for c in self.chunks])
        sentences = index.extra_vectors.get("sentences")
        owners = [np.arange(len(self.chunks))]
        unit_vectors = [index.vectors]
        if sentences is not None and len(sentences):
            counts = index.manifest.get("sentence_counts") or []
            if sum(counts) == len(sentences):
                owners.append(np.repeat(np.arange(len(self.chunks)), counts))
                unit_vectors.append(sentences)
        self._unit_owner = np.concatenate(owners)
        self._units = faiss.IndexFlatIP(index.vectors.shape[1])
        self._units.add(np.vstack(unit_vectors).astype(np.float32))

    def intent(self, question: str) -> QueryIntent:
        return self.sections.intent(question)

    def dense_query(self, question: str) -> str:
        """The question as embedded: acronyms spelled out, as the report spells them."""
        return expand_acronyms(question, self.lexical.acronyms)

    def dense_scores(self, query_vector: np.ndarray) -> np.ndarray:
        """Per chunk, the best cosine of its passage or sentence vectors among the nearest units."""
        k = min(self.weights.units, self._units.ntotal)
        scores, ids = self._units.search(query_vector.reshape(1, -1).astype(np.float32), k)
        found = ids[0] >= 0
        floor = float(scores[0][found].min()) if found.any() else 0.0
        dense = np.full(len(self.chunks), floor, dtype=np.float32)
        np.maximum.at(dense, self._unit_owner[ids[0][found]], scores[0][found])
        return dense

    def rank(
        self,
        question: str,
        *,
        query_vector: np.ndarray | None = None,
        dense: np.ndarray | None = None,
        only_sections: frozenset[str] | None = None,
        only_documents: frozenset[str] | None = None,
        limit: int = 10,
    ) -> tuple[list[Scored], QueryIntent]:
        """The best ``limit`` chunks for ``question``, best first.

        ``dense`` replaces the MiniLM scores (one per chunk), e.g. by multilingual ones.
        ``only_sections`` (labels) and ``only_documents`` (document ids) restrict the search.
        """
        weights = self.weights
        intent = self.intent(question)
        if dense is None:
            if query_vector is None:
                query_vector = self.embedder.encode([self.dense_query(question)])[0]
            dense = self.dense_scores(query_vector)
        lexical = self.lexical.scores(self.lexical.query_tokens(question))
        if weights.fusion == "rrf":
            dense_rank = np.argsort(np.argsort(-dense))
            lexical_rank = np.argsort(np.argsort(-lexical))
            fused = (
                weights.dense / (weights.rrf_k + dense_rank + 1)
                + (1 - weights.dense) / (weights.rrf_k + lexical_rank + 1)
            ) * (weights.rrf_k + 1)
        else:
            fused = (weights.dense * _zscore(dense) + (1 - weights.dense) * _zscore(lexical)) / 4
        in_named = np.isin(self._labels, list(intent.sections))
        fused = fused + weights.section * in_named
        if intent.wants_recommendations:
            boost = np.where(in_named, weights.named_recommendation, weights.recommendation)
            fused = fused + boost * self._is_recommendation
        if only_sections:
            fused = np.where(np.isin(self._labels, list(only_sections)), fused, -np.inf)
        if only_documents:
            fused = np.where(np.isin(self._docs, list(only_documents)), fused, -np.inf)
        order = np.argsort(-fused, kind="stable")[:limit]
        return [
            Scored(int(i), float(fused[i]), float(dense[i]), float(lexical[i])) for i in order if np.isfinite(fused[i])
        ], intent
