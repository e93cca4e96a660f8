"""The parser against the real report: sections, recommendations, people, repaired page-break cuts,
and no sentence lost, duplicated or mis-located."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from conftest import SECTION_LABELS

from assistant.chunking import chunk_report
from assistant.report import Report, parse_report
from assistant.sentences import split_sentences

EXPECTED_LABELS = SECTION_LABELS
# Heading lines of the source, written out here rather than taken from the parser.
HEADING_LINE = re.compile(
    r"^(?:Disclaimer|Introduction|Welcoming Remarks & Introductory addresses|Panel \d+:.+"
    r"|Recommendations:?|Policy recommendations|Concluding remarks)$"
)
LIST_MARKER = re.compile(r"^-\s*(?:✓\s*)?")


def _no_emphasis(text: str) -> str:
    return text.replace("*", "")


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _unmark(text: str) -> str:
    """Drop "- ✓ " and "- " list markers at the start of each line."""
    return "\n".join(LIST_MARKER.sub("", line.strip()) for line in text.split("\n"))


@pytest.fixture(scope="module")
def report(report_text: str) -> Report:
    return parse_report(report_text)


@pytest.fixture(scope="module")
def source_lines(report_text: str) -> list[str]:
    return report_text.split("\n")


def _section_line_ranges(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Source line range (0-based, end exclusive) of each panel, found from the headings."""
    starts = [(i, line.strip()) for i, line in enumerate(lines) if HEADING_LINE.match(line.strip())]
    starts = [(i, h) for i, h in starts if not h.startswith("Recommendations")]
    ranges = {}
    for number, (i, heading) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(lines)
        panel = re.match(r"Panel (\d+):", heading)
        if panel:
            ranges[f"Panel {panel.group(1)}"] = (i, end)
    return ranges


def test_sections_found_in_reading_order(report: Report) -> None:
    assert [s.label for s in report.sections] == EXPECTED_LABELS
    assert [s.number for s in report.sections] == list(range(len(EXPECTED_LABELS)))
    assert all(s.paragraphs for s in report.sections), "every section has at least one paragraph"


def test_panel_titles_are_the_full_headings(report: Report) -> None:
    assert report.section("Panel 3").title == "Panel 3: Private sector initiatives and practices addressing THB"
    assert report.section("panel 4").title.startswith("Panel 4: “The way forward”. How governments")
    with pytest.raises(KeyError):
        report.section("Panel 5")


def test_section_line_starts_point_at_their_headings(report: Report, source_lines: list[str]) -> None:
    for section in report.sections[1:]:
        assert _no_emphasis(source_lines[section.line_start - 1]).strip() == section.title


def test_recommendation_counts_match_the_check_marks_in_the_source(report: Report, source_lines: list[str]) -> None:
    ranges = _section_line_ranges(source_lines)
    counted = {
        label: sum(1 for line in source_lines[start:end] if line.lstrip().startswith("- ✓"))
        for label, (start, end) in ranges.items()
    }
    parsed = {label: len(report.section(label).recommendations) for label in ranges}
    assert parsed == counted
    assert [parsed[f"Panel {n}"] for n in range(1, 5)] == [14, 14, 15, 15]
    outside_panels = [s for s in report.sections if not s.label.startswith("Panel ")]
    assert all(not s.recommendations for s in outside_panels)


@pytest.mark.parametrize("label", ["Panel 1", "Panel 2", "Panel 3", "Panel 4"])
def test_recommendations_and_paragraphs_numbered_contiguously(report: Report, label: str) -> None:
    section = report.section(label)
    recommendations = [p.number for p in section.paragraphs if p.kind == "recommendation"]
    paragraphs = [p.number for p in section.paragraphs if p.kind == "paragraph"]
    assert recommendations == list(range(1, len(recommendations) + 1))
    assert paragraphs == list(range(1, len(paragraphs) + 1))
    # The recommendation list closes each panel: no discussion paragraph after it.
    kinds = [p.kind for p in section.paragraphs]
    assert kinds == sorted(kinds)  # "paragraph" < "recommendation"


