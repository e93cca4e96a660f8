"""The report browser: every section with its people and its recommendations, numbered exactly as
they are cited, each a link that opens the source viewer (in a new tab, so the chat stays)."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from .outline import Outline, SectionOutline
from .records import Chunk

ROLES = (("moderator", "Moderator"), ("speaker", "Speakers"), ("rapporteur", "Rapporteur"))


def view_link(chunk: Chunk) -> str:
    """The page address that opens ``chunk`` in the source viewer."""
    return f"?view={quote(chunk.id, safe='')}"


def _people(section: SectionOutline) -> str:
    rows = []
    for role, heading in ROLES:
        people = section.role(role)
        if people:
            names = "; ".join(
                f"<b>{escape(p.name)}</b>" + (f", {escape(p.affiliation)}" if p.affiliation else "") for p in people
            )
            rows.append(f"<li>{heading}: {names}</li>")
    return f'<ul class="people">{"".join(rows)}</ul>' if rows else ""


def _item(outline: Outline, chunk: Chunk) -> str:
    return (
        f'<li class="rec" data-chunk="{escape(chunk.id)}"><a href="{escape(view_link(chunk))}" target="_blank">'
        f"{escape(outline.cite(chunk))}</a>: {escape(chunk.text)}</li>"
    )


def render_outline(outline: Outline) -> str:
    """HTML of the whole report browser."""
    parts = ['<div class="outline">']
    document = None
    for section in outline.sections:
        if outline.several and section.doc != document:
            document = section.doc
            parts.append(f'<h3 class="doc" data-doc="{escape(document)}">{escape(outline.title(document))}</h3>')
        count = _counted(len(section.paragraphs), "paragraph")
        if section.recommendations:
            count += ", " + _counted(len(section.recommendations), "recommendation")
        opened = " open" if section.recommendations else ""
        parts.append(
            f'<details class="section" data-doc="{escape(section.doc)}" data-section="{escape(section.label)}"{opened}>'
            f'<summary><b>{escape(section.title)}</b> <span class="count">({count})</span></summary>'
        )
        parts.append(_people(section))
        if section.paragraphs:
            first = section.paragraphs[0]
            link = f'<a href="{escape(view_link(first))}" target="_blank">Read from {escape(outline.cite(first))}</a>'
            parts.append(f"<p>{link}</p>")
        if section.recommendations:
            parts.append('<ul class="recs">' + "".join(_item(outline, c) for c in section.recommendations) + "</ul>")
        parts.append("</details>")
    parts.append("</div>")
    return "".join(parts)


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def passage_choices(outline: Outline) -> list[tuple[str, str]]:
    """(label, chunk id) for a dropdown of every citable passage, in reading order."""
    choices = []
    for chunk in outline.chunks.values():
        text = " ".join(chunk.text.split())  # the title page's lines, one line each, read as one
        preview = text[:70] + ("…" if len(text) > 70 else "")
        choices.append((f"{outline.cite(chunk)}: {preview}", chunk.id))
    return choices
