"""Which sections a question names, and whether it asks for recommendations."""

from __future__ import annotations

import pytest
from conftest import SECTION_LABELS

from assistant.structure import SectionMatcher, topic_pairs

LABELS = SECTION_LABELS
WELCOME = "Welcoming Remarks & Introductory addresses"


@pytest.fixture(scope="module")
def matcher() -> SectionMatcher:
    return SectionMatcher(LABELS + LABELS)  # one label per chunk in practice: duplicates are folded


def test_labels_are_deduplicated_in_order(matcher: SectionMatcher) -> None:
    assert matcher.labels == LABELS


@pytest.mark.parametrize(
    ("question", "sections"),
    [
        ("Who moderated Panel 3?", {"Panel 3"}),
        ("who moderated panel3", {"Panel 3"}),
        ("What did the second panel discuss?", {"Panel 2"}),
        ("the 4th panel", {"Panel 4"}),
        ("Who chaired the last panel?", {"Panel 4"}),  # the report's highest-numbered
        ("what did the final panel recommend", {"Panel 4"}),
        ("What happened in panel three?", {"Panel 3"}),
        ("Panel No. 1 speakers", {"Panel 1"}),
        ("Compare panel 1 and panel 4", {"Panel 1", "Panel 4"}),
        ("What did panel 7 say?", set()),
        ("Panel 12 overview", set()),
        ("What was said in the closing remarks?", {"Concluding remarks"}),
        ("final remarks", {"Concluding remarks"}),
        ("Who gave the opening remarks?", {WELCOME}),
        ("the introductory addresses", {WELCOME}),
        ("What does the introduction say?", {"Introduction"}),
        ("Read me the disclaimer", {"Disclaimer"}),
        ("What are the policy recommendations?", {"Policy recommendations"}),
        ("Which remarks mentioned children?", set()),
        ("Who spoke about hotlines?", set()),
    ],
)
def test_sections_named_by_a_question(matcher: SectionMatcher, question: str, sections: set[str]) -> None:
    assert matcher.intent(question).sections == frozenset(sections)


@pytest.mark.parametrize(
    ("question", "wants"),
    [
        ("What did Panel 4 recommend about technology?", True),
        ("Which recommendations concern procurement?", True),
        ("What should governments do?", True),
        ("What did speakers suggest?", True),
        ("Panel 2 called for what?", True),
        ("Who moderated Panel 3?", False),
        ("What is the GLAA?", False),
    ],
)
def test_questions_asking_for_recommendations(matcher: SectionMatcher, question: str, wants: bool) -> None:
    assert matcher.intent(question).wants_recommendations is wants


def test_only_panels_that_exist_in_the_index_are_named() -> None:
    matcher = SectionMatcher(["Introduction", "Panel 1", "Panel 2"])
    assert matcher.intent("What did the third panel say?").sections == frozenset()
    assert matcher.intent("What did the second panel say?").sections == frozenset({"Panel 2"})
    assert matcher.intent("the last panel").sections == frozenset({"Panel 2"})
    assert matcher.intent("closing remarks").sections == frozenset()
    assert SectionMatcher(["Introduction"]).intent("the last panel").sections == frozenset()


TITLES = {
    "Panel 1": "Panel 1: Understanding human trafficking in the private economy - responsibility of the private sector",
    "Panel 2": "Panel 2: International and national norms and practices. The government role",
    "Panel 3": "Panel 3: Private sector initiatives and practices addressing THB",
    "Panel 4": "Panel 4: “The way forward”. Regulations and voluntary initiatives",
}
PASSAGES = [f"Human trafficking and the private sector, passage {n}." for n in range(40)]


@pytest.mark.parametrize(
    ("question", "sections"),
    [
        ("Who moderated the panel on international and national norms?", {"Panel 2"}),
        ("Who chaired the 'way forward' session?", {"Panel 4"}),
        ("What did the panel on private sector initiatives recommend?", {"Panel 3"}),
        # words two titles share, or that many passages use, name no panel
        ("What did the private-sector panel recommend?", set()),
        ("Which panel discussed human trafficking in farming?", set()),
        # the topic without "panel", "session" or "discussion" is a topic, not a section
        ("What are the international and national norms on forced labour?", set()),
    ],
)
def test_a_panel_named_by_its_topic(question: str, sections: set[str]) -> None:
    matcher = SectionMatcher(list(TITLES), topic_pairs(TITLES, PASSAGES))
    assert matcher.intent(question).sections == sections


def test_only_a_panel_named_by_its_number_is_certain() -> None:
    """The list of a panel's people comes first for "who moderated the first panel?" only: a
    session named by its topic's words may be another ("ways forward" is the closing session's
    name in the report, and words of Panel 4's title)."""
    matcher = SectionMatcher(list(TITLES), topic_pairs(TITLES, PASSAGES))
    by_number = matcher.intent("Who moderated the second panel?")
    assert by_number.by_number == by_number.sections == {"Panel 2"}
    by_topic = matcher.intent("Who moderated the panel on international and national norms?")
    assert by_topic.sections == {"Panel 2"} and by_topic.by_number == frozenset()


@pytest.mark.parametrize(
    ("question", "wants"),
    [
        ("Who moderated the panel on national norms?", True),
        ("Who was the rapporteur of Panel 3?", True),
        ("Who chaired the closing session?", True),
        ("Which people were speakers on Panel 1?", True),
        ("What did the moderator say about fees?", False),  # not asking who
        ("Who is responsible for preventing trafficking?", False),  # asks who, but not a role
    ],
)
def test_questions_asking_who_held_a_role(matcher: SectionMatcher, question: str, wants: bool) -> None:
    assert matcher.intent(question).wants_people is wants


@pytest.mark.parametrize(
    ("question", "whole"),
    [
        ("What is this report about?", True),
        ("what is this about?", True),
        ("what's this document about", True),
        ("Give me a summary of the report", True),
        ("overview please", True),
        ("what is it about?", False),  # "it": the previous answer's topic, a follow-up
        ("What is this report about trafficking in hotels?", False),  # a topic of its own
        ("Summary of Panel 2", False),  # a section of its own
        ("What is the GLAA about?", False),
        ("Where and when was this conference held?", True),
        ("when did the conference take place?", True),
        ("where when did this conference", True),  # the report's words found for a Russian question
        ("When did the conference discuss recruitment fees?", False),  # a topic of its own
        ("Where was the IV Global Conference held?", False),  # another conference, named
    ],
)
def test_questions_about_the_whole_report_name_its_introduction(
    matcher: SectionMatcher, question: str, whole: bool
) -> None:
    intent = matcher.intent(question)
    assert intent.about_whole is whole
    if whole:
        assert intent.sections == {"Front matter", "Introduction"}
