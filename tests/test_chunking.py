"""Chunking: long paragraphs split at sentence boundaries, citations, what is embedded; and the
sentence splitter the chunker and the evidence marks rely on."""

from __future__ import annotations

import itertools
import re

import pytest

from assistant.chunking import chunk_report
from assistant.records import Chunk
from assistant.report import parse_report
from assistant.sentences import sentence_spans, split_sentences

MAX_CHARS = 1200
SLACK = 150
TOPICS = ["recruitment", "supply chains", "labour inspection", "procurement", "hotlines", "audits"]


def _long_paragraph_source() -> tuple[str, str]:
    """A report with one ~3000-character paragraph over many lines; returns (file text, paragraph)."""
    sentences = []
    for i in range(30):
        topic = TOPICS[i % len(TOPICS)]
        extra = " Mr. Smith agreed." if i % 7 == 3 else ""
        sentences.append(
            f"Sentence {i} of the long paragraph discusses {topic} in some detail"
            f" for the readers of this report.{extra}"
        )
    lines = [" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2)]
    source = "Introduction\n\nA short opening paragraph.\n\n" + "\n".join(lines) + "\n\nA closing paragraph.\n"
    return source, " ".join(sentences)


@pytest.fixture(scope="module")
def long_chunks() -> tuple[str, str, list[Chunk]]:
    source, paragraph = _long_paragraph_source()
    chunks = chunk_report(parse_report(source), "synthetic", MAX_CHARS)
    return source, paragraph, [c for c in chunks if c.number == 2]


def test_long_paragraph_split_into_parts_that_rebuild_it(long_chunks: tuple[str, str, list[Chunk]]) -> None:
    _, paragraph, parts = long_chunks
    assert 2800 <= len(paragraph) <= 3200
    assert len(parts) >= 3
    assert all(len(p.text) <= MAX_CHARS + SLACK for p in parts)
    assert " ".join(p.text for p in parts) == paragraph
    sentences = split_sentences(paragraph)
    for part in parts:
        # Each part is a run of whole sentences.
        assert split_sentences(part.text)[0] in sentences
        assert split_sentences(part.text)[-1] in sentences
        assert part.text.endswith(".")
        assert not part.text.startswith("Smith agreed")


def test_parts_are_of_similar_length(long_chunks: tuple[str, str, list[Chunk]]) -> None:
    _, _, parts = long_chunks
    lengths = [len(p.text) for p in parts]
    assert max(lengths) - min(lengths) < 400, lengths


def test_parts_share_the_paragraph_number_and_are_cited_by_part(long_chunks: tuple[str, str, list[Chunk]]) -> None:
    _, _, parts = long_chunks
    n = len(parts)
    assert [(p.number, p.part, p.parts) for p in parts] == [(2, i, n) for i in range(1, n + 1)]
    assert [p.citation for p in parts] == [f"Introduction, ¶2 (part {i} of {n})" for i in range(1, n + 1)]
    assert len({p.id for p in parts}) == n


def test_parts_have_their_own_line_ranges(long_chunks: tuple[str, str, list[Chunk]]) -> None:
    source, _, parts = long_chunks
    lines = source.split("\n")
    previous_end = 0
    for part in parts:
        assert previous_end <= part.line_start <= part.line_end
        window = " ".join(lines[part.line_start - 1 : part.line_end])
        assert part.text[:40] in window and part.text[-40:] in window, part.citation
        previous_end = part.line_end
    assert parts[0].line_start < parts[-1].line_start


def test_short_paragraphs_are_not_split() -> None:
    source = "Introduction\n\n" + "A sentence that is short. " * 40 + "\n"
    chunks = chunk_report(parse_report(source), "doc", max_chars=MAX_CHARS + 100)
    assert len(chunks) == 1 and chunks[0].parts == 1
    assert chunks[0].citation == "Introduction, ¶1"


def test_a_sentence_longer_than_the_limit_is_kept_whole() -> None:
    long_sentence = "This sentence " + "keeps going and " * 100 + "ends here."
    source = f"Introduction\n\nShort one. {long_sentence} Short two.\n"
    chunks = chunk_report(parse_report(source), "doc", max_chars=MAX_CHARS)
    assert any(c.text == long_sentence or long_sentence in c.text for c in chunks)
    assert " ".join(c.text for c in chunks) == f"Short one. {long_sentence} Short two."


def test_real_report_citations(report_text: str) -> None:
    chunks = chunk_report(parse_report(report_text), "osce")
    by_citation = {c.citation: c for c in chunks}
    assert "Panel 3, ¶12" in by_citation
    assert "anti-money laundering frameworks" in by_citation["Panel 3, ¶12"].text
    assert by_citation["Panel 2, Recommendation 4"].text.startswith(
        "Enact effective regulation of certain labour market segments"
    )
    assert by_citation["Disclaimer, ¶1"].kind == "paragraph"
    pattern = re.compile(r"^[A-Z][\w &]+?(?: \d)?, (?:¶\d+|Recommendation \d+)$")
    assert all(pattern.match(c.citation) for c in chunks), [c.citation for c in chunks if not pattern.match(c.citation)]
    assert all(len(c.text) <= MAX_CHARS for c in chunks)
    assert all(c.doc == "osce" and c.id.startswith("osce#s") for c in chunks)


def test_embed_text_carries_the_section_title_but_text_does_not(report_text: str) -> None:
    chunks = chunk_report(parse_report(report_text), "osce")
    paragraph = next(c for c in chunks if c.citation == "Panel 3, ¶12")
    title = "Panel 3: Private sector initiatives and practices addressing THB"
    assert paragraph.section_title == title
    assert paragraph.embed_text.startswith(title)
    assert paragraph.text in paragraph.embed_text
    assert title not in paragraph.text and not paragraph.text.startswith("Panel 3")
    recommendation = next(c for c in chunks if c.citation == "Panel 4, Recommendation 10")
    assert "Recommendation:" in recommendation.embed_text
    assert "Recommendation" not in recommendation.text
    assert "smartphone apps" in recommendation.text


def test_chunk_dict_round_trip(report_text: str) -> None:
    chunk = chunk_report(parse_report(report_text), "osce")[42]
    assert Chunk.from_dict(chunk.to_dict()) == chunk


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Lavrov stated this. He left.", ["Mr. Lavrov stated this.", "He left."]),
        ("Dr. Smith met Ms. Khan. They talked.", ["Dr. Smith met Ms. Khan.", "They talked."]),
        ("Gangmasters, U.K. was the rapporteur. Next.", ["Gangmasters, U.K. was the rapporteur.", "Next."]),
        ("Industries (e.g. Agriculture) matter. Yes.", ["Industries (e.g. Agriculture) matter.", "Yes."]),
        ("Lead-in:\n- first item;\n- second item.", ["Lead-in:", "- first item;", "- second item."]),
        ("No full stop at the end", ["No full stop at the end"]),
        # A court case: the ruling that follows "v." is the same sentence (an audit found it cut there).
        (
            "The case of Chowdury and Others v. Greece was a violation. It was upheld.",
            ["The case of Chowdury and Others v. Greece was a violation.", "It was upheld."],
        ),
        ("   ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_sentence_spans_cover_the_text_in_order() -> None:
    text = "First one here. Mr. Smith spoke second! Third? Fourth; Fifth ends it."
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "First one here.",
        "Mr. Smith spoke second!",
        "Third?",
        "Fourth;",
        "Fifth ends it.",
    ]
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


SENTENCES_BUG = (
    "sentences.sentence_spans ends a span at the start of the _BOUNDARY match, but the match begins "
    "with the closing quote/bracket after the stop, so that character belongs to no sentence"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "It was “failed in its obligations.” Then 2017 came.",
            ["It was “failed in its obligations.”", "Then 2017 came."],
        ),
        ("They met (in Moscow.) Then they left.", ["They met (in Moscow.)", "Then they left."]),
    ],
)
def test_split_sentences_keeps_closing_quotes(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_split_paragraph_keeps_a_closing_quote_at_a_part_boundary() -> None:
    quoted = "The panel said the state had “failed in its obligations to the workers of the farm.”"
    sentences = [f"Sentence {i} of this paragraph is about recruitment fees and audits." for i in range(40)]
    sentences[13] = quoted
    paragraph = " ".join(sentences)
    chunks = chunk_report(parse_report(f"Introduction\n\n{paragraph}\n"), "doc", max_chars=MAX_CHARS)
    assert len(chunks) > 1
    assert chunks[1].text.startswith("Sentence 14 ")  # the split falls right after the quoted sentence
    assert " ".join(c.text for c in chunks) == paragraph
