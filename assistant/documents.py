"""Read one corpus file, refuse it with a reason when it cannot be indexed, and parse it with the
right strategy: the 2017 conference report's own parser when its headings are found, else the
generic parser for Markdown, plain text or PDF text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .corpus import Document
from .errors import AssistantError
from .generic import parse_generic
from .report import PANEL_HEADING, SECTION_HEADING, Report, parse_report, strip_emphasis

# How many bytes are sniffed for NUL characters (binary data) before decoding a text file.
SNIFF_BYTES = 8192


class BadDocument(AssistantError):
    """A corpus file that cannot be indexed; the message names the file and says why."""

    def __init__(self, path: Path, reason: str, hint: str = "") -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path.name} {reason}", hint)


@dataclass(frozen=True)
class ParsedDocument:
    document: Document
    report: Report
    strategy: str  # "conference report", "markdown", "text" or "pdf"
    page_starts: tuple[int, ...] = ()  # PDF only: the text line where each page begins
    page_count: int | None = None


def is_conference_report(text: str) -> bool:
    """The 2017 report's layout: a "Panel N: ..." heading line and at least one other of its headings."""
    headings = [strip_emphasis(line.strip()) for line in text.splitlines()]
    found = [h for h in headings if SECTION_HEADING.match(h)]
    return any(PANEL_HEADING.match(h) for h in found) and len(found) >= 2


def check_size(path: Path, max_bytes: int) -> int:
    """The file's size; refuses it without reading it when it is empty or over the limit."""
    size = path.stat().st_size
    if size > max_bytes:
        raise BadDocument(
            path,
            f"is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit.",
            "Split it, or raise ASSISTANT_MAX_DOCUMENT_MB.",
        )
    if size == 0:
        raise BadDocument(path, "is empty.")
    return size


def read_text(path: Path) -> str:
    """A text file's content; refuses binary data and text that is not UTF-8."""
    data = path.read_bytes()
    if b"\0" in data[:SNIFF_BYTES]:
        raise BadDocument(path, "is not text: it holds binary data.", "Only .txt, .md and .pdf files can be added.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        reason = f"is not UTF-8 text ({error.reason} at byte {error.start})."
        raise BadDocument(path, reason, "Save it as UTF-8.") from error
    if not text.strip():
        raise BadDocument(path, "is empty.")
    return text


def parse_document(document: Document, max_bytes: int) -> ParsedDocument:
    """Parse one document; raises BadDocument naming the file when it cannot be indexed."""
    path = document.path
    if document.meta_error:
        raise BadDocument(path, f"has unreadable metadata: {document.meta_error}")
    try:
        check_size(path, max_bytes)
        suffix = path.suffix.lower()
        if suffix == ".pdf":
            parsed = _parse_pdf(document)
        else:
            text = read_text(path)
            if suffix == ".md":
                parsed = ParsedDocument(document, parse_generic(text, "markdown"), "markdown")
            elif is_conference_report(text):
                parsed = ParsedDocument(document, parse_report(text), "conference report")
            else:
                parsed = ParsedDocument(document, parse_generic(text, "text"), "text")
    except OSError as error:
        raise BadDocument(path, f"cannot be read ({error.strerror or error}).") from error
    if not any(section.paragraphs for section in parsed.report.sections):
        raise BadDocument(path, "has no paragraph of text to index.")
    return parsed


def _parse_pdf(document: Document) -> ParsedDocument:
    from .pdf import PdfProblem, read_pdf

    try:
        pdf = read_pdf(document.path)
    except PdfProblem as problem:
        raise BadDocument(document.path, str(problem)) from problem
    return ParsedDocument(document, parse_generic(pdf.text, "pdf"), "pdf", pdf.page_starts, pdf.page_count)
