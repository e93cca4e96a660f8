"""Handouts: a conversation exported as Markdown and as a printable HTML page.

Only what the user typed and was shown goes in: each question, the notes, and every cited passage
with its full reference. Questions and passages are escaped, so markup in a question stays text.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from datetime import datetime
from html import escape as html_escape
from pathlib import Path

from .formatting import CLOSEST_LABEL
from .formatting import escape_for_file as markdown_text
from .outline import Outline, reference
from .records import Answer

PRINT_CSS = """
body { font: 12pt/1.45 Georgia, serif; max-width: 46em; margin: 2em auto; color: #000; }
h1 { font-size: 18pt; } h2 { font-size: 14pt; margin-top: 1.6em; border-bottom: 1px solid #999; }
.note { font-style: italic; } .cite { font-weight: bold; margin-top: 1em; } .closest { font-weight: bold; }
blockquote { margin: .3em 0 .8em 1em; padding-left: .8em; border-left: 3px solid #999; }
.ref { font-size: 10pt; color: #333; }
@media print { body { margin: 0; } h2 { page-break-after: avoid; } blockquote { page-break-inside: avoid; } }
"""


def _title(outline: Outline) -> str:
    titles = [m.get("title", "") for m in outline.documents.values() if m.get("title")]
    return "; ".join(titles) or "the report"


def to_markdown(answers: list[Answer], outline: Outline, when: datetime) -> str:
    lines = [
        f"# Questions and cited passages: {markdown_text(_title(outline))}",
        "",
        f"Exported {when:%Y-%m-%d %H:%M}. Each passage is quoted from the report with its reference.",
    ]
    for number, answer in enumerate(answers, start=1):
        lines += ["", f"## {number}. {markdown_text(answer.question)}", ""]
        lines += [f"*{markdown_text(note)}*\n" for note in answer.notes]
        if answer.abstained and answer.hits:
            lines += [f"**{markdown_text(CLOSEST_LABEL)}**", ""]
        for hit in answer.hits:
            ref = reference(hit.chunk, outline.meta(hit.chunk))
            lines += [f"**[{hit.rank}] {markdown_text(hit.citation)}**", ""]
            lines += [f"> {markdown_text(hit.chunk.text)}", "", f"Reference: {markdown_text(ref)}", ""]
    return "\n".join(lines).rstrip() + "\n"


def to_html(answers: list[Answer], outline: Outline, when: datetime) -> str:
    title = html_escape(_title(outline))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Handout: {title}</title><style>{PRINT_CSS}</style></head><body>",
        f"<h1>Questions and cited passages: {title}</h1>",
        f"<p>Exported {when:%Y-%m-%d %H:%M}. Each passage is quoted from the report with its reference. "
        "Print this page or save it as PDF from the browser.</p>",
    ]
    for number, answer in enumerate(answers, start=1):
        parts.append(f'<section class="question"><h2>{number}. {html_escape(answer.question)}</h2>')
        parts += [f'<p class="note">{html_escape(note)}</p>' for note in answer.notes]
        if answer.abstained and answer.hits:
            parts.append(f'<p class="closest">{html_escape(CLOSEST_LABEL)}</p>')
        for hit in answer.hits:
            ref = reference(hit.chunk, outline.meta(hit.chunk))
            parts.append(f'<p class="cite">[{hit.rank}] {html_escape(hit.citation)}</p>')
            parts.append(f"<blockquote>{html_escape(hit.chunk.text)}</blockquote>")
            parts.append(f'<p class="ref">{html_escape(ref)}</p>')
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


HANDOUTS = Path(tempfile.gettempdir()) / "ppp-assistant-handouts"
KEEP_SECONDS = 3600


def write_handout(answers: list[Answer], outline: Outline, when: datetime | None = None) -> list[Path]:
    """Both handouts in a fresh temporary folder (the app hands them to the browser to download).

    Handouts older than an hour are deleted first: they were downloaded long ago.
    """
    when = when or datetime.now()
    _remove_old(HANDOUTS, KEEP_SECONDS)
    HANDOUTS.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="handout-", dir=HANDOUTS))
    stem = f"handout-{when:%Y%m%d-%H%M%S}"
    markdown = folder / f"{stem}.md"
    page = folder / f"{stem}.html"
    markdown.write_text(to_markdown(answers, outline, when), encoding="utf-8")
    page.write_text(to_html(answers, outline, when), encoding="utf-8")
    return [markdown, page]


def _remove_old(root: Path, seconds: float) -> None:
    if not root.is_dir():
        return
    limit = time.time() - seconds
    for folder in root.iterdir():
        with contextlib.suppress(OSError):
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder)
