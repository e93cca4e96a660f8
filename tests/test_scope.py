"""Whether the report addresses a question: far-off questions get "does not appear to address
this" even when they name a place the report names, and a question about something the report
mentions only in passing is answered, not turned away for its low cosine."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_chunk

from assistant.abstain import ASKS_FOR_A_TEXT, LOOSE_MATCH_NOTE, OCCASION_NOTE, OFF_SUBJECT, TASK_NOTE, AbstainRule
from assistant.engine import Assistant
from assistant.lexical import tokenize
from assistant.retrieval import Scored
from assistant.scope import NOT_ADDRESSED, Asked, Scope

TITLE_LINE = make_chunk(1, "Moscow, 20-21 July 2017", section_label="Front matter")
PARAGRAPHS = [
    make_chunk(2, "Speakers discussed the recruitment fees that migrant workers pay to agencies abroad."),
    make_chunk(3, "Hotel staff were trained to recognise signs of child exploitation among guests."),
    make_chunk(4, "Banks can use their anti-money laundering checks to detect payments linked to exploitation."),
]
CHUNKS = [TITLE_LINE, *PARAGRAPHS]


def _scored(*cosines: float) -> list[Scored]:
    return [Scored(position, 1.0 - position / 10, cosine, 0.0) for position, cosine in enumerate(cosines)]


def test_a_line_left_unjudged_does_not_lift_a_far_question_over_the_floor() -> None:
    """A three-word title line is close to any question naming its city; when that name is all they
    share, the floor is judged on the passages with something to say."""
    rule = AbstainRule()
    near_the_title_only = _scored(0.62, 0.22, 0.20, 0.18)
    question = "When does the metro close in Moscow?"
    assert not rule.reasons(question, near_the_title_only, CHUNKS, rule.min_dense)
    assert rule.reasons(question, near_the_title_only, CHUNKS, rule.min_dense, unjudged=frozenset({0}))


def test_a_question_the_closest_passages_mention_outright_is_not_turned_away() -> None:
    rule = AbstainRule()
    far_in_cosine = _scored(0.10, 0.25, 0.24, 0.20)
    question = "Was anything said about agencies?"
    assert rule.reasons(question, far_in_cosine, CHUNKS, rule.min_dense)
    assert not rule.reasons(question, far_in_cosine, CHUNKS, rule.min_dense, mentioned=True)


@pytest.mark.parametrize(
    ("similarity", "known_share", "off_subject"),
    [
        (-0.03, 0.25, True),  # about something else, in words the report does not use
        (-0.03, 0.75, False),  # in the report's words: a reworded question, not a far one
        (0.20, 0.25, False),  # near what the report is about, in other words: a paraphrase
    ],
)
def test_off_subject_needs_both_signals(similarity: float, known_share: float, off_subject: bool) -> None:
    assert (AbstainRule().off_subject(similarity, known_share, words=4) == OFF_SUBJECT) is off_subject


def test_a_citation_s_number_is_not_a_figure_to_find() -> None:
    """ "Recommendation 14" names an item of the report: its number is not in the item's text."""
    rule = AbstainRule()
    close = _scored(0.6, 0.5, 0.4, 0.3)
    cited = ("What does Recommendation 14 of Panel 1 say?", "What is in Panel 2, ¶17?", "the 11th recommendation")
    for question in cited:
        assert not rule.reasons(question, close, CHUNKS, rule.min_dense), question
    assert rule.reasons("What happened to the 14 workers?", close, CHUNKS, rule.min_dense)


def test_a_number_the_report_spells_out_is_in_its_passages() -> None:
    """ "200 participants" is the report's "two hundred participants": not a figure it lacks."""
    rule = AbstainRule()
    spelled = [make_chunk(5, "The Conference brought together around two hundred participants from forty States.")]
    close = _scored(0.6)
    assert not rule.reasons("We had 200 participants - from how many of the 40 countries?", close, spelled, 0.3)
    assert rule.reasons("Were there 300 participants?", close, spelled, 0.3)


def test_off_subject_needs_a_few_words() -> None:
    """ "What were the dates?" has one word, which the report does not use; the title page answers it."""
    assert AbstainRule().off_subject(-0.03, 0.0, words=1) is None


@pytest.mark.parametrize(
    ("question", "about_the_occasion"),
    [
        ("What's the wifi password here?", True),
        ("Is there a vegetarian option at lunch?", True),
        ("Do we get certificates at the end?", True),
        ("What time does today's session finish?", True),
        ("Where is the workshop room?", True),
        ("How should the training of hotel staff be organised?", False),
        ("What does the report say about today's victims of trafficking?", False),
        ("Which certification schemes were discussed?", False),
        ("Does IRIS give certificates to recruitment agencies?", False),  # the report's, not ours
        ("What did the report say about the training schedule of hotel staff?", False),
    ],
)
def test_questions_about_the_event_the_assistant_is_used_at(question: str, about_the_occasion: bool) -> None:
    """Participants type the workshop's own questions into the same box: the report cannot answer them."""
    reasons = AbstainRule().reasons(question, _scored(0.6, 0.5, 0.4, 0.3), CHUNKS, 0.3)
    assert bool(reasons) is about_the_occasion


