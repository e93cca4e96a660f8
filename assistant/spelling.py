"""Typing slips in an English question, mended with the report's own words.

Participants type fast: "waht did panle 3 say about tobaco?" found no passage on tobacco, and its
three misspelt words were shown as "Not mentioned anywhere in the report", over a "does not
appear to address this" (the report has two paragraphs on tobacco). A word is mended only when
it is a slip, not a word the participant meant: it is in no English dictionary (pyspellchecker's
list, shipped in its wheel) and nowhere in the report, and exactly one edit (a letter added,
dropped, changed, or two swapped) turns it into a word the report writes in lower case. Names are
left alone: a surname one letter from a name of the report ("Petrov", "Petrova") is another
person, and a question about them must not be answered with the report's.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Container, Iterable
from dataclasses import dataclass
from functools import cached_property

from .lexical import tokenize

MIN_LETTERS = 4  # shorter words are too often something else one edit away ("im", "ngo")
# Contractions typed without their apostrophe are words, not slips ("dont" is not "done").
_CONTRACTIONS = frozenset(
    re.findall(
        r"\w+",
        "dont doesnt didnt isnt wasnt arent werent cant couldnt wouldnt shouldnt wont havent hasnt hadnt "
        "whats thats theres heres whos youre theyre ive youve weve theyve youll theyll lets",
    )
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Mended:
    """A question with its slips mended, and each slip with its mend ("panle" → "panel")."""

    text: str
    fixes: tuple[tuple[str, str], ...] = ()


def available() -> bool:
    """pyspellchecker (a base dependency) is installed: without it nothing is mended."""
    return importlib.util.find_spec("spellchecker") is not None


class Speller:
    """Knows the report's lower-case words, with how often each is used; mends slips into them."""

    def __init__(self, texts: Iterable[str], stems: Container[str] = frozenset()) -> None:
        """``texts``: the report's passages; ``stems``: its stemmed words (another form of one of
        them, "bitcoin" for its "bitcoins", is a word, not a slip)."""
        self._stems = stems
        counts: Counter[str] = Counter()
        everywhere: set[str] = set()
        capitalised: dict[str, str] = {}
        for text in texts:
            found = _WORD.findall(text)
            counts.update(w for w in found if w.islower())
            everywhere.update(w.lower() for w in found)
            capitalised.update((w.lower(), w) for w in found if w[0].isupper() and not w.isupper())
        self.words = counts  # only words the report writes in lower case: never one of its names
        self._everywhere = frozenset(everywhere)  # every word it writes, names included: never a slip
        self._names = {lower: written for lower, written in capitalised.items() if lower not in counts}

    @cached_property
    def _english(self) -> object:
        """The English word list (160,000 words, about 0.8 s to load): read at the first unknown word."""
        from spellchecker import SpellChecker

        return SpellChecker(language="en", distance=1, case_sensitive=False)

    def load(self) -> None:
        """Read the English word list now (a server does, before its first question)."""
        _ = self._english

    def _stems_known(self, word: str) -> bool:
        stems = tokenize(word)
        return bool(stems) and all(stem in self._stems for stem in stems)

    def _is_english(self, word: str) -> bool:
        """In the dictionary, which spells the American way: "organisation" is English too."""
        english = self._english
        return any(form in english for form in {word, *_american(word)})  # type: ignore[operator]

    def mend(self, question: str) -> Mended:
        """``question`` with each slip replaced by its mend (see the module's docstring)."""
        fixes: list[tuple[str, str]] = []
        pieces: list[str] = []
        last = 0
        for match in _WORD.finditer(question):
            word = match.group()
            mended = self._mend_word(word, starts_sentence=_starts_sentence(question, match.start()))
            if mended != word:
                fixes.append((word, mended))
                pieces += [question[last : match.start()], mended]
                last = match.end()
        if not fixes:
            return Mended(question)
        return Mended("".join([*pieces, question[last:]]), tuple(fixes))

    def _mend_word(self, word: str, starts_sentence: bool) -> str:
        lower = word.lower()
        if len(word) < MIN_LETTERS or not lower.isascii() or not lower.isalpha() or lower in _CONTRACTIONS:
            return word  # short, with an apostrophe, or in another alphabet ("française")
        if word[0].isupper() and not (starts_sentence and word[1:].islower()):
            return word  # a name or an acronym
        if lower in self._everywhere or self._stems_known(lower) or self._is_english(lower):
            return word
        candidates = [c for c in _one_edit(lower) if c in self.words]
        if not candidates:
            return word
        best = max(candidates, key=lambda c: (self.words[c], c))
        return best.capitalize() if word[0].isupper() else best

    def name_like(self, word: str) -> str | None:
        """The report's name one slip away from ``word`` ("AccorHotles" -> "AccorHotels"), for a note
        that asks, not a mend: a name one letter from another may be another person ("Petrov")."""
        lower = word.lower()
        if len(lower) < 2 * MIN_LETTERS or lower in self._everywhere:
            return None
        close = sorted(self._names[c] for c in _one_edit(lower) if c in self._names)
        return close[0] if len(close) == 1 else None


# British endings and their American forms: the dictionary has "organization", "analyze", "labor".
_BRITISH = (
    ("isation", "ization"),
    ("ise", "ize"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ising", "izing"),
    ("yse", "yze"),
    ("ysed", "yzed"),
    ("our", "or"),
    ("ours", "ors"),
    ("tre", "ter"),
    ("ence", "ense"),
    ("lled", "led"),
    ("lling", "ling"),
    ("ogue", "og"),
)


def _american(word: str) -> set[str]:
    """``word`` with a British ending (or "isation"/"our" inside it) spelled the American way."""
    forms = {word[: -len(b)] + a for b, a in _BRITISH if word.endswith(b)}
    forms |= {word.replace(b, a) for b, a in (("isation", "ization"), ("our", "or")) if b in word}
    return forms


def _starts_sentence(text: str, position: int) -> bool:
    before = text[:position].rstrip()
    return not before or before[-1] in '.?!:;—–-"“(' or before.endswith(("'", "‘"))


def _one_edit(word: str) -> set[str]:
    """Every string one letter dropped, swapped with the next, changed or added away from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    dropped = [a + b[1:] for a, b in splits if b]
    swapped = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    changed = [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
    added = [a + c + b for a, b in splits for c in _LETTERS]
    return set(dropped + swapped + changed + added) - {word}
