"""Check a question before searching: say clearly why it cannot be answered."""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidQuestion

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def visible_text(text: str | None) -> str:
    """``text`` with control characters (NUL, escapes, bells) removed and white space folded."""
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", str(text or "")))
    return re.sub(r"\s+", " ", text).strip()


def clean_question(text: str | None, max_chars: int = 2000) -> str:
    """The question with control characters removed and white space folded, or InvalidQuestion."""
    text = visible_text(text)
    if not text:
        raise InvalidQuestion("Please type a question.", "For example: Who moderated Panel 3?")
    if len(text) > max_chars:
        raise InvalidQuestion(
            f"The question is {len(text):,} characters long; the limit is {max_chars:,}.",
            "Ask about one thing at a time, or quote a shorter passage.",
        )
    if not any(ch.isalnum() for ch in text):
        raise InvalidQuestion("The question has no words to search for.", "For example: Who moderated Panel 3?")
    return text


def mostly_latin(text: str) -> bool:
    """True unless most letters are outside the Latin alphabet (Cyrillic, Greek, Arabic, ...): a
    question that may be English (``crosslingual.looks_english`` decides)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return True
    latin = sum(1 for ch in letters if ch.isascii())
    return latin / len(letters) >= 0.6
