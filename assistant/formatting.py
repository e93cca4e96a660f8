"""Answers as Markdown for the chat, with user and report text always shown literally."""

from __future__ import annotations

import re

from .records import Answer, Hit

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def escape(text: str) -> str:
    """Text that Markdown and HTML will display as typed: no links, images, tags or emphasis."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return text.replace("\n", "  \n")


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
    if chunk.page is not None:
        where = chunk.pages
    elif chunk.line_end != chunk.line_start:
        where = f"lines {chunk.line_start}–{chunk.line_end}"
    else:
        where = f"line {chunk.line_start}"
    return (
        f"**[{hit.rank}] {escape(hit.citation)}**  \n*{escape(chunk.section_title)}* · {where}\n\n> {highlighted(hit)}"
    )


def format_answer(answer: Answer) -> str:
    """The chat reply: notes first (e.g. not addressed), then each passage under its citation."""
    parts = [f"_{escape(note)}_" for note in answer.notes]
    if answer.abstained and answer.hits:
        parts.append("**Closest passages (they do not answer the question):**")
    parts += [format_hit(hit) for hit in answer.hits]
    if not answer.hits:
        parts.append("No passage found.")
    return "\n\n".join(parts)