@pytest.mark.parametrize(
    ("label", "role", "name"),
    [
        ("Panel 1", "moderator", "Ruth Freedom Pojman"),
        ("Panel 1", "rapporteur", "Mark Heath"),
        ("Panel 2", "moderator", "Gulnara Shahinian"),
        ("Panel 2", "rapporteur", "Petya Nesterova"),
        ("Panel 3", "moderator", "John Morrison"),
        ("Panel 3", "rapporteur", "Bob Mitchell"),
        ("Panel 4", "moderator", "Laura Germino"),
        ("Panel 4", "rapporteur", "Vineta Polatside"),
    ],
)
def test_panel_people(report: Report, label: str, role: str, name: str) -> None:
    assert [p.name for p in report.section(label).person(role)] == [name]


def test_people_have_affiliations_and_speakers(report: Report) -> None:
    panel3 = report.section("Panel 3")
    moderator = panel3.person("moderator")[0]
    assert moderator.affiliation == "Chief Executive, Institute for Human Rights and Business"
    speakers = [p.name for p in panel3.person("speaker")]
    assert "Dorothy Rozga" in speakers and "John Morrison" not in speakers
    # John Morrison moderated Panel 3 but only spoke on Panel 4.
    assert "John Morrison" in [p.name for p in report.section("Panel 4").person("speaker")]


def _paragraphs_containing(report: Report, phrase: str) -> list[tuple[str, int, str]]:
    return [(s.label, p.number, p.text) for s in report.sections for p in s.paragraphs if phrase in _fold(p.text)]


@pytest.mark.parametrize(
    ("phrase", "label"),
    [
        ("Mr. Lavrov stated that effective solutions", "Welcoming Remarks & Introductory addresses"),
        ("between 4.7 and 5.7 billion Euro. While not all smugglers", "Welcoming Remarks & Introductory addresses"),
        (
            "crucial role played by the UN Guiding Principles on Business and Human Rights (UNGPs), including",
            "Panel 1",
        ),
        (
            "Global Plan of Action against Human Trafficking adopted by the UN",
            "Welcoming Remarks & Introductory addresses",
        ),
        ("the development and strengthening of trade unions, is a critical means", "Panel 1"),
        ("transplantation in the Russian Federation and the related risks", "Panel 2"),
    ],
)
def test_page_break_cuts_are_repaired(report: Report, phrase: str, label: str) -> None:
    found = _paragraphs_containing(report, phrase)
    assert [where for where, _, _ in found] == [label]


def test_recommendation_cut_by_a_page_break_is_whole(report: Report, source_lines: list[str]) -> None:
    fourth = report.section("Panel 4").recommendations[3]
    assert "Diversity, recognition of different skills" in _fold(fourth.text)
    assert fourth.text.endswith("Unusual coalitions can be the most effective;")
    first = next(i for i, line in enumerate(source_lines, 1) if "Different groups and stakeholders" in line)
    last = next(i for i, line in enumerate(source_lines, 1) if line.startswith("recognition of different skills"))
    assert (fourth.line_start, fourth.line_end) == (first, last)
    # The item after it is Recommendation 5, not a stray paragraph.
    assert report.section("Panel 4").recommendations[4].text.startswith("An additional focus")


def test_no_fragment_paragraphs_left_by_cuts(report: Report) -> None:
    for section in report.sections[1:]:
        for paragraph in section.paragraphs:
            assert not paragraph.text[:1].islower(), (section.label, paragraph.number)
            if paragraph.text.endswith("to encourage transparency"):
                continue  # truncated in the source itself, before a new speaker's paragraph
            assert re.search(r"[.!?;:][”\"’')\]]*$", paragraph.text), (section.label, paragraph.number)
            assert paragraph.text not in ("Mr.", "Euro.")


