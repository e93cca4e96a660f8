"""A crowded room: 40 participants asking at once through the web API get no error and exactly the
answers a single user gets for the same questions in the same order, follow-ups included. (Speed
and the serving process's memory under load are measured by the benchmark, `assistant bench`, not
asserted here: no request has a time limit, only the whole room a guard against a hang.)"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Running, as_read, last_turn

from assistant.bench.web import sequence
from assistant.chat import ALL, Conversation, respond
from assistant.config import PROJECT_ROOT
from assistant.engine import Assistant

PARTICIPANTS = 40
QUESTIONS_EACH = 4
# A guard against a hang, not a measure of speed: a round takes seconds even on a busy machine.
HANG_S = 900
EVAL = PROJECT_ROOT.parent / "shared" / "eval"
# Follow-ups of the workshop set, each after the question it follows (used when the file is not there).
FOLLOW_UPS = [
    ["Who spoke for UNICEF at the opening?", "what did she say about smugglers?"],
    ["Tell me about GeoPoll.", "How many phone users can they reach?"],
]


def _lines(name: str) -> list[dict[str, Any]]:
    path = EVAL / name
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _questions() -> list[str]:
    """Each follow-up right after its context, then public questions: a participant asks
    neighbours (``bench.web.sequence``), so many ask a follow-up after the question it follows,
    and some after another question or first."""
    workshop = _lines("workshop-questions.jsonl")
    follow_ups = [[*item["context"], item["question"]] for item in workshop if item.get("context")]
    public = [item["question"] for item in _lines("questions.jsonl")][:20] or [
        "Who moderated Panel 3?",
        "What is the employer pays model?",
        "procurement in Austria",
        "GLAA",
    ]
    return [question for turns in follow_ups or FOLLOW_UPS for question in turns] + public


def _citations(history: list[dict[str, Any]]) -> list[str]:
    """The "[rank] citation" headings of the passages, as a reader sees them."""
    headings = [reply.split("**")[1] for reply in last_turn(history)[1] if reply.startswith("**[")]
    return [as_read(h) for h in headings]


@pytest.fixture(scope="module")
def room(_fake_build: Any) -> Iterator[tuple[Running, Assistant]]:
    settings, embedder, index = _fake_build
    assistant = Assistant(index, embedder, settings)
    running = Running(assistant)
    try:
        yield running, assistant
    finally:
        running.demo.close()


def _sequence(number: int, questions: list[str]) -> list[str]:
    return sequence(number, questions, QUESTIONS_EACH)


def _single_user(assistant: Assistant, questions: list[str]) -> list[list[str]]:
    """What one participant alone sees for each of their questions, asked in the same order."""
    expected = []
    conversation = None
    for question in questions:
        history, _, conversation = respond(question, [], ALL, conversation, assistant)
        expected.append(_citations(history))
    return expected


def _alone(assistant: Assistant, question: str) -> list[str]:
    history, _, _ = respond(question, [], ALL, Conversation(), assistant)
    return _citations(history)


def _round(running: Running, questions: list[str]) -> tuple[list[str], dict[int, list[list[str]]]]:
    errors: list[str] = []
    seen: dict[int, list[list[str]]] = {}

    def participant(number: int) -> None:
        try:
            # One client is one browser tab: its own conversation. No time limit on its requests:
            # a busy machine makes them slow, not wrong.
            client = running.client(timeout=None)
            answers = []
            for question in _sequence(number, questions):
                history, _ = client.predict(question, [], ALL, api_name="/ask")
                answers.append(_citations(history))
            seen[number] = answers
        except Exception as error:  # every failure is counted, none is hidden
            errors.append(f"participant {number}: {error!r}")

    threads = [threading.Thread(target=participant, args=(n,), daemon=True) for n in range(PARTICIPANTS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + HANG_S
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), f"a participant got no answer in {HANG_S} s: a hang"
    return errors, seen


def test_forty_participants_get_no_error_and_the_single_user_answers(room: tuple[Running, Assistant]) -> None:
    running, assistant = room
    questions = _questions()
    single = {n: _single_user(assistant, _sequence(n, questions)) for n in range(PARTICIPANTS)}
    assert all(answers and all(answers) for answers in single.values())
    # Follow-ups are in play: some participants see citations unlike those of the same question
    # asked alone, so a room compared with questions asked alone would differ.
    alone = {question: _alone(assistant, question) for question in questions}
    in_context = sum(
        cited != alone[question]
        for n, answers in single.items()
        for question, cited in zip(_sequence(n, questions), answers, strict=True)
    )
    assert in_context > 0
    for _ in range(2):  # a second round: the sessions of the first do not disturb it
        errors, seen = _round(running, questions)
        assert errors == []
        assert seen == single
