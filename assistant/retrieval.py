"""Rank chunks for a question: dense (MiniLM + FAISS) and lexical (BM25) scores, fused, then
nudged by the report's structure (a named section, a request for recommendations)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import numpy as np

from .ann import make_vector_index
from .embedding import Embedder, encode_query
from .lexical import LexicalIndex, expand_acronyms
from .store import Index
from .structure import QueryIntent, SectionMatcher

# The paragraph that introduces a session's people: "This panel was moderated by …, Speakers
# included …, … was the rapporteur".
PEOPLE_PARAGRAPH = re.compile(
    r"\b(?:moderated by|chaired by|[Ss]peakers included|was the rapporteur|were the rapporteurs)\b"
)


@dataclass(frozen=True)
class RankingWeights:
    """How the signals combine; chosen by measurement on the public questions (docs/quality.md)."""

    dense: float = 0.8  # share of the dense z-score in the fused score; lexical gets the rest
    section: float = 0.25  # added to chunks of a section the question names
    recommendation: float = 0.12  # added to recommendation items when the question asks for them
    named_recommendation: float = 0.35  # instead, for items of a section the question names
    people: float = 0.25  # added to a section's list of its moderator, speakers and rapporteur, when asked who
    # Added to a passage the question cites by number ("Panel 4, Recommendation 10"), in the
    # sections it names (in any section when it names none): it is what was asked for.
    numbered: float = 2.0
    # Share of the first stage's z-score in the re-ranked order (the cross-encoder's z-score has
    # the rest): the re-ranker judges content, the first stage knows which section was named, who
    # was asked about and whether recommendations were wanted.
    rerank_first_stage: float = 0.2
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
    relevance: float | None = None  # the cross-encoder's logit, when re-ranked


def zscore(values: np.ndarray) -> np.ndarray:
    """Centred and scaled to unit spread (zeros when all values are equal): signals on one scale."""
    spread = float(values.std())
    return (values - values.mean()) / spread if spread > 1e-9 else np.zeros_like(values)


def _with_sentences(index: Index) -> bool:
    sentences = index.extra_vectors.get("sentences")
    counts = index.manifest.get("sentence_counts") or []
    return sentences is not None and len(sentences) > 0 and sum(counts) == len(sentences)


def unit_owners(index: Index) -> np.ndarray:
    """For each dense search unit (every passage, then every sentence), the chunk it belongs to."""
    owners = [np.arange(len(index.chunks))]
    if _with_sentences(index):
        owners.append(np.repeat(np.arange(len(index.chunks)), index.manifest["sentence_counts"]))
    return np.concatenate(owners)


def unit_vectors(index: Index) -> np.ndarray:
    """The vectors of the dense search units, in the order of :func:`unit_owners`."""
    parts = [index.vectors]
    if _with_sentences(index):
        parts.append(index.extra_vectors["sentences"])
    return np.vstack(parts).astype(np.float32)


class Retriever:
    """Dense search over passages and their sentences (a passage scores as its best match), BM25,
    fusion of the two, and structure boosts."""

    def __init__(self, index: Index, embedder: Embedder, weights: RankingWeights | None = None) -> None:
        self.index = index
        self.chunks = index.chunks
        self.embedder = embedder
        self.weights = weights or RankingWeights()
        self.lexical = LexicalIndex([c.embed_text for c in self.chunks], index.manifest.get("acronyms", {}))
        self.sections = SectionMatcher([c.section_label for c in self.chunks], index.manifest.get("section_topics"))
        self._docs = np.array([c.doc for c in self.chunks])
        self._label_ids = {
            label: number for number, label in enumerate(dict.fromkeys(c.section_label for c in self.chunks))
        }
        self._label_of = np.array([self._label_ids[c.section_label] for c in self.chunks], dtype=np.int32)
        self._is_recommendation = np.array([c.kind == "recommendation" for c in self.chunks])
        self._lists_people = np.array([bool(PEOPLE_PARAGRAPH.search(c.text)) for c in self.chunks])
        self._kinds = np.array([c.kind for c in self.chunks])
        self._numbers = np.array([c.number for c in self.chunks], dtype=np.int64)
        self._unit_owner = unit_owners(index)
        saved = index.units_index
        if saved is not None and saved.ntotal == len(self._unit_owner) and saved.d == index.vectors.shape[1]:
            self._units = saved
        else:
            self._units = make_vector_index(unit_vectors(index))

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
        also_dense: np.ndarray | None = None,
        only_sections: frozenset[str] | None = None,
        only_documents: frozenset[str] | None = None,
        limit: int = 10,
        intent: QueryIntent | None = None,
        timings: dict[str, float] | None = None,
    ) -> tuple[list[Scored], QueryIntent]:
        """The best ``limit`` chunks for ``question``, best first.

        ``dense`` replaces the MiniLM scores (one per chunk), e.g. by multilingual ones.
        ``also_dense`` is a second model's scores, averaged in as z-scores; each passage's reported
        cosine (``Scored.dense``, on which abstention is calibrated) stays ``dense``'s.
        ``only_sections`` (labels) and ``only_documents`` (document ids) restrict the search.
        ``intent`` is the question's, when the caller has it already. ``timings``, when given,
        receives the seconds spent in "search" (dense and BM25) and "ranking" (fusion, boosts).
        """
        weights = self.weights
        if intent is None:
            intent = self.intent(question)
        if dense is None:
            if query_vector is None:
                query_vector = encode_query(self.embedder, self.dense_query(question))
            started = time.perf_counter()
            dense = self.dense_scores(query_vector)
        else:
            started = time.perf_counter()
        lexical = self.lexical.scores(self.lexical.query_tokens(question))
        searched = time.perf_counter()
        signal = dense if also_dense is None else (zscore(dense) + zscore(also_dense)) / 2
        if weights.fusion == "rrf":
            dense_rank = np.argsort(np.argsort(-signal))
            lexical_rank = np.argsort(np.argsort(-lexical))
            fused = (
                weights.dense / (weights.rrf_k + dense_rank + 1)
                + (1 - weights.dense) / (weights.rrf_k + lexical_rank + 1)
            ) * (weights.rrf_k + 1)
        else:
            fused = (weights.dense * zscore(signal) + (1 - weights.dense) * zscore(lexical)) / 4
        in_named = self._in_sections(intent.sections)
        fused = fused + weights.section * in_named
        if intent.wants_people:
            fused = fused + weights.people * self._lists_people
        if intent.wants_recommendations:
            boost = np.where(in_named, weights.named_recommendation, weights.recommendation)
            fused = fused + boost * self._is_recommendation
        if intent.numbered:
            fused = fused + weights.numbered * self.cited(intent)
        if only_sections:
            fused = np.where(self._in_sections(only_sections), fused, -np.inf)
        if only_documents:
            fused = np.where(np.isin(self._docs, list(only_documents)), fused, -np.inf)
        order = np.argsort(-fused, kind="stable")[:limit]
        scored = [
            Scored(int(i), float(fused[i]), float(dense[i]), float(lexical[i])) for i in order if np.isfinite(fused[i])
        ]
        if timings is not None:
            timings["search"] = timings.get("search", 0.0) + searched - started
            timings["ranking"] = timings.get("ranking", 0.0) + time.perf_counter() - searched
        return scored, intent

    def cited(self, intent: QueryIntent) -> np.ndarray:
        """Mask of the passages the question cites by number ("Recommendation 10" of the sections
        it names, or of any section when it names none)."""
        mask = np.zeros(len(self.chunks), dtype=bool)
        for kind, number in intent.numbered:
            mask |= (self._kinds == kind) & (self._numbers == number)
        return mask & self._in_sections(intent.sections) if intent.sections else mask

    def lists_people(self, position: int) -> bool:
        """Chunk ``position`` lists a session's moderator, speakers and rapporteur."""
        return bool(self._lists_people[position])

    def _in_sections(self, labels: frozenset[str]) -> np.ndarray:
        """Mask of the chunks in the sections named ``labels`` (no string comparison per chunk)."""
        wanted = [self._label_ids[label] for label in labels if label in self._label_ids]
        return np.isin(self._label_of, wanted) if wanted else np.zeros(len(self.chunks), dtype=bool)
