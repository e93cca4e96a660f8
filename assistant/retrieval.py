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
    """How the signals combine; chosen by measurement (see scripts/tune_weights.py)."""

    dense: float = 0.6  # share of the dense cosine in the fused score; lexical gets the rest
    section: float = 0.25  # added to chunks of a section the question names
    recommendation: float = 0.12  # added to recommendation items when the question asks for them
    candidates: int = 100  # taken from each of dense and lexical search before fusion
    fusion: str = "weighted"  # or "rrf"
    rrf_k: int = 60


@dataclass(frozen=True)
class Scored:
    """One chunk's scores for a question (index into the chunk list)."""

    position: int
    score: float
    dense: float
    lexical: float


class Retriever:
    def __init__(self, index: Index, embedder: Embedder, weights: RankingWeights | None = None) -> None:
        self.index = index
        self.chunks = index.chunks
        self.embedder = embedder
        self.weights = weights or RankingWeights()
        self.lexical = LexicalIndex([c.embed_text for c in self.chunks], index.manifest.get("acronyms", {}))
        self.sections = SectionMatcher([c.section_label for c in self.chunks])
        self._labels = np.array([c.section_label for c in self.chunks])
        self._is_recommendation = np.array([c.kind == "recommendation" for c in self.chunks])

    def intent(self, question: str) -> QueryIntent:
        return self.sections.intent(question)

    def dense_query(self, question: str) -> str:
        """The question as embedded: acronyms spelled out, as the report spells them."""
        return expand_acronyms(question, self.lexical.acronyms)

    def rank(
        self,
        question: str,
        *,
        query_vector: np.ndarray | None = None,
        only_sections: frozenset[str] | None = None,
        limit: int = 10,
    ) -> tuple[list[Scored], QueryIntent]:
        """The best ``limit`` chunks for ``question``, best first."""
        weights = self.weights
        intent = self.intent(question)
        if query_vector is None:
            query_vector = self.embedder.encode([self.dense_query(question)])[0]
        count = len(self.chunks)
        k = min(weights.candidates, count)
        _, dense_ids = self.index.faiss_index.search(query_vector.reshape(1, -1).astype(np.float32), k)
        lexical_all = self.lexical.scores(self.lexical.query_tokens(question))
        lexical_ids = np.argsort(-lexical_all)[:k]
        candidates = np.unique(np.concatenate([dense_ids[0][dense_ids[0] >= 0], lexical_ids]))
        if only_sections:
            candidates = candidates[np.isin(self._labels[candidates], list(only_sections))]
            if len(candidates) == 0:
                candidates = np.flatnonzero(np.isin(self._labels, list(only_sections)))
        dense = self.index.vectors[candidates] @ query_vector
        lexical = lexical_all[candidates]
        top_lexical = float(lexical_all.max()) if lexical_all.size else 0.0
        if weights.fusion == "rrf":
            dense_rank = np.argsort(np.argsort(-dense))
            lexical_rank = np.argsort(np.argsort(-lexical))
            fused = 1 / (weights.rrf_k + dense_rank + 1) + 1 / (weights.rrf_k + lexical_rank + 1)
            fused = fused * (weights.rrf_k + 1) / 2  # 1.0 for a chunk first in both
        else:
            lexical_share = lexical / top_lexical if top_lexical > 0 else np.zeros_like(lexical)
            fused = weights.dense * dense + (1 - weights.dense) * lexical_share
        if intent.sections:
            fused = fused + weights.section * np.isin(self._labels[candidates], list(intent.sections))
        if intent.wants_recommendations:
            fused = fused + weights.recommendation * self._is_recommendation[candidates]
        order = np.argsort(-fused, kind="stable")[:limit]
        return [
            Scored(int(candidates[i]), float(fused[i]), float(dense[i]), float(lexical[i])) for i in order
        ], intent
