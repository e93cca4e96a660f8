"""A question in another language, searched with the report's own English words.

The multilingual model places a word near its translations, so each word of the question that the
report does not use is replaced by the report's word nearest to it ("цепочками" -> "chains",
"Unternehmen" -> "enterprise"). The report's words and their vectors are made when the index is
built. The English words then reach what reads English only: BM25, the section intent ("второй
панели" -> "second panel"), MiniLM and the cross-encoder. No language model, no dictionary: the
vocabulary is the report's, so every word it yields can be found in it. Measured in the README.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable

import numpy as np

from .lexical import STOPWORDS, tokenize

# A word of the report worth a vector: letters (hyphenated words whole), three or more.
_REPORT_WORD = re.compile(r"[A-Za-z][A-Za-z-]*[A-Za-z]")
# A word of a question: letters of any script, or a number (kept as it is).
_QUESTION_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\d+(?:[.,]\d+)?")
# The share of a question's words that must be English stop words or words of the report for it to
# be read as English; a German or French question shares a few ("in", "was", "France").
_MIN_ENGLISH_SHARE = 0.5


def report_words(texts: Iterable[str]) -> list[str]:
    """The distinct lower-case words of ``texts``, sorted: three letters or more, and the shorter
    stop words ("кто" -> "who" tells the section intent that people are asked about)."""
    words = {match.group().lower() for text in texts for match in _REPORT_WORD.finditer(text)}
    return sorted(w for w in words if len(w) > 2 or w in STOPWORDS)


def question_words(question: str) -> list[str]:
    return [match.group().lower() for match in _QUESTION_WORD.finditer(question)]


def looks_english(question: str, vocabulary: Container[str]) -> bool:
    """True when at least half of the question's words are English stop words or words of the
    report (``vocabulary``: its stemmed BM25 terms): "Wie viele Unternehmen ..." is not, "What did
    Rantsev v Cyprus decide?" is. Capitalised words after the first are names, which say nothing
    of the language, and are not counted; questions of fewer than four other words are English."""
    found = [match.group() for match in _QUESTION_WORD.finditer(question)]
    words = [w.lower() for i, w in enumerate(found) if not w[0].isdigit() and (i == 0 or not w[0].isupper())]
    if len(words) < 4:
        return True
    english = sum(1 for w in words if all(t in vocabulary for t in tokenize(w)))  # stop words: no terms
    return english / len(words) >= _MIN_ENGLISH_SHARE


class WordTranslator:
    """Each word of a question not in the report, replaced by the report's nearest word."""

    def __init__(self, words: list[str], vectors: np.ndarray, min_similarity: float = 0.65) -> None:
        if len(words) != len(vectors):
            raise ValueError(f"{len(words)} words for {len(vectors)} vectors")
        self.words = words
        self.known = frozenset(words)
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        # Below this cosine a word has no counterpart in the report (names, function words):
        # dropped rather than guessed. Hit@5 on the Russian questions was flat from 0.60 to 0.70.
        self.min_similarity = min_similarity

    def translate(self, question: str, encode: Callable[[list[str]], np.ndarray]) -> str:
        """The question's words in order: the report's own kept, numbers kept, others translated
        or dropped. ``encode`` is the multilingual model's (unit vectors)."""
        words = question_words(question)
        unknown = list(dict.fromkeys(w for w in words if w not in self.known and not w[0].isdigit() and len(w) > 2))
        nearest: dict[str, str] = {}
        if unknown and len(self.words):
            similarity = encode(unknown) @ self._vectors.T
            best = similarity.argmax(axis=1)
            for word, row, column in zip(unknown, similarity, best, strict=True):
                if row[column] >= self.min_similarity:
                    nearest[word] = self.words[int(column)]
        kept = [w if w in self.known or w[0].isdigit() else nearest.get(w, "") for w in words]
        return " ".join(w for w in kept if w)
