"""A question in another language, searched with the report's own English words.

The multilingual model places a word near its translations, so each word of the question that the
report does not use is replaced by the report's word nearest to it ("цепочками" -> "chains",
"Unternehmen" -> "enterprise"); a name in Cyrillic is first spelled in Latin letters and looked up
("Митчелл" -> "mitchell"). The report's words and their vectors are made when the index is built.
The English words then reach what reads English only: BM25, the section intent ("второй панели"
-> "second panel"), MiniLM and the cross-encoder. No language model, no dictionary: the vocabulary
is the report's, so every word it yields can be found in it. Measured in docs/quality.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher, get_close_matches
from functools import lru_cache

import numpy as np

from .config import WORD_MATCH_MIN_SIMILARITY
from .lexical import STOPWORDS, tokenize
from .names import opens_sentence

_LETTERS = r"[^\W\d_]+(?:-[^\W\d_]+)*"  # letters of any script; hyphenated words whole
_REPORT_WORD = re.compile(_LETTERS)
_QUESTION_WORD = re.compile(rf"{_LETTERS}|\d+(?:[.,]\d+)?")  # numbers are kept as they are
# The share of a question's words that must be English stop words or words of the report for it to
# be read as English, when it also has function words of another language.
_MIN_ENGLISH_SHARE = 0.5
# The Latin-script languages of the multilingual model (names as in the `stop-words` package).
_LATIN_LANGUAGES = ("german", "french", "spanish", "italian", "portuguese", "dutch", "polish", "turkish")
_ROMAN = re.compile(r"[ivxlcdm]+")
_BEFORE = 40  # characters before a word enough to tell whether it opens a sentence
# Russian and Ukrainian letters in Latin (as passports and the report spell names: Gekht, Viktorov).
_CYRILLIC_TO_LATIN = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфыэіґ", "abvgdeziyklmnoprstufyeig", strict=True)),
        **{"ё": "e", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch"},
        **{"ъ": "", "ь": "", "ю": "yu", "я": "ya", "ї": "yi", "є": "ye"},
    }
)


def report_words(texts: Iterable[str]) -> list[str]:
    """The distinct lower-case words of ``texts``, sorted: three letters or more, and the shorter
    stop words ("кто" -> "who" tells the section intent that people are asked about)."""
    words = {match.group().lower() for text in texts for match in _REPORT_WORD.finditer(text)}
    return sorted(w for w in words if len(w) > 2 or w in STOPWORDS)


def question_words(question: str) -> list[str]:
    """The question's words and numbers in order, as written (case kept)."""
    return [match.group() for match in _QUESTION_WORD.finditer(question)]


@lru_cache(maxsize=1)
def _function_words() -> dict[str, frozenset[str]]:
    """Function words by language, from the `stop-words` package (the `multilingual` extra); empty
    without it."""
    try:
        from stop_words import get_stop_words
    except ImportError:
        return {}
    languages = (*_LATIN_LANGUAGES, "english", "russian", "ukrainian")
    return {language: frozenset(w.lower() for w in get_stop_words(language)) for language in languages}


@lru_cache(maxsize=1)
def foreign_function_words() -> frozenset[str]:
    """Function words of the other Latin-script languages that are not English ones ("wer", "das",
    "qui", "el", "het"; not roman numerals, which those lists carry)."""
    lists = _function_words()
    if not lists:
        return frozenset()
    foreign = frozenset().union(*(lists[language] for language in _LATIN_LANGUAGES))
    return frozenset(w for w in foreign - lists["english"] - STOPWORDS if not _ROMAN.fullmatch(w))


@lru_cache(maxsize=1)
def _any_function_words() -> frozenset[str]:
    return frozenset().union(*_function_words().values()) | STOPWORDS


def _own_words(question: str) -> list[str]:
    """The question's words that carry meaning in any of its languages: three letters or more, no
    function word of English, Russian, Ukrainian or the Latin-script languages."""
    function = _any_function_words()
    words = [w.lower() for w in question_words(question) if not w[0].isdigit()]
    return [w for w in words if len(w) > 2 and w not in function]


def bare_follow_up(question: str) -> bool:
    """A question in another language that says at most one thing of its own ("а кто
    модерировал?", "а они?"): it leans on the previous turn. Judged in its own words, as the
    words found for it can turn a standalone question into a seeming follow-up ("такое" -> "that")."""
    return len(_own_words(question)) <= 1


def looks_english(question: str, vocabulary: Container[str]) -> bool:
    """False when the question has function words of another language ("Wer", "das", "quién") and
    fewer than half of its words are English stop words or words of the report (``vocabulary``:
    its stemmed BM25 terms). Capitalised words after the first are names, which say nothing of the
    language, and are not counted in that share. So "Welche Rolle spielen Banken?" is not English,
    and neither is a French question naming France; "lorry drivers truckstops awareness training"
    and "What did Rantsev v Cyprus decide?" are, and so is any question of one or two words ("van
    drivers": the lists share some English words)."""
    found = [w for w in question_words(question) if not w[0].isdigit()]
    words = [w.lower() for i, w in enumerate(found) if i == 0 or not w[0].isupper()]
    if len(found) < 3 or not words:
        return True
    known = [all(t in vocabulary for t in tokenize(w)) for w in words]  # stop words give no terms
    foreign = foreign_function_words()
    if not any(w in foreign and not k for w, k in zip(words, known, strict=True)):
        return True
    return sum(known) / len(words) >= _MIN_ENGLISH_SHARE


