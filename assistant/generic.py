"""Parse any report's text into sections and paragraphs, for documents that are not the 2017
conference report (which keeps its own parser, :mod:`report`).

Headings are found from what the text gives: Markdown ``#`` lines; in plain text and PDF text,
a line standing alone that is titled ("Panel 2: ...", "Chapter IV"), numbered ("1.2
Recommendations") or in capitals. A section's title is its heading path ("Guide › 2. Victims ›
2.1 Indicators") so a passage is embedded with its context; its label, used in citations, is
its own heading, qualified by its parent's when two sections share a heading. Paragraphs cut by
a page break are joined again and words hyphenated across lines are mended.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from .report import FRONT_MATTER, Paragraph, Report, Section, is_unfinished, strip_emphasis

MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
TITLED_HEADING = re.compile(
    r"^(Panel|Chapter|Part|Section|Session|Annex|Appendix|Module|Unit)\s+(\d+|[IVXLC]+|[A-Z])\b\s*(?:[:.–—-]\s*(.*))?$",
    re.IGNORECASE,
)
NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+([A-Z].*)$")
LIST_ITEM = re.compile(r"^(?:[-*+•]|\d{1,2}[.)])\s+")
FENCE = re.compile(r"^(```|~~~)")
MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MD_CODE = re.compile(r"`([^`]*)`")
MD_UNDERSCORE = re.compile(r"(?<!\w)_{1,2}([^_]+?)_{1,2}(?!\w)")
RECOMMENDATIONS = re.compile(r"\brecommendations?\b", re.IGNORECASE)
HYPHENATED = re.compile(r"[^\W\d_]-$")
MAX_HEADING_CHARS = 100
SEPARATOR = " › "


@dataclass
class _Block:
    """Lines between blank lines, or one heading."""

    lines: list[tuple[int, str]]  # (1-based source line, cleaned text)
    heading: tuple[int, str] | None = None  # (level, heading text)


@dataclass
class _Heading:
    level: int
    text: str
    label: str
    section: Section
    parent: _Heading | None = None
    children: list[_Heading] = field(default_factory=list)


def clean_markdown(line: str) -> str:
    """Markdown line as read: links as their text, no emphasis, code or quote marks."""
    line = re.sub(r"^>\s?", "", line)
    line = MD_LINK.sub(r"\1", line)
    line = MD_CODE.sub(r"\1", line)
    line = MD_UNDERSCORE.sub(r"\1", line)
    line = re.sub(r"^[*+•]\s+", "- ", line)
    return strip_emphasis(line)


def text_heading(line: str) -> tuple[int, str] | None:
    """(level, heading) when a line standing alone looks like a heading in plain text."""
    if len(line) > MAX_HEADING_CHARS or re.search(r"[.,;]$", line) or line.startswith(("-", "•")):
        return None
    if TITLED_HEADING.match(line):
        return 1, line
    numbered = NUMBERED_HEADING.match(line)
    if numbered and len(numbered.group(2).split()) <= 12:
        return numbered.group(1).count(".") + 1, line
    letters = [c for c in line if c.isalpha()]
    if len(letters) >= 4 and all(c.isupper() for c in letters) and len(line.split()) <= 12:
        return 1, line
    return None


def short_label(heading: str) -> str:
    """What a citation calls a section: "Panel 2" for "Panel 2: Title", else the heading (cut)."""
    heading = heading.rstrip(":").strip()
    titled = TITLED_HEADING.match(heading)
    if titled and titled.group(3):
        return f"{titled.group(1).capitalize()} {titled.group(2)}"
    if len(heading) <= 80:
        return heading
    return heading[:80].rsplit(" ", 1)[0] + "…"


def _blocks(lines: list[str], flavour: str) -> list[_Block]:
    markdown = flavour == "markdown"
    hash_headings = flavour in ("markdown", "pdf")
    blocks: list[_Block] = []
    current: list[tuple[int, str]] = []
    in_fence = False

    def flush() -> None:
        if current:
            blocks.append(_Block(list(current)))
            current.clear()

    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if markdown and FENCE.match(line):
            in_fence = not in_fence
            continue
        if hash_headings and not in_fence and (heading := MD_HEADING.match(line)):
            flush()
            text = clean_markdown(heading.group(2)).strip() if markdown else heading.group(2)
            if text:
                blocks.append(_Block([(number, text)], (len(heading.group(1)), text)))
            continue
        if not line:
            flush()
            continue
        current.append((number, clean_markdown(line).strip() if markdown else re.sub(r"[ \t]+", " ", line)))
    flush()
    if flavour != "markdown":
        for block in blocks:
            if block.heading is None and len(block.lines) == 1:
                block.heading = text_heading(block.lines[0][1])
    return blocks


def _join(text: str, starts: list[tuple[int, int]], more: str, line: int) -> tuple[str, list[tuple[int, int]]]:
    """Append ``more`` (from source ``line``): a newline before a list item, no space after a hyphen cut."""
    if HYPHENATED.search(text) and more[:1].islower():
        text = text[:-1]
        separator = ""
    else:
        separator = "\n" if LIST_ITEM.match(more) else " "
    starts.append((len(text) + len(separator), line))
    return f"{text}{separator}{more}", starts


@dataclass
class _Text:
    """A paragraph being assembled, with the source line of every piece."""

    text: str
    starts: list[tuple[int, int]]
    line_end: int
    line_count: int

    def add(self, more: str, line: int) -> None:
        self.text, self.starts = _join(self.text, self.starts, more, line)
        self.line_end = line
        self.line_count += 1

    def paragraph(self, number: int) -> Paragraph:
        return Paragraph("paragraph", number, self.text, self.starts[0][1], self.line_end, tuple(self.starts))


def _continues(previous: _Text, block: _Block, flavour: str) -> bool:
    """True when ``block`` is the rest of ``previous``, cut by a page break or a stray blank line.

    In plain text a short line without a stop may be an unmarked title, so it is joined to the
    next block only when that starts in lower case; in a PDF, titles were found from the layout.
    """
    first = block.lines[0][1]
    if LIST_ITEM.match(first):
        return previous.text.endswith(":")  # a list stays with its lead-in
    if flavour == "markdown" or not is_unfinished(previous.text) or previous.text.endswith(":"):
        return False
    if flavour == "pdf":
        return True
    return first[:1].islower() or previous.line_count > 1 or len(previous.text) > MAX_HEADING_CHARS


def parse_generic(text: str, flavour: str = "text") -> Report:
    """Sections of numbered paragraphs from a document's text.

    ``flavour`` "markdown": ``#`` lines are the headings and inline marks are removed; blank lines
    are trusted. "text": lone titled, numbered or capitalised lines are headings, and a paragraph
    that stops mid-sentence continues in the next block (page breaks in exported text). "pdf": as
    "text", plus the ``#`` headings :mod:`pdf` found from the layout.
    """
    blocks = _blocks(text.splitlines(), flavour)
    has_headings = any(b.heading for b in blocks)
    first_line = blocks[0].lines[0][0] if blocks else 1
    front = Section(0, "Front matter" if has_headings else "Text", FRONT_MATTER if has_headings else "Text", first_line)
    sections = [front]
    current = front
    stack: list[_Heading] = []
    headings: list[_Heading] = []
    paragraphs: list[_Text] = []

    def close() -> None:
        if RECOMMENDATIONS.search(current.title.rsplit(SEPARATOR, 1)[-1]):
            current.paragraphs.extend(_items(paragraphs))
        else:
            current.paragraphs.extend(p.paragraph(n) for n, p in enumerate(paragraphs, start=1))
        paragraphs.clear()

    for block in blocks:
        if block.heading is not None:
            close()
            level, heading = block.heading
            while stack and stack[-1].level >= level:
                stack.pop()
            title = SEPARATOR.join([*(h.text for h in stack), heading])
            current = Section(len(sections), title, short_label(heading), block.lines[0][0])
            sections.append(current)
            node = _Heading(level, heading, current.label, current, stack[-1] if stack else None)
            stack.append(node)
            headings.append(node)
            continue
        (line, first), *rest = block.lines
        if paragraphs and _continues(paragraphs[-1], block, flavour):
            paragraphs[-1].add(first, line)
        else:
            paragraphs.append(_Text(first, [(0, line)], line, 1))
        for line, more in rest:
            paragraphs[-1].add(more, line)
    close()
    _unique_labels(headings)
    if not front.paragraphs:
        sections.remove(front)
    return Report(sections)


def _items(paragraphs: list[_Text]) -> list[Paragraph]:
    """Under a "Recommendations" heading, every list item is a numbered recommendation of its own
    (its marker dropped); text outside the list stays a paragraph."""
    found: list[Paragraph] = []
    counters = {"paragraph": 0, "recommendation": 0}
    for text in paragraphs:
        cuts = [0] + [m.start() + 1 for m in re.finditer(r"\n", text.text)] + [len(text.text) + 1]
        for start, end in itertools.pairwise(cuts):
            piece = text.text[start : end - 1]
            marker = LIST_ITEM.match(piece)
            kind = "recommendation" if marker else "paragraph"
            skip = marker.end() if marker else 0
            starts = [(max(0, at - start - skip), line) for at, line in text.starts if start <= at < end]
            if not starts or starts[0][0] != 0:
                starts.insert(0, (0, _line_at(text.starts, start)))
            counters[kind] += 1
            found.append(
                Paragraph(kind, counters[kind], piece[skip:].strip(), starts[0][1], starts[-1][1], tuple(starts))
            )
    return found


def _line_at(starts: list[tuple[int, int]], offset: int) -> int:
    line = starts[0][1]
    for at, number in starts:
        if at > offset:
            break
        line = number
    return line


def _unique_labels(headings: list[_Heading]) -> None:
    """Qualify a label shared by several sections with its parent's ("2. Victims › Indicators"),
    then number what is still shared, so a citation names one section only."""
    for node in headings:
        if sum(h.label == node.label for h in headings) > 1 and node.parent is not None:
            node.section.label = f"{node.parent.label}{SEPARATOR}{node.section.label}"
    labels = [h.section.label for h in headings]
    seen: dict[str, int] = {}
    for node, label in zip(headings, labels, strict=True):
        if labels.count(label) > 1:
            seen[label] = seen.get(label, 0) + 1
            node.section.label = f"{label} ({seen[label]})"
