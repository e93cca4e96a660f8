"""What a facilitator uses beyond the question box: the report browser, the source viewer, handouts,
feedback flags and prepared questions. Driven through the plain functions behind the page."""

from __future__ import annotations

import json
import re
from datetime import datetime
from html.parser import HTMLParser

import pytest
from conftest import SECTION_LABELS

from assistant.browser import passage_choices, render_outline, view_link
from assistant.chat import ALL, flag, respond
from assistant.feedback import RepeatFilter, append_feedback
from assistant.formatting import CLOSEST_LABEL, line_range
from assistant.handout import to_html, to_markdown, write_handout
from assistant.indexing import parse_corpus
from assistant.outline import load_outline, reference
from assistant.prepared import PREPARED
from assistant.report import parse_report
from assistant.viewer import caution_for, render_view, source_view

REPORT_REFERENCE = (
    'OSCE OSR/CTHB, "The Public-Private Partnership in the Fight Against Human Trafficking", '
    "conference report, Moscow, 20-21 July 2017, Panel 3, ¶12"
)


@pytest.fixture
def outline(fake_assistant):
    return load_outline(fake_assistant.index.chunks, fake_assistant.settings)


class _Elements(HTMLParser):
    """Collects tags, attributes and text of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


# --- report browser -------------------------------------------------------------------------


def test_browser_lists_exactly_the_parsed_recommendations_with_their_citation_numbers(outline, report_text):
    report = parse_report(report_text)
    parsed = {s.label: [p.number for p in s.recommendations] for s in report.sections if s.recommendations}
    listed = {s.label: [c.number for c in s.recommendations] for s in outline.sections if s.recommendations}
    assert listed == parsed
    assert {label: len(numbers) for label, numbers in listed.items()} == {
        "Panel 1": 14,
        "Panel 2": 14,
        "Panel 3": 15,
        "Panel 4": 15,
    }
    page = _parse(render_outline(outline))
    items = [attrs["data-chunk"] for tag, attrs in page.tags if tag == "li" and attrs.get("class") == "rec"]
    assert items == [c.id for s in outline.sections for c in s.recommendations]
    text = "".join(page.text)
    for section in outline.sections:
        for chunk in section.recommendations:
            assert f"{chunk.citation}: {chunk.text}" in text


def test_browser_names_each_panels_moderator_speakers_and_rapporteur(outline):
    assert [s.label for s in outline.sections] == SECTION_LABELS
    panel3 = next(s for s in outline.sections if s.label == "Panel 3")
    assert [p.name for p in panel3.role("moderator")] == ["John Morrison"]
    assert [p.name for p in panel3.role("rapporteur")] == ["Bob Mitchell"]
    assert "Dorothy Rozga" in [p.name for p in panel3.role("speaker")]
    text = "".join(_parse(render_outline(outline)).text)
    assert "Moderator: John Morrison, Chief Executive, Institute for Human Rights and Business" in text


def test_browser_links_open_the_viewer_and_the_dropdown_lists_every_passage(fake_assistant, outline):
    page = _parse(render_outline(outline))
    links = [attrs["href"] or "" for tag, attrs in page.tags if tag == "a"]
    first = outline.sections[-1].recommendations or outline.sections[4].recommendations
    assert view_link(first[0]) in links
    assert all(link.startswith("?view=") and "#" not in link for link in links)
    choices = passage_choices(outline)
    assert [chunk_id for _, chunk_id in choices] == [c.id for c in fake_assistant.index.chunks]
    assert choices[0][0].startswith(fake_assistant.index.chunks[0].citation + ": ")
    assert "in Europe Special" in choices[0][0]  # the title page's lines, not run together
    text = "".join(page.text)
    assert "(1 paragraph)" in text and "(1 paragraphs)" not in text  # the title page, the disclaimer


# --- source viewer --------------------------------------------------------------------------


def test_viewer_shows_the_passage_in_place_with_neighbours_and_line_range(outline, report_text):
    chunk = next(c for c in outline.chunks.values() if c.citation == "Panel 3, ¶12")
    view = source_view(outline, chunk.id, evidence=((0, 20),))
    assert view is not None
    assert [c.citation for c in view.before] == ["Panel 3, ¶10", "Panel 3, ¶11"]
    assert [c.citation for c in view.after] == ["Panel 3, ¶13", "Panel 3, ¶14"]
    assert view.reference == REPORT_REFERENCE
    assert view.quotation == f"“{chunk.text[0:20]}” ({REPORT_REFERENCE})"  # the highlighted words, quoted
    page = _parse(render_view(view))
    cited = [attrs for tag, attrs in page.tags if tag == "div" and "src-cited" in (attrs.get("class") or "")]
    assert [attrs["data-chunk"] for attrs in cited] == [chunk.id]
    text = "".join(page.text)
    title = "The Public-Private Partnership in the Fight Against Human Trafficking"
    assert chunk.section_title in text and f"{chunk.citation}, {line_range(chunk)} — {title}" in text
    # the line range really is where the passage is in the source file
    source = "\n".join(report_text.splitlines()[chunk.line_start - 1 : chunk.line_end])
    assert chunk.text[:60].replace("*", "") in source.replace("*", "")
    assert ("mark", {}) in page.tags


def test_viewer_stays_inside_the_section_and_handles_unknown_ids(outline):
    first = next(c for c in outline.chunks.values() if c.citation == "Panel 1, ¶1")
    view = source_view(outline, first.id)
    assert view is not None and view.before == ()
    assert all(c.section_label == "Panel 1" for c in view.after)
    assert source_view(outline, "no-such-passage") is None
    assert "Click a passage" in render_view(None)


def test_reference_leaves_out_missing_metadata(outline):
    chunk = next(iter(outline.chunks.values()))
    assert reference(chunk, {}) == f"{chunk.doc}, {chunk.citation}"


# --- handouts -------------------------------------------------------------------------------


def _conversation(fake_assistant, *questions):
    history: list[dict[str, str]] = []
    conversation = None
    for question in questions:
        history, _, conversation = respond(question, history, ALL, conversation, fake_assistant)
    return conversation


def test_handout_markdown_lists_each_question_with_its_passages_and_references(fake_assistant, outline):
    conversation = _conversation(fake_assistant, "Who moderated Panel 3?", "What is the employer pays model?")
    markdown = to_markdown(conversation.answers, outline, datetime(2026, 11, 29, 9, 30))
    questions = re.findall(r"^## (\d+)\. (.+)$", markdown, re.M)
    assert questions == [("1", "Who moderated Panel 3?"), ("2", "What is the employer pays model?")]
    for answer in conversation.answers:
        for hit in answer.hits:
            assert f"**[{hit.rank}] {hit.citation}**" in markdown.replace("\\", "")
    assert markdown.count("\nReference: OSCE OSR/CTHB, ") == sum(len(a.hits) for a in conversation.answers)
    assert "Exported 2026-11-29 09:30" in markdown


def test_handout_markdown_quotes_passages_as_the_report_words_them(fake_assistant, outline):
    """The Markdown handout is also read and pasted from a text editor: each passage is there as
    the report words it, without the chat's escapes ("Co\\-founder", "&amp;")."""
    conversation = _conversation(fake_assistant, "Who moderated Panel 3?", "What is the employer pays model?")
    markdown = to_markdown(conversation.answers, outline, datetime(2026, 11, 29))
    texts = [hit.chunk.text for answer in conversation.answers for hit in answer.hits]
    assert any("Co-founder" in text and "&" in text for text in texts)
    for text in texts:
        assert f"> {text}" in markdown
    assert "## 1. Who moderated Panel 3?" in markdown


