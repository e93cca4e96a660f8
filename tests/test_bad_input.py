"""Bad and odd questions, as one table, through the chat handler, the CLI and the web API.

Each row is answered normally or refused with a clear message; markup is always shown as text;
the app keeps serving afterwards.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Running, as_read, last_turn

from assistant import cli
from assistant.chat import ALL, respond
from assistant.engine import Assistant

QUOTED_PARAGRAPH = "Panel 2, ¶14"  # a whole paragraph pasted as the question must be found first

# (case id, question, expectation): "refused: <message>" or "answered"
CASES: list[tuple[str, str, str]] = [
    ("empty", "", "refused: Please type a question"),
    ("whitespace", " \t\n  ", "refused: Please type a question"),
    ("punctuation only", "?!… — ...", "refused: no words to search for"),
    ("emoji only", "🙂🙈🙂", "refused: no words to search for"),
    ("2,001 characters", "recruitment fees " * 118, "refused: limit is 2,000"),
    ("100,000 characters", "procurement " * 8334, "refused: limit is 2,000"),
    ("NUL and control characters", "Who moderated\x00 Panel 3?\x07\x1b", "answered"),
    ("emoji", "🙂 Who moderated Panel 3? 🙂", "answered"),
    ("right-to-left", "من أدار الجلسة الثالثة؟", "answered"),
    ("mixed scripts", "Panel 3 מי הנחה John Morrison", "answered"),
    ("img onerror", "<img src=x onerror=alert(1)>", "answered"),
    ("script", "<script>alert(1)</script> employer pays", "answered"),
    ("javascript link", "[click me](javascript:alert(1)) recruitment fees", "answered"),
    ("raw html", '<div style="position:fixed;top:0">procurement</div><iframe src="//x"></iframe>', "answered"),
    ("markdown image", "![x](http://example.com/x.png) labour inspections", "answered"),
    (
        "bare url and email",
        "Session expired, log in at https://evil.example or www.evil.example, x@evil.example",
        "answered",
    ),
    ("list, heading, maths", "1. procurement\n===\n$$x^2$$ `code` _em_ | table |", "answered"),
]
# Markdown acts on these when they are not escaped: links, autolinks, lists, headings, maths, code.
UNESCAPED = re.compile(r"(?<!\\)[\[\]()<>:@$=.`*_#|!]")


def _expected_shown(question: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", question)).strip()


def _quoted(fake_assistant: Assistant) -> tuple[str, str]:
    chunk = next(c for c in fake_assistant.index.chunks if c.citation == QUOTED_PARAGRAPH)
    return chunk.text, chunk.id


@pytest.mark.parametrize(("case", "question", "expected"), CASES, ids=[c[0] for c in CASES])
def test_chat_handler(fake_assistant: Assistant, case: str, question: str, expected: str) -> None:
    before = fake_assistant.embedder.calls  # type: ignore[attr-defined]
    history, box, conversation = respond(question, [], ALL, None, fake_assistant)
    assert box == ""
    shown, replies = history[0]["content"], [m["content"] for m in history[1:]]
    assert not UNESCAPED.search(shown), shown  # never markup, links or lists
    if expected.startswith("refused"):
        assert len(replies) == 1 and expected.removeprefix("refused: ") in replies[0].replace("\\", "")
        assert fake_assistant.embedder.calls == before  # type: ignore[attr-defined]  # refused before any search
        assert conversation.answers == []
    else:
        assert as_read(shown) == _expected_shown(question)
        assert any(r.startswith("**[1] ") for r in replies)
        assert all("<" not in r.replace("<mark>", "").replace("</mark>", "") for r in replies)


def test_chat_handler_finds_a_quoted_paragraph_first(fake_assistant: Assistant) -> None:
    text, chunk_id = _quoted(fake_assistant)
    _, _, conversation = respond(text, [], ALL, None, fake_assistant)
    assert conversation.answers[0].hits[0].chunk.id == chunk_id
    assert not conversation.answers[0].abstained


@pytest.fixture
def cli_fake(monkeypatch: pytest.MonkeyPatch, fake_assistant: Assistant) -> Assistant:
    monkeypatch.setattr(cli, "_assistant", lambda args: fake_assistant)
    return fake_assistant


@pytest.mark.parametrize(("case", "question", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cli(cli_fake: Assistant, capsys: pytest.CaptureFixture[str], case: str, question: str, expected: str) -> None:
    code = cli.main(["ask", question, "--json"])
    out, err = capsys.readouterr()
    if expected.startswith("refused"):
        assert code == 1 and expected.removeprefix("refused: ") in err
        assert len(err.splitlines()) <= 2 and "Traceback" not in err
    else:
        assert code == 0, err
        answer = json.loads(out)
        assert answer["question"] == _expected_shown(question)
        assert answer["passages"] and all(p["citation"] for p in answer["passages"])


def test_cli_finds_a_quoted_paragraph_first(cli_fake: Assistant, capsys: pytest.CaptureFixture[str]) -> None:
    text, _ = _quoted(cli_fake)
    assert cli.main(["ask", text, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["passages"][0]["citation"] == QUOTED_PARAGRAPH


@pytest.fixture(scope="module")
def web(_fake_build: Any) -> Iterator[Any]:
    settings, embedder, index = _fake_build
    running = Running(Assistant(index, embedder, settings))
    try:
        yield running.client()
    finally:
        running.demo.close()


@pytest.mark.parametrize(("case", "question", "expected"), CASES, ids=[c[0] for c in CASES])
def test_web_api(web: Any, case: str, question: str, expected: str) -> None:
    history, box = web.predict(question, [], ALL, api_name="/ask")
    assert box == ""
    shown, replies = last_turn(history)
    assert not UNESCAPED.search(shown), shown
    if expected.startswith("refused"):
        assert len(replies) == 1 and expected.removeprefix("refused: ") in replies[0].replace("\\", "")
    else:
        assert as_read(shown) == _expected_shown(question)
        assert any(r.startswith("**[1] ") for r in replies)
    # the app keeps serving
    after, _ = web.predict("Who moderated Panel 3?", [], ALL, api_name="/ask")
    assert last_turn(after)[1][0].startswith("**[1] Panel 3, ¶1**")


def test_web_api_finds_a_quoted_paragraph_first(web: Any, _fake_build: Any) -> None:
    _, _, index = _fake_build
    chunk = next(c for c in index.chunks if c.citation == QUOTED_PARAGRAPH)
    history, _ = web.predict(chunk.text, [], ALL, api_name="/ask")
    assert last_turn(history)[1][0].startswith(f"**[1] {QUOTED_PARAGRAPH}**")
