"""Parse the report text into its real structure: sections, paragraphs, recommendations.

The source is a text export with page-break artefacts: sentences cut by blank
lines, stray blank lines and ``**``/``*`` emphasis marks. The parser repairs the
cuts so each paragraph is whole, strips the emphasis (keeping the words), and
records for every paragraph the 1-based line range it came from, so a citation
can always be traced back to the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Headings of the report, in the order they may appear. "Recommendations" is a
# sub-heading: it opens the recommendation list of the current panel.
SECTION_HEADING = re.compile(
    r"^(?:Disclaimer|Introduction|Welcoming Remarks & Introductory addresses"
    r"|Panel \d+:.+|Policy recommendations|Concluding remarks)$"
)
RECOMMENDATIONS_HEADING = re.compile(r"^Recommendations:?$")
PANEL_HEADING = re.compile(r"^Panel (\d+):\s*(.+)$")
CHECK_ITEM = re.compile(r"^-\s*✓\s*")
BULLET = re.compile(r"^-\s+")
EMPHASIS = re.compile(r"\*{1,2}([^*]+?)\*{1,2}")
# A paragraph ends when its last character is one of these (closing quotes and
# brackets may follow the stop).
TERMINAL = re.compile(r"[.!?;:][”\"’')\]]*$")
# A block that opens with a name and a role ("Irina Gekht, Deputy ...") starts a new speaker's
# paragraph even when the block before it lacks its final stop.
NEW_SPEAKER = re.compile(r"^(?:\*{1,2})?[A-Z][a-z]+(?: [A-Z][a-z]+)+(?:\*{1,2})?, ")
# A stop after one of these words does not end the sentence ("Mr." / "Lavrov").
ABBREVIATIONS = ("Mr.", "Ms.", "Mrs.", "Dr.", "St.", "No.", "Prof.", "e.g.", "i.e.", "Art.")

FRONT_MATTER = "Front matter"


@dataclass(frozen=True)
class Person:
    """Someone named in a section's opening paragraph, with the role given there."""

    name: str
    affiliation: str
    role: str  # "moderator", "speaker", "rapporteur"


@dataclass(frozen=True)
class Paragraph:
    """One whole paragraph or one recommendation item, emphasis removed."""

    kind: str  # "paragraph" or "recommendation"
    number: int  # 1-based within its section, counted per kind
    text: str
    line_start: int  # 1-based, inclusive, in the source file
    line_end: int
    line_starts: tuple[tuple[int, int], ...] = ()  # (offset in text, source line)

    def line_at(self, offset: int) -> int:
        """Source line of the character at ``offset`` in ``text``."""
        line = self.line_start
        for start, number in self.line_starts:
            if start > offset:
                break
            line = number
        return line


@dataclass
class Section:
    number: int  # 0 for the front matter, then 1, 2, ... in reading order
    title: str  # the full heading as printed
    label: str  # short name used in citations: "Panel 3", "Introduction"
    line_start: int
    paragraphs: list[Paragraph] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)

    @property
    def recommendations(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.kind == "recommendation"]

    def person(self, role: str) -> list[Person]:
        return [p for p in self.people if p.role == role]


@dataclass
class Report:
    sections: list[Section]

    def section(self, label: str) -> Section:
        for section in self.sections:
            if section.label.lower() == label.lower():
                return section
        raise KeyError(label)


@dataclass
class _Unit:
    """A stretch of source text between blank lines (or one list line)."""

    kind: str  # "text", "bullet", "check", "heading", "subheading"
    raw: str
    line_start: int
    line_end: int
    line_starts: list[tuple[int, int]]

    def append(self, other: _Unit, separator: str = " ") -> None:
        offset = len(self.raw) + len(separator)
        self.raw = f"{self.raw}{separator}{other.raw}"
        self.line_starts += [(offset + start, line) for start, line in other.line_starts]
        self.line_end = other.line_end


def strip_emphasis(text: str) -> str:
    """``**Name**`` and ``*Title*`` become ``Name`` and ``Title``."""
    return EMPHASIS.sub(r"\1", text).replace("**", "")


def is_unfinished(text: str) -> bool:
    """True when a page break cut this text before the end of its sentence."""
    text = strip_emphasis(text).rstrip()
    if text.endswith(ABBREVIATIONS):
        return True
    return not TERMINAL.search(text)


def _units(lines: list[str]) -> list[_Unit]:
    """Group source lines into units: list lines one each, other lines by block."""
    units: list[_Unit] = []
    block: list[tuple[int, str]] = []

    def flush() -> None:
        if not block:
            return
        first, text = block[0]
        unit = _Unit("text", text.strip(), first, first, [(0, first)])
        for number, more in block[1:]:
            unit.append(_Unit("text", more.strip(), number, number, [(0, number)]))
        units.append(unit)
        block.clear()

    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            flush()
        elif BULLET.match(stripped):
            flush()
            kind = "check" if CHECK_ITEM.match(stripped) else "bullet"
            units.append(_Unit(kind, stripped, number, number, [(0, number)]))
        else:
            block.append((number, stripped))
    flush()
    for unit in units:
        if unit.kind == "text" and unit.line_start == unit.line_end:
            plain = strip_emphasis(unit.raw)
            if SECTION_HEADING.match(plain):
                unit.kind = "heading"
            elif RECOMMENDATIONS_HEADING.match(plain):
                unit.kind = "subheading"
    return units