def test_handout_html_is_printable_and_quotes_every_passage(fake_assistant, outline):
    conversation = _conversation(fake_assistant, "Who moderated Panel 3?")
    page = _parse(to_html(conversation.answers, outline, datetime(2026, 11, 29)))
    text = "".join(page.text)
    hits = conversation.answers[0].hits
    assert [tag for tag, _ in page.tags].count("blockquote") == len(hits)
    for hit in hits:
        assert hit.chunk.text in text
        assert reference(hit.chunk, outline.meta(hit.chunk)) in text
    assert "@media print" in text


def test_handouts_say_when_the_passages_do_not_answer(fake_assistant, outline):
    """A handout is read away from the chat: the closest passages of a question the report does not
    address are labelled as in the chat, not listed like answers with their references."""
    conversation = _conversation(fake_assistant, "What happened in 1999?", "Who moderated Panel 3?")
    assert [a.abstained for a in conversation.answers] == [True, False]
    markdown = to_markdown(conversation.answers, outline, datetime(2026, 11, 29))
    first, second = markdown.split("\n## 2. ")
    assert CLOSEST_LABEL in first.replace("\\", "") and CLOSEST_LABEL not in second.replace("\\", "")
    page = to_html(conversation.answers, outline, datetime(2026, 11, 29))
    assert page.count(CLOSEST_LABEL) == 1 and page.index(CLOSEST_LABEL) < page.index("[1] ")