def test_new_speaker_paragraph_is_not_glued_to_previous(report: Report) -> None:
    concluding = report.section("Concluding remarks")
    assert any(p.text.startswith("Irina Gekht, Deputy Chairperson") for p in concluding.paragraphs)
    assert not any("transparency Irina Gekht" in p.text for p in concluding.paragraphs)


def test_emphasis_marks_removed_but_names_kept(report: Report) -> None:
    for section in report.sections:
        assert "*" not in section.title
        for paragraph in section.paragraphs:
            assert "*" not in paragraph.text, (section.label, paragraph.number)
        for person in section.people:
            assert "*" not in person.name and "*" not in person.affiliation
    assert "moderated by Ruth Freedom Pojman, Senior Adviser" in report.section("Panel 1").paragraphs[0].text
    assert "moderated by Laura Germino, Anti-Slavery" in report.section("Panel 4").paragraphs[0].text
    assert report.sections[0].paragraphs[0].text.split("\n")[1] == (
        "Special Representative and Co-ordinator for Combating Trafficking in Human Beings"
    )


def test_the_title_page_is_one_passage_of_lines(report_text: str, report: Report) -> None:
    """A bare "REPORT" or "Moscow, 20-21 July 2017" alone is no passage to cite; the page is,
    with each of its lines a sentence that can be searched and highlighted."""
    front = report.sections[0]
    assert front.label == "Front matter" and len(front.paragraphs) == 1
    page = front.paragraphs[0]
    lines = page.text.split("\n")
    assert lines[0] == "Organization for Security and Co-operation in Europe"
    assert "REPORT" in lines and lines[-1] == "Moscow, 20-21 July 2017"
    assert split_sentences(page.text) == lines
    source = report_text.splitlines()
    assert source[page.line_start - 1].startswith("Organization for Security")
    assert source[page.line_end - 1].startswith("20-21 July 2017")
    assert source[page.line_at(page.text.index("REPORT")) - 1] == "REPORT"


def test_bullet_lists_stay_with_their_lead_in(report: Report) -> None:
    purpose = report.section("Introduction").paragraphs[1]
    lines = purpose.text.split("\n")
    assert lines[0] == "The purpose of the conference was to:"
    assert len(lines) == 5 and all(line.startswith("- ") for line in lines[1:])


def _source_sentences(report_text: str) -> tuple[list[str], str]:
    """Sentences of the source (emphasis, headings and list markers removed), and the whole
    cleaned source as one folded string.

    The title page has no sentence punctuation, so its blank-line blocks count as its sentences;
    each section's text is split on its own (a heading ends whatever came before it).
    """
    lines = _no_emphasis(report_text).split("\n")
    segments: list[list[str]] = [[]]
    for line in lines:
        if HEADING_LINE.match(line.strip()):
            segments.append([])
        else:
            segments[-1].append(LIST_MARKER.sub("", line.strip()))
    front, *sections = segments
    sentences = [_fold(block) for block in "\n".join(front).split("\n\n") if block.strip()]
    for segment in sections:
        sentences += split_sentences(_fold("\n".join(segment)))
    whole = " ".join(_fold("\n".join(segment)) for segment in segments)
    return sentences, whole


def test_no_sentence_lost_or_duplicated(report_text: str, report: Report) -> None:
    sentences, whole = _source_sentences(report_text)
    assert len(sentences) > 400
    records = chunk_report(report, "doc")
    chunks = [_fold(_unmark(c.text)) for c in records]
    # The source has one truncated paragraph ("... and to encourage transparency" before "Irina
    # Gekht, Deputy Chairperson ..."): the parser keeps the two speakers apart, so that one
    # source "sentence" spans two consecutive chunks, the first ending without a stop.
    unfinished_pairs = [
        f"{chunks[i]} {chunks[i + 1]}"
        for i in range(len(chunks) - 1)
        if chunks[i][-1:].isalpha() and records[i].section_number > 0
    ]
    assert len(unfinished_pairs) == 1
    lost, miscounted = [], []
    for sentence in dict.fromkeys(sentences):  # no sentence is short enough to need skipping
        in_chunks = sum(sentence in chunk for chunk in chunks) or sum(sentence in pair for pair in unfinished_pairs)
        in_source = whole.count(sentence)
        if in_chunks == 0:
            lost.append(sentence)
        elif in_chunks != in_source:
            miscounted.append((in_chunks, in_source, sentence))
    assert not lost, lost[:5]
    assert not miscounted, miscounted[:5]