@pytest.mark.parametrize(
    ("message", "asks_for_a_text"),
    [
        ("Can you help me write a cover letter for a job?", True),
        ("Please draft an email to my manager about this.", True),
        ("Translate the recommendations into Spanish", True),
        ("How do you say forced labour in German?", True),
        ("Any good recipe for borscht?", True),
        ("What did the report write about banks?", False),
        ("Who wrote the report?", False),
        ("Did anyone draft a law on supply chains?", False),
        ("Was the translation of the ILO guidelines discussed?", False),
    ],
)
def test_a_request_for_a_text_is_told_apart_from_a_question(message: str, asks_for_a_text: bool) -> None:
    assert AbstainRule.asks_for_a_text(message) is asks_for_a_text


def test_a_request_for_a_text_is_turned_away_only_when_nothing_is_close_to_it() -> None:
    """Nothing to write it from (every passage judged far): turned away, saying why. A text on the
    report's topic keeps its passages: they are what the report says on it."""
    rule = AbstainRule()
    far = [Scored(i, 1.0, 0.5, 0.0, relevance=-11.0) for i in range(3)]
    near = [Scored(i, 1.0, 0.5, 0.0, relevance=value) for i, value in enumerate([-2.5, -6.0, -9.0])]
    message = "Could you write me a cover letter for a marketing job?"
    assert ASKS_FOR_A_TEXT in rule.reasons(message, far, CHUNKS, 0.3, shown=far)
    assert ASKS_FOR_A_TEXT not in rule.reasons(message, near, CHUNKS, 0.3, shown=near)
    assert ASKS_FOR_A_TEXT not in rule.reasons(message, far, CHUNKS, 0.3)  # no verdicts, no judgment


def _scope() -> Scope:
    """The paragraphs above among many on trafficking in supply chains, as in a real report (a word
    in a tenth of the passages or more says nothing specific)."""
    filler = [make_chunk(10 + i, "The panel discussed trafficking in supply chains.") for i in range(16)]
    chunks = [*CHUNKS, *filler]
    vocabulary = {word for chunk in chunks for word in tokenize(chunk.text)}
    return Scope(chunks, np.eye(len(chunks), 32, dtype=np.float32), vocabulary, AbstainRule(), several=False)


@pytest.mark.parametrize(
    ("best", "plain", "cautioned"),
    [
        (-9.0, True, True),  # every passage judged far off: read them before quoting
        (-6.0, True, False),  # a reworded question the cross-encoder half-recognises
        (-9.0, False, False),  # "I'm a hotel manager ...", a long situation, a follow-up: it misjudges those
    ],
)
def test_a_plain_question_no_passage_matches_is_cautioned_not_turned_away(
    best: float, plain: bool, cautioned: bool
) -> None:
    shown = [Scored(i, 1.0, 0.5, 0.0, relevance=best - i) for i in range(1, 4)]
    question = "Which hotel staff were trained?"
    verdict = _scope().judge(Asked(question, question, True, 0.3, plain=plain), shown, shown)
    assert not verdict.abstained and not verdict.lacking
    assert (verdict.notes == [LOOSE_MATCH_NOTE]) is cautioned and verdict.loose is cautioned


@pytest.mark.parametrize(
    ("focus", "unused"),
    [
        ("blockchain?", ["blockchain"]),
        ("truck drivers and their unions?", ["truck", "drivers", "unions"]),
        ("hotel staff and blockchain?", []),  # it asks about hotel staff too, which the report has
        ("recruitment fees?", []),
        ("What happened to the trafficking hotlines?", ["hotlines"]),  # framing words are no topic
    ],
)
def test_a_topic_the_report_never_names_is_said(focus: str, unused: list[str]) -> None:
    assert _scope().unused_topic(focus) == unused


# --- with the real models -------------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(
    "question",
    [
        "Where can I buy a SIM card at Moscow airport?",  # the title page names Moscow
        "Is it going to snow in Moscow tomorrow?",
        "Which metro line goes to the Kremlin in Moscow right now?",
        "Was anything said about football?",
    ],
)
def test_far_questions_naming_the_reports_places_are_not_answered(real_assistant: Assistant, question: str) -> None:
    answer = real_assistant.ask(question)
    assert answer.abstained
    assert answer.notes[0] == NOT_ADDRESSED
    assert answer.hits  # the closest passages stay visible under the note