def _repair(units: list[_Unit]) -> list[_Unit]:
    """Join units cut by a page break; attach plain bullets to their lead-in."""
    repaired: list[_Unit] = []
    for unit in units:
        previous = repaired[-1] if repaired else None
        in_front_matter = not any(u.kind == "heading" for u in repaired)
        if previous is not None and in_front_matter and unit.kind == "text" == previous.kind:
            # The title page's lines ("REPORT", "Moscow, 20-21 July 2017") are one passage:
            # alone, a bare "REPORT" came first for "What is this report about?".
            previous.append(unit, separator="\n")
            continue
        if previous is None or unit.kind in ("heading", "subheading") or in_front_matter:
            repaired.append(unit)
            continue
        cut = previous.kind in ("text", "check", "bullet") and is_unfinished(previous.raw)
        new_speaker = bool(NEW_SPEAKER.match(unit.raw))
        continues = unit.kind == "text" and ((cut and not new_speaker) or unit.raw[:1].islower())
        if continues and previous.kind != "heading":
            previous.append(unit)
        elif unit.kind == "bullet" and previous.kind in ("text", "bullet"):
            previous.append(unit, separator="\n")
        else:
            repaired.append(unit)
    # A run of bullets with no lead-in paragraph stays one paragraph.
    for unit in repaired:
        if unit.kind == "bullet":
            unit.kind = "text"
    return repaired


def _people(raw: str) -> list[Person]:
    """Names in emphasis in a section's first paragraph, with their roles.

    The first name after "moderated by" is the moderator, the last name before
    "was the rapporteur" is the rapporteur, every other name is a speaker.
    """
    matches = [m for m in EMPHASIS.finditer(raw) if len(m.group(1).split()) <= 5]
    rapporteur_at = raw.find("was the rapporteur")
    before_rapporteur = [m for m in matches if rapporteur_at >= 0 and m.start() < rapporteur_at]
    rapporteur = before_rapporteur[-1] if before_rapporteur else None
    people: list[Person] = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(raw)
        affiliation = raw[match.end() : end]
        affiliation = re.sub(r"\bSpeakers included\b|\bwas the rapporteur of .*$", "", affiliation)
        affiliation = re.split(r"(?<!\bSt)(?<!\b[A-Z])\.\s+(?=[A-Z])", affiliation)[0]
        affiliation = re.sub(r"^[\s,]+|(?:[\s,]|\band\b)+$", "", affiliation)
        affiliation = re.sub(r"(?<!\.[A-Z])\.$", "", affiliation)
        if match is rapporteur:
            role = "rapporteur"
        elif raw[: match.start()].rstrip().endswith("moderated by"):
            role = "moderator"
        else:
            role = "speaker"
        people.append(Person(match.group(1).strip(), strip_emphasis(affiliation), role))
    return people


def _label(title: str) -> str:
    panel = PANEL_HEADING.match(title)
    return f"Panel {panel.group(1)}" if panel else title


def parse_report(text: str) -> Report:
    """Parse the report's text into sections of numbered paragraphs and recommendations."""
    lines = text.splitlines()
    units = _repair(_units(lines))
    first_line = next((u.line_start for u in units), 1)
    front = Section(0, "Front matter (title page)", FRONT_MATTER, first_line)
    sections = [front]
    current = front
    counters = {"paragraph": 0, "recommendation": 0}
    for unit in units:
        if unit.kind == "heading":
            title = strip_emphasis(unit.raw)
            current = Section(len(sections), title, _label(title), unit.line_start)
            sections.append(current)
            counters = {"paragraph": 0, "recommendation": 0}
            continue
        if unit.kind == "subheading":
            continue
        kind = "recommendation" if unit.kind == "check" else "paragraph"
        raw = CHECK_ITEM.sub("", unit.raw) if kind == "recommendation" else unit.raw
        shift = len(unit.raw) - len(raw)
        starts = tuple((max(0, start - shift), line) for start, line in unit.line_starts)
        if not current.paragraphs and current is not front and kind == "paragraph":
            current.people = _people(raw)
        counters[kind] += 1
        current.paragraphs.append(
            Paragraph(
                kind=kind,
                number=counters[kind],
                text=_clean(raw),
                line_start=unit.line_start,
                line_end=unit.line_end,
                line_starts=_clean_offsets(raw, starts),
            )
        )
    if not front.paragraphs:
        sections.remove(front)
    return Report(sections)


def _clean(raw: str) -> str:
    """Display text: emphasis removed, runs of spaces folded, list lines kept."""
    text = strip_emphasis(raw)
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n"))


def _clean_offsets(raw: str, starts: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """Map offsets in the raw text to offsets in the cleaned text."""

    def cleaned(offset: int) -> int:
        before = _clean(raw[:offset])  # ends in the separator's line break, or loses its space
        return len(before) + (1 if offset and not before.endswith("\n") else 0)

    return tuple((cleaned(offset), line) for offset, line in starts)
