"""Mark the sentence(s) of a passage that best answer the question, so a reader sees why it was cited."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from .lexical import tokenize
from .records import Chunk
from .sentences import sentence_spans

# Added to the score of a sentence that gives the kind of fact asked for (a sentence's score is a
# cosine, 0.3-0.7 for the sentences of a cited passage, plus half the share of the question's words).
GIVES_BONUS = 0.2


# "Who moderated / spoke on / reported on Panel 3?": the sentence of the session's people that
# names that role, not another ("Bob Mitchell ... was the rapporteur" for who moderated).
# In Russian too, the workshops' other language: its role words are often lost when the
# question's words are matched to the report's ("модерировал" found none).
_WHO = re.compile(r"(?i)\bwho\b|\bwhich (?:person|people)\b|(?<!\w)кто(?!\w)")
_ROLE_SENTENCES = (
    (
        re.compile(r"(?i)\bmoderat\w*|\bchair\w*|(?<!\w)(?:модер|председател)\w*"),
        re.compile(r"(?i)\bmoderated by\b|\bchaired by\b|\bmoderators?\b"),
    ),
    (
        re.compile(r"(?i)\bspeakers?\b|\bspoke\b|\bspeak(?:ing|s)?\b|\bpanell?ists?\b|(?<!\w)(?:выступ|спикер)\w*"),
        re.compile(r"(?i)\bspeakers included\b|\bspeakers (?:were|was)\b"),
    ),
    (re.compile(r"(?i)\brapporteurs?\b|(?<!\w)рап+орт[её]р\w*"), re.compile(r"(?i)\brapporteurs?\b")),
)


def role_sentence(question: str) -> Callable[[str], bool] | None:
    """For a question asking who held one role in a session, what tells the sentence naming that
    role; None for any other question (or one asking about two roles)."""
    if not _WHO.search(question):
        return None
    wanted = [sentence for asked, sentence in _ROLE_SENTENCES if asked.search(question)]
    if len(wanted) != 1:
        return None
    return lambda text: bool(wanted[0].search(text))


class SentenceIndex:
    """Every chunk's sentences with their spans, and their vectors when the index has them."""

    def __init__(self, chunks: list[Chunk], vectors: np.ndarray | None) -> None:
        self.spans: list[list[tuple[int, int]]] = [sentence_spans(c.text) for c in chunks]
        self.first: list[int] = []
        total = 0
        for spans in self.spans:
            self.first.append(total)
            total += len(spans)
        self.vectors = vectors if vectors is not None and len(vectors) == total else None
        self._chunks = chunks
        self._tokens: dict[int, list[set[str]]] = {}  # per chunk, made when first cited: fast start on a shelf

    def _words(self, position: int) -> list[set[str]]:
        words = self._tokens.get(position)
        if words is None:
            text = self._chunks[position].text
            words = self._tokens[position] = [set(tokenize(text[s:e])) for s, e in self.spans[position]]
        return words

    def scores(self, position: int, query_vector: np.ndarray | None, query_tokens: set[str]) -> np.ndarray:
        """Score of each sentence of chunk ``position``: cosine plus share of query words it holds."""
        count = len(self.spans[position])
        overlap = np.array(
            [len(query_tokens & words) / max(1, len(query_tokens)) for words in self._words(position)],
            dtype=np.float32,
        )
        if self.vectors is None or query_vector is None:
            return overlap
        start = self.first[position]
        return self.vectors[start : start + count] @ query_vector + 0.5 * overlap

    def best(
        self,
        position: int,
        query_vector: np.ndarray | None,
        query_tokens: set[str],
        gives: Callable[[str], bool] | None = None,
        naming: Callable[[str], bool] | None = None,
        prefer: Callable[[str], bool] | None = None,
    ) -> tuple[tuple[int, int], ...]:
        """Spans of the best sentence, and of the runner-up when it is nearly as good. ``gives``
        tells a sentence that gives the kind of fact asked for (a count for "how many"): it is
        preferred, as "the death of 1,138 people" over the sentence that names Rana Plaza.
        ``naming`` tells a sentence that names whom the question names: only those are marked.
        ``prefer`` tells the sentence that names the role asked about: chosen when there is one."""
        spans = self.spans[position]
        text = self._chunks[position].text
        # Only a sentence naming whom the question names can answer it ("Who is Bob Mitchell?" must
        # not mark "The last introductory speaker, Rob Lederer, ..."): none, no mark.
        names = [naming is None or naming(text[s:e]) for s, e in spans]
        if not any(names):
            return ()
        if naming is not None and sum(names) == 1:
            return (spans[names.index(True)],)
        if prefer is not None:
            preferred = [i for i, (s, e) in enumerate(spans) if prefer(text[s:e])]
            if len(preferred) == 1 and names[preferred[0]]:
                return (spans[preferred[0]],)
        if len(spans) <= 1:
            return tuple(spans)
        scores = self.scores(position, query_vector, query_tokens)
        if naming is not None:
            scores = np.where(np.array(names), scores, -np.inf)
        if gives is not None:
            scores = scores + GIVES_BONUS * np.array([gives(text[s:e]) for s, e in spans], dtype=np.float32)
        # A line of one word (the title page's "REPORT") says nothing by itself: never the answer.
        bare = np.array([len(text[s:e].split()) < 2 for s, e in spans])
        if not bare.all():
            scores = np.where(bare, -np.inf, scores)
        order = np.argsort(-scores)
        chosen = [int(order[0])]
        if np.isfinite(scores[order[1]]) and scores[order[1]] >= scores[order[0]] - 0.03:
            chosen.append(int(order[1]))
        return tuple(spans[i] for i in sorted(chosen))