@pytest.mark.parametrize(
    "question",
    [
        "<img src=x onerror=alert(1)> procurement",
        "<script>alert(1)</script> employer pays",
        "[recruitment](javascript:alert(1)) fees",
    ],
)
def test_handouts_show_markup_in_questions_as_text(fake_assistant, outline, question):
    conversation = _conversation(fake_assistant, question)
    page = _parse(to_html(conversation.answers, outline, datetime(2026, 11, 29)))
    assert not [tag for tag, _ in page.tags if tag in {"img", "script", "a"}]
    assert question in "".join(page.text)
    markdown = to_markdown(conversation.answers, outline, datetime(2026, 11, 29))
    assert "<img" not in markdown and "<script" not in markdown and "](javascript" not in markdown


def test_the_viewer_says_when_a_passage_was_shown_as_no_answer(fake_assistant, outline):
    """A facilitator's walkthrough opened the closest passage of "Who is Vladimir Putin?" in the
    source viewer: it offered the whole paragraph as a quotation ready to paste, and nothing there
    said the chat had shown it as no answer."""
    conversation = _conversation(fake_assistant, "What happened in 1999?", "Who moderated Panel 3?")
    declined, answered = conversation.answers
    assert declined.abstained and not answered.abstained
    caution = caution_for(declined)
    assert caution == "Shown as one of the closest passages to “What happened in 1999?”, which it does not answer."
    page = render_view(source_view(outline, declined.hits[0].chunk.id, caution=caution))
    assert 'class="src-caution"' in page and "which it does not answer" in page
    assert page.index("src-caution") < page.index("src-cited")
    assert caution_for(answered) == ""
    assert "src-caution" not in render_view(source_view(outline, answered.hits[0].chunk.id))


def test_write_handout_writes_both_files(fake_assistant, outline):
    conversation = _conversation(fake_assistant, "Who moderated Panel 3?")
    paths = write_handout(conversation.answers, outline, datetime(2026, 11, 29, 10, 0, 5))
    assert [p.name for p in paths] == ["handout-20261129-100005.md", "handout-20261129-100005.html"]
    assert "Who moderated Panel 3?" in paths[0].read_text(encoding="utf-8")
    assert paths[1].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# --- feedback -------------------------------------------------------------------------------


def test_feedback_flag_names_the_passage_and_is_appended(fake_assistant, tmp_path):
    _, _, conversation = respond("Who moderated Panel 3?", [], ALL, None, fake_assistant)
    record = flag(conversation, 2, "Wrong citation")  # message 2 is the second passage
    assert record is not None
    answer = conversation.answers[0]
    assert record["flag"] == "wrong citation"
    assert record["question"] == "Who moderated Panel 3?"
    assert record["flagged_citation"] == answer.hits[1].citation
    assert [p["citation"] for p in record["passages"]] == [h.citation for h in answer.hits]
    assert set(record) == {
        "time",
        "flag",
        "question",
        "searched_as",
        "matched_words",
        "abstained",
        "flagged_citation",
        "passages",
    }
    assert record["matched_words"] is None  # an English question is searched as asked
    path = tmp_path / "feedback" / "feedback.jsonl"
    append_feedback(path, record)
    append_feedback(path, flag(conversation, 1, "Like") or {})
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line["flag"] for line in lines] == ["wrong citation", "helpful"]
    assert datetime.fromisoformat(lines[0]["time"]).tzinfo is not None


