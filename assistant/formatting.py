"""Answers as Markdown for the chat, with user and report text always shown literally."""

from __future__ import annotations

import re

from .records import Answer, Chunk, Hit

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def escape(text: str) -> str:
    """Text that Markdown and HTML will display as typed: no links, images, tags or emphasis."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return text.replace("\n", "  \n")


def line_range(chunk: Chunk) -> str:
    """Where the passage is in the source: ``p. 3`` for a PDF, else ``line 12`` or ``lines 12–14``."""
    if chunk.page is not None:
        return chunk.pages
    if chunk.line_end == chunk.line_start:
        return f"line {chunk.line_start}"
    return f"lines {chunk.line_start}–{chunk.line_end}"


def highlighted(hit: Hit) -> str:
    """The passage with its best-answering sentences marked."""
    text = hit.chunk.text
    pieces: list[str] = []
    cursor = 0
    for start, end in hit.evidence:
        pieces.append(escape(text[cursor:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    pieces.append(escape(text[cursor:]))
    return "".join(pieces)


def format_hit(hit: Hit) -> str:
    chunk = hit.chunk
    where = line_range(chunk)
    return (
        f"**[{hit.rank}] {escape(hit.citation)}**  \n*{escape(chunk.section_title)}* · {where}\n\n> {highlighted(hit)}"
    )


OPEN_HINT = "Click a passage to see it in its place in the report."


def format_notes(answer: Answer) -> str | None:
    """The message before the passages: notes (e.g. not addressed), or None when there is nothing to say."""
    parts = [f"_{escape(note)}_" for note in answer.notes]
    if answer.abstained and answer.hits:
        parts.append("**Closest passages (they do not answer the question):**")
    if not answer.hits:
        parts.append("No passage found.")
    return "\n\n".join(parts) or None
