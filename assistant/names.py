"""Names in a question that the indexed documents never mention.

A question about a court case, a company or a country the report never names still gets the
closest passages, and those may describe a different case in the same words ("the Court
awarded compensation"). Saying that the name appears nowhere keeps a reader from quoting a
passage about something else as the answer.
"""

from __future__ import annotations

import re

from .lexical import tokenize

# A capitalised word (or an acronym) in Latin letters; names in other scripts cannot be checked
# against an English report's words.
_NAME = re.compile(r"(?<![\w'’.-])([A-Z][A-Za-z'’-]*[A-Za-z])")


def _opens_sentence(before: str) -> bool:
    """The text before a word ends a sentence (or is empty): "v." and "Mr." do not end one."""
    before = before.rstrip()
    if not before or before[-1] in '?!:;"“(':
        return True
    if before[-1] != ".":
        return False
    word = re.search(r"(\w+)\.$", before)
    return not (word and (len(word.group(1)) <= 2 or word.group(1) in {"Mrs", "vs"}))


def unknown_names(question: str, vocabulary: set[str]) -> list[str]:
    """Capitalised words of ``question`` none of whose word forms occur in ``vocabulary``
    (stemmed tokens of every indexed passage), in question order, once each.

    A word opening the question or a sentence is skipped: it is capitalised as grammar, not
    as a name ("Which", "Did").
    """
    found: list[str] = []
    for match in _NAME.finditer(question):
        word = match.group(1)
        if _opens_sentence(question[: match.start()]):
            continue
        tokens = tokenize(word)
        if tokens and not any(token in vocabulary for token in tokens) and word not in found:
            found.append(word)
    return found
