"""The source viewer: a cited passage in its place in the report, with its neighbours and a
reference ready to paste. Everything from the report is escaped: it is shown, never interpreted."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .formatting import line_range
from .outline import Outline, reference
from .records import Chunk

CONTEXT = 2  # neighbouring passages shown on each side


@dataclass(frozen=True)
class SourceView:
    chunk: Chunk
    reference: str
    before: tuple[Chunk, ...]
    after: tuple[Chunk, ...]
    evidence: tuple[tuple[int, int], ...] = ()  # spans of chunk.text to highlight more strongly


def source_view(
    outline: Outline, chunk_id: str, evidence: tuple[tuple[int, int], ...] = (), context: int = CONTEXT
) -> SourceView | None:
    """The view of ``chunk_id``, or None if the index has no such passage."""
    chunk = outline.chunks.get(chunk_id)
    if chunk is None:
        return None
    section = [c for c in outline.chunks.values() if c.doc == chunk.doc and c.section_label == chunk.section_label]
    at = section.index(chunk)
    return SourceView(
        chunk=chunk,
        reference=reference(chunk, outline.meta(chunk)),
        before=tuple(section[max(0, at - context) : at]),
        after=tuple(section[at + 1 : at + 1 + context]),
        evidence=evidence,
    )


def _marked(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    pieces, cursor = [], 0
    for start, end in spans:
        pieces += [escape(text[cursor:start]), f"<mark>{escape(text[start:end])}</mark>"]
        cursor = end
    pieces.append(escape(text[cursor:]))
    return "".join(pieces)


def _passage(chunk: Chunk, css: str, body: str) -> str:
    return (
        f'<div class="src-passage {css}" data-chunk="{escape(chunk.id)}">'
        f'<div class="src-cite">{escape(chunk.citation)} · {line_range(chunk)}</div>'
        f"<p>{body}</p></div>"
    )


def render_view(view: SourceView | None) -> str:
    """HTML for the viewer panel."""
    if view is None:
        return (
            '<div class="src-empty">Click a passage in the chat, or pick one in the report browser, '
            "to see it here in its place in the report.</div>"
        )
    chunk = view.chunk
    parts = [
        f'<div class="src-view"><h3 class="src-title">{escape(chunk.section_title)}</h3>',
        f'<div class="src-where">{escape(chunk.citation)}, {line_range(chunk)} of {escape(chunk.doc)}</div>',
    ]
    parts += [_passage(c, "src-context", escape(c.text)) for c in view.before]
    parts.append(_passage(chunk, "src-cited", _marked(chunk.text, view.evidence)))
    parts += [_passage(c, "src-context", escape(c.text)) for c in view.after]
    parts.append("</div>")
    return "".join(parts)
