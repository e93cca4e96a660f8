"""Names in a question that the indexed documents never mention.

A question about a court case, a company or a country the report never names still gets the
closest passages, and those may describe a different case in the same words ("the Court
awarded compensation"). Saying that the name appears nowhere keeps a reader from quoting a
passage about something else as the answer. The check leans towards silence: a name is taken
as mentioned when any word of the report starts like it ("Brazilian": Brazil), and acronyms,
titles and roman numerals are not checked (the report may spell them out or number them).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left

from .lexical import normalise, tokenize

# A word, with inner apostrophes or hyphens; whether it is a name (in Latin letters, accents
# allowed) is decided below.
_WORD = re.compile(r"(?<![\w'’.-])([^\W\d_]+(?:['’-][^\W\d_]+)*)(?![\w'’-])")
_CONTRACTION = re.compile(r"(?i)['’](?:s|ve|ll|re|d|m|t)$|n['’]t$")
_ROMAN = re.compile(r"^[IVXLC]+$")
_TITLES = frozenset({"Dr", "Prof", "Mr", "Mrs", "Ms", "Mx", "Sir", "Dame", "St", "Hon", "Rev", "Gen", "Amb"})
PREFIX = 4  # letters a word of the report must share with a name (at least; more for long names)


def _fold(word: str) -> str:
    """Lower case without accents: "Konečná" and "Konecna" are the same name."""
    decomposed = unicodedata.normalize("NFKD", normalise(word).replace("ß", "ss"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def opens_sentence(before: str) -> bool:
    """The text before a word ends a sentence (or is empty): "v.", "Mr." and "Prof." do not end one."""
    before = before.rstrip()
    if not before or before[-1] in '?!:;"“(':
        return True
    if before[-1] != ".":
        return False
    word = re.search(r"(\w+)\.$", before)
    if word is None or word.group(1).isdigit():
        return True
    return not (len(word.group(1)) <= 2 or word.group(1) in _TITLES or word.group(1) in {"Mrs", "vs"})


class NameChecker:
    """Knows the report's words once; says which names of a question it never uses."""

    def __init__(self, vocabulary: set[str]) -> None:
        """``vocabulary``: the report's stemmed word tokens (as the lexical index holds them)."""
        self._words = {_fold(token) for token in vocabulary}
        self._sorted = sorted(self._words)  # a prefix search is one bisection

    def _starts_a_word(self, prefix: str) -> bool:
        at = bisect_left(self._sorted, prefix)
        return at < len(self._sorted) and self._sorted[at].startswith(prefix)

    def unknown(self, question: str) -> list[str]:
        """Capitalised words of ``question`` that no word of the report starts like, in question
        order, once each. A word opening the question or a sentence is grammar ("Which", "Did")."""
        found: list[str] = []
        for match in _WORD.finditer(question):
            word = _CONTRACTION.sub("", match.group(1))
            if not word[:1].isupper() or opens_sentence(question[: match.start()]):
                continue
            if len(word) < 2 or sum(c.isupper() for c in word) > 1 or _ROMAN.match(word) or word in _TITLES:
                continue  # "I", acronyms (the report may spell them out), "II", "Dr"
            folded = _fold(word)
            if not folded.isascii():
                continue  # another script: an English report's words cannot settle it
            stems = tokenize(folded)  # stemmed as the report's words are: "July" is "juli"
            if not stems:
                continue
            stem = stems[0]
            # Long names must share more letters, counted on the word as written (its stem may be
            # much shorter): "Brazilian" needs "brazil", "Uzbek" "uzbe", "Eurovision" "eurovis".
            prefix = stem[: max(PREFIX, len(folded) - 3)]
            known = stem in self._words or (len(prefix) >= PREFIX and self._starts_a_word(prefix))
            if not known and word not in found:
                found.append(word)
        return found


def unknown_names(question: str, vocabulary: set[str]) -> list[str]:
    """:meth:`NameChecker.unknown` for a one-off check."""
    return NameChecker(vocabulary).unknown(question)
