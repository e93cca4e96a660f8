"""Split text into sentences without breaking on "Mr." or "U.K." and keep character spans."""

from __future__ import annotations

import re

# A stop, question or exclamation mark (with any closing quote or bracket) followed by
# white space and a capital, a digit or an opening quote starts a new sentence, and so does a
# line break (a list item, a line of the title page)...
_BOUNDARY = re.compile(r"(?<=[.!?;])([”\"’')\]]*)\s+(?=[A-Z0-9“\"‘(]|- )|\n")
# ...unless the stop belongs to one of these abbreviations or initials.
# ("v." of a court case: "Chowdury and Others v. Greece" was cut in two, its ruling in the second half.)
_NO_BREAK_BEFORE = re.compile(r"(?:\b(?:Mr|Ms|Mrs|Dr|St|No|Prof|Art|e\.g|i\.e|etc|vs|v)\.|\b[A-Z]\.)$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of ``text``, covering all of it."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        head = text[start : match.start()].rstrip("”\"’')] ")
        if _NO_BREAK_BEFORE.search(head):
            continue
        spans.append((start, match.start() + len(match.group(1) or "")))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def split_sentences(text: str) -> list[str]:
    return [text[s:e].strip() for s, e in sentence_spans(text)]
