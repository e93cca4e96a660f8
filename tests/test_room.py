"""A crowded room: 40 participants asking at once through the web API get no error and exactly the
answers a single user gets. (Speed and the serving process's memory under load are measured by the
benchmark, `assistant bench`, not asserted here.)"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Running, as_read, last_turn

from assistant.chat import ALL
from assistant.config import PROJECT_ROOT
from assistant.engine import Assistant

PARTICIPANTS = 40
QUESTIONS_EACH = 4


def _questions() -> list[str]:
    path = PROJECT_ROOT.parent / "shared" / "eval" / "questions.jsonl"
    if path.is_file():
        return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line][:20]
    return ["Who moderated Panel 3?", "What is the employer pays model?", "procurement in Austria", "GLAA"]


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
    return [questions[(number + turn * 7) % len(questions)] for turn in range(QUESTIONS_EACH)]


def _single_user(assistant: Assistant, questions: list[str]) -> list[list[str]]:
    """What one participant alone sees for each of their questions, asked in the same order."""
    from assistant.chat import respond

    expected = []
    conversation = None
    for question in questions:
        history, _, conversation = respond(question, [], ALL, conversation, assistant)
        expected.append(_citations(history))
    return expected


def _round(running: Running, questions: list[str]) -> tuple[list[str], dict[int, list[list[str]]]]:
    errors: list[str] = []
    seen: dict[int, list[list[str]]] = {}

    def participant(number: int) -> None:
        try:
            client = running.client()  # one client is one browser tab: its own conversation
            answers = []
            for question in _sequence(number, questions):
                history, _ = client.predict(question, [], ALL, api_name="/ask")
                answers.append(_citations(history))
            seen[number] = answers
        except Exception as error:  # every failure is counted, none is hidden
            errors.append(f"participant {number}: {error!r}")

    threads = [threading.Thread(target=participant, args=(n,)) for n in range(PARTICIPANTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a participant never got an answer"
    return errors, seen


def test_forty_participants_get_no_error_and_the_single_user_answers(room: tuple[Running, Assistant]) -> None:
    running, assistant = room
    questions = _questions()
    single = {n: _single_user(assistant, _sequence(n, questions)) for n in range(PARTICIPANTS)}
    assert all(answers and all(answers) for answers in single.values())
    for _ in range(2):  # a second round: the sessions of the first do not disturb it
        errors, seen = _round(running, questions)
        assert errors == []
        assert seen == single
