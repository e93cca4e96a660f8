"""Answers as Markdown for the chat, with user and report text always shown literally."""

from __future__ import annotations

import re
from collections.abc import Callable

from .records import Answer, Chunk, Hit

# Every ASCII punctuation mark Markdown may act on: emphasis, links and images, code, headings
# ("#", "==="), lists ("1. ", "- "), tables, autolinks ("https:", "www.", "a@b"), maths ("$").
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>.:@=$-])")


def escape(text: str) -> str:
    """Text that Markdown and HTML will display as typed: no links, images, tags, lists or emphasis."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return text.replace("\n", "  \n")


# What a Markdown file needs escaped to show text as typed, and no more: it is also read in a text
# editor, where the chat's escapes ("Co\-founder", "1\.5") would be pasted with the quotation.
_FILE_SPECIAL = re.compile(r"([\\`*_\[\]|~]|(?<=\])\()")
_LINE_START = re.compile(r"^(\s*(?:\d+)?)([#>+=-]|(?<=\d)[.)])", re.M)  # a heading, quote or list item
_ENTITY = re.compile(r"&(?=#?\w+;)")  # "&amp;" would show as "&"


def escape_for_file(text: str) -> str:
    """Text that a Markdown file shows as typed (no links, tags, emphasis, headings or lists),
    escaped only where Markdown would act on it, so that it also reads as plain text."""
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    text = _FILE_SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text).replace("\n", "  \n")


def line_range(chunk: Chunk) -> str:
    """Where the passage is in a text source: ``line 12`` or ``lines 12–14``; "" for a PDF, whose
    citation already gives the page."""
    if chunk.page is not None:
        return ""
    if chunk.line_end == chunk.line_start:
        return f"line {chunk.line_start}"
    return f"lines {chunk.line_start}–{chunk.line_end}"


def marked(text: str, spans: tuple[tuple[int, int], ...], escaper: Callable[[str], str] = escape) -> str:
    """``text`` escaped by ``escaper``, with the character ``spans`` (the evidence) in <mark>."""
    pieces: list[str] = []
    cursor = 0
    for start, end in spans:
        pieces.append(escaper(text[cursor:start]))
        pieces.append(f"<mark>{escaper(text[start:end])}</mark>")
        cursor = end
    pieces.append(escaper(text[cursor:]))
    return "".join(pieces)


def highlighted(hit: Hit) -> str:
    """The passage with its best-answering sentences marked."""
    return marked(hit.chunk.text, hit.evidence)


def format_hit(hit: Hit, answers: bool = True) -> str:
    """One passage as a chat message; its best-answering sentences marked only when ``answers``:
    under "does not appear to address this", a marked sentence would look like an answer."""
    chunk = hit.chunk
    where = f" · {line_range(chunk)}" if line_range(chunk) else ""
    text = highlighted(hit) if answers else escape(chunk.text)
    return f"**[{hit.rank}] {escape(hit.citation)}**  \n*{escape(chunk.section_title)}*{where}\n\n> {text}"


OPEN_HINT = "Click a passage to see it in its place in the report."
# Above the passages of an answer that says the report does not address the question (chat, handouts).
CLOSEST_LABEL = "Closest passages (they do not answer the question):"


def format_notes(answer: Answer) -> str | None:
    """The message before the passages: notes (e.g. not addressed), or None when there is nothing to say."""
    parts = [f"_{escape(note)}_" for note in answer.notes]
    if answer.abstained and answer.hits:
        parts.append(f"**{CLOSEST_LABEL}**")
    if not answer.hits:
        parts.append("No passage found.")
    return "\n\n".join(parts) or None


def format_answer(answer: Answer) -> list[str]:
    """The chat messages for an answer: the notes (when there are any), then one per passage."""
    notes = format_notes(answer)
    return ([notes] if notes is not None else []) + [format_hit(hit, not answer.abstained) for hit in answer.hits]
