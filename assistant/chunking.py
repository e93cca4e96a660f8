"""Turn parsed sections into citable chunks, one per paragraph or recommendation.

A paragraph longer than the limit is split at sentence boundaries into parts of
similar length; each part keeps the paragraph's number and its own line range.
"""

from __future__ import annotations

from bisect import bisect_right

from .records import Chunk
from .report import Paragraph, Report, Section
from .sentences import sentence_spans


def _split_offsets(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Spans of ``text`` at sentence boundaries, each at most about ``max_chars``."""
    if len(text) <= max_chars:
        return [(0, len(text))]
    spans = sentence_spans(text)
    parts = -(-len(text) // max_chars)  # ceiling
    target = len(text) / parts
    pieces: list[tuple[int, int]] = []
    start = spans[0][0]
    for index, (_, end) in enumerate(spans):
        is_last = index == len(spans) - 1
        next_end = spans[index + 1][1] if not is_last else end
        too_long = next_end - start > max_chars
        if is_last or (end - start >= target or too_long):
            pieces.append((start, end))
            if not is_last:
                start = spans[index + 1][0]
    return pieces


def _chunk_id(doc: str, section: Section, paragraph: Paragraph, part: int) -> str:
    kind = "r" if paragraph.kind == "recommendation" else "p"
    suffix = f".{part}" if part > 1 else ""
    return f"{doc}#s{section.number}{kind}{paragraph.number}{suffix}"


def chunk_report(
    report: Report, doc: str, max_chars: int = 1200, *, title: str = "", page_starts: tuple[int, ...] = ()
) -> list[Chunk]:
    """All chunks of a report, in reading order. ``title`` is the document's short title;
    ``page_starts`` (PDFs) the line where each page begins, to give every chunk its pages."""

    def page(line: int) -> int | None:
        return max(1, bisect_right(page_starts, line)) if page_starts else None

    chunks: list[Chunk] = []
    for section in report.sections:
        for paragraph in section.paragraphs:
            pieces = _split_offsets(paragraph.text, max_chars)
            for part, (start, end) in enumerate(pieces, start=1):
                line_start = paragraph.line_at(start)
                line_end = paragraph.line_at(max(start, end - 1))
                chunks.append(
                    Chunk(
                        id=_chunk_id(doc, section, paragraph, part),
                        doc=doc,
                        section_number=section.number,
                        section_label=section.label,
                        section_title=section.title,
                        kind=paragraph.kind,
                        number=paragraph.number,
                        part=part,
                        parts=len(pieces),
                        text=paragraph.text[start:end].strip(),
                        line_start=line_start,
                        line_end=line_end,
                        doc_title=title,
                        page=page(line_start),
                        page_end=page(line_end),
                    )
                )
    return chunks