@pytest.mark.model
def test_the_workshop_s_own_questions_say_whom_to_ask(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("Will the slides and certificates from today's training be emailed to us?")
    assert answer.abstained
    assert answer.notes[:2] == [NOT_ADDRESSED, OCCASION_NOTE]


@pytest.mark.model
@pytest.mark.parametrize(
    "question",
    [
        "Which national team won the football World Cup that Russia hosted?",  # the report names that World Cup
        "What interest rate do Dutch banks like ABN AMRO offer on deposits?",  # and that bank
    ],
)
def test_a_fact_the_report_lacks_about_something_else_is_not_addressed(
    real_assistant: Assistant, question: str
) -> None:
    """Not a near miss on the report's topic: the report names the thing, but the question is about
    something else altogether, so it does not address it (and says which fact it lacks)."""
    answer = real_assistant.ask(question)
    assert answer.abstained
    assert answer.notes[0] == NOT_ADDRESSED
    assert "does not give the" in answer.notes[1]


@pytest.mark.model
def test_a_year_the_report_gives_further_down_is_not_said_missing(real_assistant: Assistant) -> None:
    """The opening addresses give the goals' years ("by 2025", "by 2030"), outside the three
    closest passages; the Modern Slavery Act's year is nowhere in the report."""
    for question in (
        "By what year should child labour be eliminated?",
        "By when should forced labour and modern slavery be eradicated?",
    ):
        assert real_assistant.ask(question).lacking == "", question
    assert real_assistant.ask("What year did the UK pass the Modern Slavery Act?").lacking == "year"


@pytest.mark.model
def test_general_knowledge_in_the_reports_words_is_cautioned(real_assistant: Assistant) -> None:
    """A participant's first probe, "What's the capital of France?": every word is the report's (it
    names France and "human capital"), so nothing turns it away, but the passages shown come with
    the warning that none matches it. A question the report answers gets no warning."""
    for question in ("What's the capital of France?", "What is the population of Belize?"):
        answer = real_assistant.ask(question)
        assert LOOSE_MATCH_NOTE in answer.notes and answer.hits, question
        assert not any(hit.evidence for hit in answer.hits)  # no sentence marked as if it answered
    for question in ("Who moderated Panel 3?", "What is the employer pays model?", "Which hotels train their staff?"):
        assert LOOSE_MATCH_NOTE not in real_assistant.ask(question).notes, question


@pytest.mark.model
def test_a_topic_the_report_never_names_is_said_above_the_closest_passages(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("Was anything said about cryptocurrency wallets?")
    assert "Not mentioned anywhere in the report: cryptocurrency, wallets." in answer.notes
    assert answer.hits
    assert not any("Not mentioned" in note for note in real_assistant.ask("What about cotton?").notes)


@pytest.mark.model
@pytest.mark.parametrize(
    ("message", "turned_away"),
    [
        ("Can you help me write a cover letter for a marketing job?", True),
        ("Could you draft an email to my landlord about the heating?", True),
        ("Can you help me draft a supplier code of conduct on forced labour?", False),
        ("Help me write a training plan for hotel staff on spotting trafficking", False),
    ],
)
def test_a_request_for_a_text_says_what_the_assistant_does(
    real_assistant: Assistant, message: str, turned_away: bool
) -> None:
    answer = real_assistant.ask(message)
    assert TASK_NOTE in answer.notes
    assert answer.abstained is turned_away
    assert answer.hits  # the closest passages stay visible either way


@pytest.mark.model
@pytest.mark.parametrize(
    "question", ["What is this report about?", "Who wrote the report?", "When was the conference?"]
)
def test_questions_on_the_report_itself_get_its_title_page_whole(real_assistant: Assistant, question: str) -> None:
    """Not a bare "REPORT" line: the page with the organisation, the title, the place and dates."""
    answer = real_assistant.ask(question)
    assert not answer.abstained
    page = next(hit for hit in answer.hits[:3] if hit.chunk.section_label == "Front matter")
    assert "Organization for Security and Co-operation in Europe" in page.chunk.text
    assert "Moscow, 20-21 July 2017" in page.chunk.text
    assert all(len(hit.chunk.text.split()) > 3 for hit in answer.hits)


@pytest.mark.model
@pytest.mark.parametrize("question", ["What were the dates?", "Dates and venue?", "What was the date?"])
def test_the_title_page_answers_when_and_where(real_assistant: Assistant, question: str) -> None:
    """A title line close to a question by its meaning, not by a name they share, is judged."""
    answer = real_assistant.ask(question)
    assert not answer.abstained
    assert any("20-21 July 2017" in hit.chunk.text for hit in answer.hits[:3])
    # "dates" and "venue" are not the report's words, but what is asked of it, which it gives
    assert not any(note.startswith("Not mentioned") for note in answer.notes)


@pytest.mark.model
@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("Was the internet mentioned at all?", "internet"),
        ("Did anyone mention the internet?", "internet"),
        # "happened" is rare in a report but says nothing of the topic; "pickers" is not the
        # report's word: without the first, the one named thing is too little of the question.
        ("What happened to the strawberry pickers?", "strawberr"),
    ],
)
def test_a_passing_mention_is_an_answer(real_assistant: Assistant, question: str, word: str) -> None:
    answer = real_assistant.ask(question)
    assert not answer.abstained
    assert word in answer.hits[0].chunk.text.lower()
