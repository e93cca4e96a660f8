"""A question in another language, searched with the report's own English words.

The multilingual model places a word near its translations, so each word of the question that the
report does not use is replaced by the report's word nearest to it ("цепочками" -> "chains",
"Unternehmen" -> "enterprise"); a name in Cyrillic is first spelled in Latin letters and looked up
("Митчелл" -> "mitchell"). A word near no word of the report is read with a neighbour as one of
its two-word phrases ("отмывание денег" -> "money laundering"): a pair says what a word alone does
not. The report's words, phrases and their vectors are made when the index is built.
The English words then reach what reads English only: BM25, the section intent ("второй панели"
-> "second panel"), MiniLM and the cross-encoder. No language model, no dictionary: the vocabulary
is the report's, so every word it yields can be found in it. Measured in docs/quality.md.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher, get_close_matches
from functools import lru_cache
from itertools import pairwise

import numpy as np

from .config import PHRASE_MATCH_MIN_SIMILARITY, WORD_MATCH_MIN_SIMILARITY
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


# A clause: the stretch of a sentence between punctuation, inside which two words make a phrase.
_CLAUSE_BREAK = re.compile(r"[.;:,()\[\]“”\"!?]")


def report_phrases(texts: Iterable[str]) -> list[str]:
    """The report's two-word phrases, lower case, sorted: neighbours in a clause, neither a stop
    word nor under three letters ("money laundering", "recruitment fees", "supply chains"). A
    question's words that match no single word of the report can match one ("отмывание денег"):
    the multilingual model places a phrase near its translation far better than a word alone."""
    phrases: set[str] = set()
    for text in texts:
        for clause in _CLAUSE_BREAK.split(text):
            words = [match.group().lower() for match in _REPORT_WORD.finditer(clause)]
            phrases.update(
                f"{first} {second}"
                for first, second in pairwise(words)
                if len(first) > 2 and len(second) > 2 and first not in STOPWORDS and second not in STOPWORDS
            )
    return sorted(phrases)


def rare_phrases(texts: list[str], share: float) -> list[str]:
    """The phrases (:func:`report_phrases`) used by at most ``share`` of ``texts``, sorted."""
    used: Counter[str] = Counter()
    for text in texts:
        used.update(report_phrases([text]))
    return sorted(phrase for phrase, count in used.items() if count <= share * len(texts))


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
    # Phrases few of the report's passages use, found as neighbours among ``words`` ("golden dreams",
    # "money laundering"): like a name, they say the question is about something the report names.
    phrases: tuple[str, ...] = ()


class WordTranslator:
    """Each word of a question not in the report, replaced by the report's nearest word, or when
    none is near, by the report's phrase nearest to it and a neighbour; a name in Cyrillic, by the
    report's name spelled like it."""

    def __init__(
        self,
        words: list[str],
        vectors: np.ndarray,
        names: Iterable[str] = (),
        min_similarity: float = WORD_MATCH_MIN_SIMILARITY,
        min_phrase_similarity: float = PHRASE_MATCH_MIN_SIMILARITY,
        rare_phrases: Iterable[str] = (),
    ) -> None:
        """``words``: the report's words and two-word phrases (:func:`report_phrases`), with their
        multilingual ``vectors`` in the same order; ``rare_phrases``: those few passages use."""
        if len(words) != len(vectors):
            raise ValueError(f"{len(words)} words for {len(vectors)} vectors")
        first: dict[str, int] = {}  # each word once: several documents share words
        for position, word in enumerate(words):
            first.setdefault(word, position)
        single = [word for word in first if " " not in word]
        phrases = [word for word in first if " " in word]
        self.words = single
        self.known = frozenset(single)
        self._vectors = np.ascontiguousarray(vectors[[first[w] for w in single]], dtype=np.float32)
        self.phrases = phrases
        self._phrase_vectors = np.ascontiguousarray(vectors[[first[w] for w in phrases]], dtype=np.float32)
        self.names = sorted(names)
        # Below this cosine a word has no counterpart in the report (names, particles): dropped
        # rather than guessed.
        self.min_similarity = min_similarity
        self.min_phrase_similarity = min_phrase_similarity
        self.rare_phrases = frozenset(rare_phrases)

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
        found.update(self._phrases_for(words, [w for w in unknown if w not in found], encode))
        kept = [w if w in self.known or w[0].isdigit() else found.get(w, "") for w in words]
        # Short words never looked up ("в", "и", "ЕС") count neither way.
        looked_up = [k for w, k in zip(words, kept, strict=True) if not w[0].isdigit() and (k or len(w) > 2)]
        matched = sum(1 for k in looked_up if k) / len(looked_up) if looked_up else 1.0
        found_words = " ".join(k for k in kept if k)
        pairs = (" ".join(pair) for pair in pairwise(found_words.split()))
        rare = tuple(dict.fromkeys(pair for pair in pairs if pair in self.rare_phrases))
        return Translation(found_words, matched, names, rare)

    def _phrases_for(
        self, words: list[str], unmatched: list[str], encode: Callable[[list[str]], np.ndarray]
    ) -> dict[str, str]:
        """For each word of ``unmatched``, the report's phrase nearest to it with a word beside it
        ("отмывание денег" -> "money laundering", "бирманском языке" -> "burmese language"), when
        one is close enough. Only words no single word matched: where one did, a phrase replacing
        it lost more answers than it found (measured: docs/quality.md)."""
        if not unmatched or not self.phrases:
            return {}
        function = _any_function_words()

        def content(position: int) -> bool:
            if not 0 <= position < len(words):
                return False
            word = words[position]
            return len(word) > 2 and not word[0].isdigit() and word not in function

        wanted = set(unmatched)
        pairs = sorted(
            {
                (left, left + 1)
                for position, word in enumerate(words)
                if word in wanted and content(position)
                for left in (position - 1, position)
                if content(left) and content(left + 1)
            }
        )
        if not pairs:
            return {}
        similarity = encode([f"{words[a]} {words[b]}" for a, b in pairs]) @ self._phrase_vectors.T
        best = similarity.argmax(axis=1)
        found: dict[str, tuple[float, str]] = {}
        for (a, b), row, column in zip(pairs, similarity, best, strict=True):
            score = float(row[column])
            if score < self.min_phrase_similarity:
                continue
            for word in (words[a], words[b]):
                if word in wanted and score > found.get(word, (0.0, ""))[0]:
                    found[word] = (score, self.phrases[int(column)])
        return {word: phrase for word, (_, phrase) in found.items()}

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
