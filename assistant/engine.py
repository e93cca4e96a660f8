"""The one entry point: a question in, ranked and cited passages out (or an honest abstention)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import multilingual
from .config import Settings, load_settings
from .embedding import Embedder
from .evidence import SentenceIndex
from .indexing import open_index
from .lexical import tokenize
from .questions import clean_question, is_english
from .records import Answer, Hit
from .retrieval import RankingWeights, Retriever
from .store import Index

NOT_ADDRESSED = "The report does not appear to address this. The closest passages are shown below."


@dataclass(frozen=True)
class AbstainRule:
    """Abstain when the best passage matches the question weakly. Calibrated by scripts/calibrate."""

    min_score: float = 0.0  # fused score of the best passage below this: abstain


class Assistant:
    def __init__(
        self,
        index: Index,
        embedder: Embedder,
        settings: Settings | None = None,
        *,
        weights: RankingWeights | None = None,
        abstain: AbstainRule | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self.index = index
        self.embedder = embedder
        self.retriever = Retriever(index, embedder, weights)
        self.sentences = SentenceIndex(index.chunks, index.extra_vectors.get("sentences"))
        self.abstain_rule = abstain or AbstainRule()
        self.multilingual_vectors = index.extra_vectors.get("multilingual")
        self.multilingual = multilingual.load(self.settings.torch_threads) if self.multilingual_vectors is not None else None

    @classmethod
    def open(cls, settings: Settings | None = None, *, embedder: Embedder | None = None, rebuild: bool = True) -> Assistant:
        """Load the model and the index (building the index first when missing or stale)."""
        settings = settings or load_settings()
        if embedder is None:
            from .embedding import MiniLMEmbedder

            embedder = MiniLMEmbedder(threads=settings.torch_threads)
        return cls(open_index(settings, embedder, rebuild=rebuild), embedder, settings)

    @property
    def section_labels(self) -> list[str]:
        return list(dict.fromkeys(c.section_label for c in self.index.chunks))

    def ask(self, question: str, *, k: int | None = None, sections: list[str] | None = None) -> Answer:
        """Top ``k`` passages for ``question``; raises InvalidQuestion for empty or overlong input."""
        text = clean_question(question, self.settings.max_question_chars)
        k = k or self.settings.top_k
        notes: list[str] = []
        only = frozenset(sections) if sections else None
        query_vector: np.ndarray | None = None
        dense: np.ndarray | None = None
        if not is_english(text) and self.multilingual is not None and self.multilingual_vectors is not None:
            dense = self.multilingual_vectors @ self.multilingual.encode([text])[0]
        else:
            if not is_english(text):
                notes.append(multilingual.MISSING_NOTE)
            query_vector = self.embedder.encode([self.retriever.dense_query(text)])[0]
        scored, intent = self.retriever.rank(
            text, query_vector=query_vector, dense=dense, only_sections=only, limit=max(k, 10)
        )
        query_tokens = set(tokenize(text))
        hits = [
            Hit(
                chunk=self.index.chunks[s.position],
                score=s.score,
                rank=rank,
                evidence=self.sentences.best(s.position, query_vector, query_tokens),
            )
            for rank, s in enumerate(scored[:k], start=1)
        ]
        abstained = not scored or scored[0].score < self.abstain_rule.min_score
        if abstained:
            notes.insert(0, NOT_ADDRESSED)
        return Answer(question=text, hits=hits, abstained=abstained, notes=notes, search_query=text)


def top_score(answer: Answer) -> float:
    return float(answer.hits[0].score) if answer.hits else float(np.nan)