def test_chunks_hold_no_text_absent_from_the_source(report_text: str, report: Report) -> None:
    _, whole = _source_sentences(report_text)
    total_chunk_chars = 0
    for chunk in chunk_report(report, "doc"):
        text = _fold(_unmark(chunk.text))
        total_chunk_chars += len(text)
        for sentence in split_sentences(text):
            assert sentence in whole, (chunk.citation, sentence)
    # Chunks hold the source's text once: same size give or take the joining spaces.
    assert abs(total_chunk_chars - len(whole)) < 0.01 * len(whole)


def test_chunk_line_ranges_point_at_their_text(report_text: str, report: Report, source_lines: list[str]) -> None:
    for chunk in chunk_report(report, "doc"):
        assert 1 <= chunk.line_start <= chunk.line_end <= len(source_lines)
        window = _fold(_no_emphasis(" ".join(source_lines[chunk.line_start - 1 : chunk.line_end])))
        text = _fold(_no_emphasis(chunk.text))
        assert text[:30] in window, (chunk.citation, chunk.line_start, chunk.line_end)
        assert text[-30:] in window, (chunk.citation, chunk.line_start, chunk.line_end)
        # The range is tight (no paragraph of the report is split into parts): its first line
        # starts the text and its last line ends it.
        first = _fold(_unmark(_no_emphasis(source_lines[chunk.line_start - 1])))
        last = _fold(_unmark(_no_emphasis(source_lines[chunk.line_end - 1])))
        assert chunk.parts == 1
        assert first and text.startswith(first[:20]), (chunk.citation, chunk.line_start)
        assert last and text.endswith(last[-20:]), (chunk.citation, chunk.line_end)


def test_paragraph_line_at_maps_offsets_to_source_lines(report: Report, source_lines: list[str]) -> None:
    paragraph = next(
        p
        for p in report.section("Welcoming Remarks & Introductory addresses").paragraphs
        if "Mr. Lavrov stated" in p.text
    )
    offset = paragraph.text.index("Lavrov stated")
    assert "Lavrov stated" in source_lines[paragraph.line_at(offset) - 1]
    assert paragraph.line_at(0) == paragraph.line_start
    assert paragraph.line_at(len(paragraph.text) - 1) == paragraph.line_end


def test_chunk_ids_and_citations_are_unique(report: Report) -> None:
    chunks = chunk_report(report, "doc")
    assert len({c.id for c in chunks}) == len(chunks)
    assert len({c.citation for c in chunks}) == len(chunks)
    counts = Counter(c.kind for c in chunks)
    assert counts["recommendation"] == 58


def test_a_one_word_line_is_never_marked_as_the_answer() -> None:
    """ "What is this report about?" shares "report" with the title page's "REPORT" line, which
    says nothing by itself: the line with the conference's title is marked instead."""
    from conftest import make_chunk

    from assistant.evidence import SentenceIndex
    from assistant.lexical import tokenize

    page = make_chunk(1, "Organization for Security\nREPORT\nConference “The Public-Private Partnership”")
    index = SentenceIndex([page], None)
    (start, end), *_ = index.best(0, None, set(tokenize("the report of the conference")))
    assert page.text[start:end] == "Conference “The Public-Private Partnership”"
    only = make_chunk(2, "REPORT")
    assert SentenceIndex([only], None).best(0, None, set(tokenize("report"))) == ((0, 6),)
