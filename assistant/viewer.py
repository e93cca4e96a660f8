"""The source viewer: a cited passage in its place in the report, with its neighbours and a
reference ready to paste. Everything from the report is escaped: it is shown, never interpreted."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .abstain import LOOSE_MATCH_NOTE
from .formatting import line_range, marked
from .outline import Outline, reference
from .records import Answer, Chunk

CONTEXT = 2  # neighbouring passages shown on each side


@dataclass(frozen=True)
class SourceView:
    """A passage with the passages around it in its section, as the viewer shows it."""

    chunk: Chunk
    reference: str
    before: tuple[Chunk, ...]
    after: tuple[Chunk, ...]
    evidence: tuple[tuple[int, int], ...] = ()  # spans of chunk.text to highlight more strongly
    where: str = ""  # citation, lines and document, for the viewer's heading
    caution: str = ""  # said above the passage when it was shown as no answer (:func:`caution_for`)

    @property
    def quotation(self) -> str:
        """The highlighted sentences (the whole passage when none are), as plain text in quotation
        marks, then the reference: what an analyst pastes (the chat's copy button gives Markdown)."""
        text = self.chunk.text
        quoted = " … ".join(" ".join(text[start:end].split()) for start, end in self.evidence)
        return f"“{quoted or ' '.join(text.split())}” ({self.reference})"


def caution_for(answer: Answer) -> str:
    """What the viewer says of a passage opened from ``answer`` when it was shown as no answer: the
    chat said so above it, the viewer (and its quotation ready to paste) did not."""
    asked = " ".join(answer.question.split())
    asked = asked if len(asked) <= 80 else asked[:77].rstrip() + "…"
    if answer.abstained:
        return f"Shown as one of the closest passages to “{asked}”, which it does not answer."
    if LOOSE_MATCH_NOTE in answer.notes:
        return f"Shown for “{asked}”, which no passage matches closely: read it before quoting it as an answer."
    return ""


def source_view(
    outline: Outline,
    chunk_id: str,
    evidence: tuple[tuple[int, int], ...] = (),
    context: int = CONTEXT,
    caution: str = "",
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
        where=", ".join(part for part in (outline.cite(chunk), line_range(chunk)) if part)
        + f" — {outline.title(chunk.doc)}",
        caution=caution,
    )


def _place(chunk: Chunk) -> str:
    lines = line_range(chunk)
    return f"{chunk.citation} · {lines}" if lines else chunk.citation


def _passage(chunk: Chunk, css: str, body: str) -> str:
    return (
        f'<div class="src-passage {css}" data-chunk="{escape(chunk.id)}">'
        f'<div class="src-cite">{escape(_place(chunk))}</div>'
        f"<p>{body}</p></div>"
    )


def render_view(view: SourceView | None, missing: str = "") -> str:
    """HTML for the viewer panel; ``missing`` names a passage that was asked for but not found."""
    if missing:
        return (
            f'<div class="src-empty">There is no passage “{escape(missing)}” in this index: the link may '
            "come from an older version of the report. Ask the question instead.</div>"
        )
    if view is None:
        return (
            '<div class="src-empty">Click a passage in the chat, or pick one in the report browser, '
            "to see it here in its place in the report.</div>"
        )
    chunk = view.chunk
    parts = [
        f'<div class="src-view"><h3 class="src-title">{escape(chunk.section_title)}</h3>',
        f'<div class="src-where">{escape(view.where)}</div>',
    ]
    if view.caution:
        parts.append(f'<div class="src-caution">{escape(view.caution)}</div>')
    parts += [_passage(c, "src-context", escape(c.text)) for c in view.before]
    parts.append(_passage(chunk, "src-cited", marked(chunk.text, view.evidence, escape)))
    parts += [_passage(c, "src-context", escape(c.text)) for c in view.after]
    parts.append("</div>")
    return "".join(parts)