def report_names(texts: Iterable[str]) -> frozenset[str]:
    """The report's proper names, lower case: words of three letters or more that it never writes
    in lower case nor all in capitals, and writes capitalised inside a sentence or before another
    capitalised word ("bob" of "Bob Mitchell", "gekht"; not "ilo", nor "alternatively", which is
    capitalised only where a sentence starts)."""
    capitalised: set[str] = set()
    lower: set[str] = set()
    for text in texts:
        matches = list(_REPORT_WORD.finditer(text))
        for number, match in enumerate(matches):
            word = match.group()
            if word.islower():
                lower.add(word)
                continue
            if not word[0].isupper() or word.isupper():
                continue
            # The text just before the word says whether it opens a sentence ("Mr." does not end one).
            inside = not opens_sentence(text[max(0, match.start() - _BEFORE) : match.start()])
            following = matches[number + 1] if number + 1 < len(matches) else None
            before_name = (
                following is not None
                and following.group()[0].isupper()
                and not text[match.end() : following.start()].strip()
            )
            if inside or before_name:
                capitalised.add(word.lower())
    return frozenset(w for w in capitalised - lower if len(w) >= 3 and w.isascii())


@dataclass(frozen=True)
class Translation:
    """A question as the report's words, and how much of it found one."""

    words: str
    matched: float  # 0-1: share of the question's words (those looked up) kept, spelled out or matched
    names: tuple[str, ...] = ()  # the report's names found by spelling a Cyrillic name in Latin


class WordTranslator:
    """Each word of a question not in the report, replaced by the report's nearest word; a name in
    Cyrillic, by the report's name spelled like it."""

    def __init__(
        self,
        words: list[str],
        vectors: np.ndarray,
        names: Iterable[str] = (),
        min_similarity: float = WORD_MATCH_MIN_SIMILARITY,
    ) -> None:
        if len(words) != len(vectors):
            raise ValueError(f"{len(words)} words for {len(vectors)} vectors")
        first: dict[str, int] = {}  # each word once: several documents share words
        for position, word in enumerate(words):
            first.setdefault(word, position)
        self.words = list(first)
        self.known = frozenset(first)
        self._vectors = np.ascontiguousarray(vectors[list(first.values())], dtype=np.float32)
        self.names = sorted(names)
        # Below this cosine a word has no counterpart in the report (names, particles): dropped
        # rather than guessed.
        self.min_similarity = min_similarity

    def translate(self, question: str, encode: Callable[[list[str]], np.ndarray]) -> Translation:
        """The question's words in order: the report's own kept, numbers kept, a Cyrillic name
        spelled in Latin letters when the report has it, the others matched or dropped.
        ``encode`` is the multilingual model's (unit vectors)."""
        written = question_words(question)
        words = [w.lower() for w in written]
        found: dict[str, str] = {}
        for original, word in zip(written, words, strict=True):
            # A name: capitalised, not an acronym (МОТ, ООН), not a word of the report.
            if original[0].isupper() and not original.isupper() and word not in self.known and word not in found:
                name = self._spelled_in_report(word)
                if name:
                    found[word] = name
        names = tuple(found.values())
        unknown = list(
            dict.fromkeys(
                w for w in words if w not in self.known and w not in found and not w[0].isdigit() and len(w) > 2
            )
        )
        if unknown and self.words:
            similarity = encode(unknown) @ self._vectors.T
            best = similarity.argmax(axis=1)
            for word, row, column in zip(unknown, similarity, best, strict=True):
                if row[column] >= self.min_similarity:
                    found[word] = self.words[int(column)]
        kept = [w if w in self.known or w[0].isdigit() else found.get(w, "") for w in words]
        # Short words never looked up ("в", "и", "ЕС") count neither way.
        looked_up = [k for w, k in zip(words, kept, strict=True) if not w[0].isdigit() and (k or len(w) > 2)]
        matched = sum(1 for k in looked_up if k) / len(looked_up) if looked_up else 1.0
        return Translation(" ".join(k for k in kept if k), matched, names)

    def _spelled_in_report(self, word: str) -> str:
        """The report's name closest to a Cyrillic word spelled in Latin letters ("митчелла" ->
        "mitchell", "джарбусынова" -> "jarbussynova"), or "" when none is close."""
        if word.isascii():
            return ""
        # The usual spelling, and the other common ones of дж and х ("Джон" -> "john").
        variants = (word, word.replace("дж", "j"), word.replace("х", "h"))
        spellings = {variant.translate(_CYRILLIC_TO_LATIN) for variant in variants}
        # A short name must be spelled exactly ("боб" -> "bob"): "есть" is "est", near "east".
        close = [
            (SequenceMatcher(None, latin, name).ratio(), name)
            for latin in spellings
            for name in get_close_matches(latin, self.names, n=1, cutoff=0.8 if len(latin) >= 4 else 1.0)
        ]
        return max(close)[1] if close else ""
