"""Typing slips: a participant who types "panle" and "tobaco" gets the passages on tobacco, with a
line saying how the question was read, never "not mentioned anywhere in the report: tobaco"; a
word the participant meant (a real word, a name, a British spelling) is never "mended"."""

from __future__ import annotations

import pytest

from assistant.engine import Assistant
from assistant.lexical import tokenize
from assistant.scope import NOT_ADDRESSED
from assistant.spelling import Speller

REPORT = [
    "The panel said what the tobacco industry did, and why workers were fired.",
    "The organization trained staff on recruitment. Some governments made recommendations on bitcoins.",
    "Ambassador Petrova thanked the speakers. The work is done, said the rapporteur.",
    "AccorHotels and Microsoft joined the Global Business Coalition Against Human Trafficking.",
]


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller(REPORT, frozenset(tokenize(" ".join(REPORT))))


@pytest.mark.parametrize(
    ("question", "read_as"),
    [
        ("waht did panle 3 say about tobaco?", "what did panel 3 say about tobacco?"),  # swapped, swapped, dropped
        ("Waht about recomendations?", "What about recommendations?"),  # a capital that starts a sentence is kept
        ("what did the rapporter say", "what did the rapporteur say"),
        ("Did goverments act? Traffickers aside", "Did governments act? Traffickers aside"),
    ],
)
def test_slips_are_mended_with_the_reports_words(speller: Speller, question: str, read_as: str) -> None:
    assert speller.mend(question).text == read_as


@pytest.mark.parametrize(
    "question",
    [
        "Who hired the workers?",  # a real word, one letter from the report's "fired"
        "Who is Ivan Petrov?",  # a name, one letter from the report's Petrova: another person
        "who is ivan petrov?",  # in lower case too: the report writes Petrova only as a name
        "Which organisation trained them?",  # British spelling of the report's "organization"
        "Anything on bitcoin?",  # another form of the report's "bitcoins"
        "why dont they act?",  # a contraction without its apostrophe, not "done"
        "Quel est le rôle de la française?",  # another alphabet's letters
        "What about the GLAA and THB?",  # acronyms
    ],
)
def test_words_the_participant_meant_are_left_alone(speller: Speller, question: str) -> None:
    assert speller.mend(question).fixes == ()


@pytest.mark.model
@pytest.mark.parametrize(
    ("word", "name"),
    [
        ("AccorHotles", "AccorHotels"),  # two letters swapped in a long name
        ("Microsfot", "Microsoft"),
        ("Petrov", None),  # a short name one letter from another may be another person
        ("Recruitmant", None),  # one slip from a word the report writes in lower case: not a name
        ("AccorHotels", None),  # the report's own spelling
    ],
)
def test_a_name_one_slip_from_the_reports_is_pointed_out_not_mended(
    speller: Speller, word: str, name: str | None
) -> None:
    assert speller.name_like(word) == name
    assert speller.mend(f"What did {word} do?").text == f"What did {word} do?"  # never replaced


def test_the_not_mentioned_note_names_the_reports_spelling(fake_assistant: Assistant) -> None:
    answer = fake_assistant.ask("What did AccorHotles do about child exploitation?")
    assert "Not mentioned anywhere in the report: AccorHotles (the report has AccorHotels)." in answer.notes


def test_a_question_full_of_slips_finds_the_passages_and_says_how_it_was_read(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("waht did panle 3 say about tobaco?")
    assert not answer.abstained
    assert answer.question == "waht did panle 3 say about tobaco?"  # shown as typed
    assert "tobacco industry" in answer.hits[0].chunk.text
    assert answer.hits[0].chunk.section_label == "Panel 3"
    assert "Read with its spelling mended: waht → what, panle → panel, tobaco → tobacco." in answer.notes
    assert not any("Not mentioned" in note for note in answer.notes)


@pytest.mark.model
def test_a_question_in_another_language_is_not_mended(real_assistant: Assistant) -> None:
    """German "wurden" is one letter from the report's "burden": the question is not English."""
    answer = real_assistant.ask("Wie viele Opfer von Menschenhandel wurden 2016 in Deutschland identifiziert?")
    assert not any("spelling" in note for note in answer.notes)


@pytest.mark.model
def test_a_far_question_with_a_slip_is_still_turned_away(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("Who won the Eurovison song contest in 2017?")
    assert answer.abstained
    assert answer.notes[0] == NOT_ADDRESSED