def test_feedback_on_no_answer_or_unknown_flag_writes_nothing(fake_assistant):
    _, _, conversation = respond("Who moderated Panel 3?", [], ALL, None, fake_assistant)
    assert flag(conversation, 0, "Like") is None  # the question, not an answer
    assert flag(conversation, 1, "Delete everything") is None
    assert flag(None, 1, "Like") is None


def test_a_flag_sent_twice_for_one_click_is_counted_once():
    """Gradio's chat sends a feedback-menu choice twice for one click; the summary must not count
    two complaints. The same flag again later, or on another passage or session, is a new one."""
    now = [100.0]
    repeats = RepeatFilter(seconds=3.0, clock=lambda: now[0])
    assert repeats.is_new(("session-a", 2, "Wrong citation"))
    assert not repeats.is_new(("session-a", 2, "Wrong citation"))  # the same click, sent again
    assert repeats.is_new(("session-a", 3, "Wrong citation"))  # another passage
    assert repeats.is_new(("session-b", 2, "Wrong citation"))  # another participant
    assert repeats.is_new(("session-a", 2, "Dislike"))  # another flag
    now[0] += 10
    assert repeats.is_new(("session-a", 2, "Wrong citation"))  # flagged again, deliberately


# --- prepared questions ---------------------------------------------------------------------


def test_prepared_questions_name_real_sections_and_are_distinct(fake_assistant):
    labels = set(fake_assistant.section_labels)
    assert set(PREPARED) <= labels
    questions = [q for group in PREPARED.values() for q in group]
    assert len(questions) == len(set(questions)) >= 10
    assert {"Panel 1", "Panel 2", "Panel 3", "Panel 4"} <= set(PREPARED)


@pytest.mark.model
def test_prepared_questions_are_answered_from_their_own_section(real_assistant):
    first_cited = {}
    for label, questions in PREPARED.items():
        for question in questions:
            answer = real_assistant.ask(question)
            assert not answer.abstained, question
            assert answer.hits[0].chunk.section_label == label, (question, answer.hits[0].citation)
            first_cited[question] = answer.hits[0].chunk.id
    assert len(set(first_cited.values())) == len(first_cited)  # each shows a different passage


def test_outline_counts_match_the_index(fake_assistant, outline):
    chunks = parse_corpus(fake_assistant.settings).chunks
    firsts = [c for c in chunks if c.part == 1]
    assert sum(len(s.paragraphs) + len(s.recommendations) for s in outline.sections) == len(firsts)


def test_hostile_ids_and_titles_stay_text_in_viewer_and_browser(fake_assistant):
    from dataclasses import replace as change

    from assistant.outline import build_outline

    base = fake_assistant.index.chunks[10]
    hostile = change(
        base,
        id='x"><img src=x onerror=alert(1)>',
        section_title="<script>alert(1)</script>",
        section_label="<u>Panel</u>",
        text="<iframe src=//evil></iframe> text",
    )
    outline = build_outline([hostile], {}, {hostile.doc: {"title": "<img src=y onerror=alert(2)>"}})
    for page in (render_outline(outline), render_view(source_view(outline, hostile.id, evidence=((0, 5),)))):
        tags = {tag for tag, _ in _parse(page).tags}
        assert not tags & {"img", "script", "iframe", "u"}, tags
        assert "<script>alert(1)</script>" in "".join(_parse(page).text)


def test_an_unknown_passage_link_says_so():
    page = "".join(_parse(render_view(None, missing="old#s9p99")).text)
    assert "no passage “old#s9p99”" in page
