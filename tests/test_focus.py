"""The asking part of a message: what the cross-encoder reads and the off-topic check judges,
so that "what did the conference say about", who is asking, or a long story before the question
does not decide which passages look relevant or whether the report addresses it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from assistant.abstain import OFF_TOPIC, AbstainRule
from assistant.engine import Assistant
from assistant.focus import question_focus
from assistant.scope import NOT_ADDRESSED


@pytest.mark.parametrize(
    ("message", "focus"),
    [
        # asking about the asking
        ("What did the conference say about child labour in cocoa farming?", "child labour in cocoa farming?"),
        ("What was discussed regarding seafood supply chains?", "seafood supply chains?"),
        ("Is there anything in the report about cobalt mines?", "cobalt mines?"),
        ("Did anybody talk about debt bondage?", "debt bondage?"),
        ("Can you tell me about the hotline for seafarers?", "the hotline for seafarers?"),
        # who is asking: their role stays as context, the words around it go
        (
            "I'm a port inspector — which signs of forced labour should we look for?",
            "port inspector: which signs of forced labour should we look for?",
        ),
        (
            "As a bank compliance officer, how can we spot suspicious payments?",
            "bank compliance officer: how can we spot suspicious payments?",
        ),
        (
            "Procurement officer here - are there rules for public contracts?",
            "Procurement officer: are there rules for public contracts?",
        ),
        ("I am a journalist. Who chaired the closing session?", "journalist: Who chaired the closing session?"),
        # a greeting
        ("Hi, what did the report say about palm oil?", "palm oil?"),
        ("Hello! I'm a trainer. Who moderated Panel 2?", "trainer: Who moderated Panel 2?"),
        # a long message: its last asking sentences
        (
            "We run a chain of car washes in three regions, mostly staffed by migrants from Central Asia. "
            "Last week an inspector asked about the fees our recruiters charge them, and our lawyers disagree "
            "about whether that is our business at all. Who should pay recruitment fees?",
            "Who should pay recruitment fees?",
        ),
        (
            "Our union represents cleaners at two airports, and several members were hired through agencies "
            "that kept their passports for months before handing them back. We want to raise this with the "
            "airport operator. What does the report recommend to employers",
            "What does the report recommend to employers",
        ),
        # a long message whose question names no topic of its own keeps the sentence it refers to
        (
            "Our cooperative buys cocoa from smallholders in two districts, and buyers keep asking about "
            "audits. A colleague mentioned a certification scheme that some chocolate makers joined. "
            "What do you know about it?",
            "A colleague mentioned a certification scheme that some chocolate makers joined. "
            "What do you know about it?",
        ),
        # ...and so does one whose every word is about the asking
        (
            "We run a shelter for women rescued from domestic servitude, and many arrive with no papers. "
            "A partner told us some embassies fast-track documents for victims. "
            "Did the report mention anything like that?",
            "A partner told us some embassies fast-track documents for victims. "
            "Did the report mention anything like that?",
        ),
        # left alone: plain questions, a short one with a stop inside, a message that is all frame
        ("Who moderated the third panel?", "Who moderated the third panel?"),
        ("What did the court decide in Smith v. Jones?", "What did the court decide in Smith v. Jones?"),
        ("Tell me about", "Tell me about"),
    ],
)
def test_the_focus_of_a_message(message: str, focus: str) -> None:
    assert question_focus(message) == focus


@pytest.mark.parametrize(
    ("names", "known", "relevance", "off_topic"),
    [
        (["Hermitage"], 0.25, -9.0, True),
        ([], 0.25, -9.0, False),  # a paraphrase in the participant's own words
        (["Strasbourg"], 0.8, -9.0, False),  # a place the report names otherwise, in its words
        (["Hermitage"], 0.25, 1.5, False),  # the cross-encoder found an answer
        (["Hermitage"], 0.25, None, False),  # no cross-encoder: names and words alone are too weak
    ],
)
def test_off_topic_needs_all_three_signals(
    names: list[str], known: float, relevance: float | None, off_topic: bool
) -> None:
    assert (AbstainRule().off_topic(names, known, relevance) == OFF_TOPIC) is off_topic


class Unconvinced:
    """A cross-encoder that finds no candidate relevant; records what it read."""

    def __init__(self) -> None:
        self.read: list[str] = []

    def scores(self, question: str, passages: list[str]) -> np.ndarray:
        self.read.append(question)
        return np.full(len(passages), -9.0, dtype=np.float32) - np.arange(len(passages), dtype=np.float32)


def _judged_by(fake_assistant: Assistant, reranker: object) -> Assistant:
    settings = dataclasses.replace(fake_assistant.settings, query_cache_size=0)
    return Assistant(fake_assistant.index, fake_assistant.embedder, settings, reranker=reranker)  # type: ignore[arg-type]


def test_the_cross_encoder_reads_the_focus(fake_assistant: Assistant) -> None:
    reranker = Unconvinced()
    _judged_by(fake_assistant, reranker).ask("As a hotel manager, what did the report say about training staff?")
    assert reranker.read == ["hotel manager: training staff?"]


def test_an_off_topic_question_is_not_answered_but_its_closest_passages_stay(fake_assistant: Assistant) -> None:
    answer = _judged_by(fake_assistant, Unconvinced()).ask("When does the Hermitage museum open on Sundays?")
    assert answer.abstained and answer.notes[0] == NOT_ADDRESSED and answer.hits
    # the same verdicts on a question in the report's words: answered
    answer = _judged_by(fake_assistant, Unconvinced()).ask("What did speakers say about recruitment fees?")
    assert not answer.abstained
