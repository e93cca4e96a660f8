"""Scoring answers against evidence quoted from the report: supports(), ranks and the summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import make_chunk

from assistant.evaluation import (
    QuestionResult,
    first_hit_rank,
    format_summary,
    load_questions,
    run,
    run_records,
    summarise,
    supports,
)
from assistant.followup import Turn
from assistant.records import Answer, Hit


@pytest.mark.parametrize(
    ("passage", "evidence", "expected"),
    [
        ("The panel was moderated by John Morrison, Chief Executive.", "moderated by John Morrison", True),
        # Half of the evidence as one contiguous run is enough...
        ("xx abcde yy", "abcdefghij", True),
        # ...just under half is not.
        ("xx abcd yy", "abcdefghij", False),
        # The same characters scattered do not count.
        ("a c e g i b d f h j", "abcdefghij", False),
        # White space and case are folded on both sides.
        ("Mr. Lavrov\n\nstated   that effective solutions", "MR. LAVROV STATED THAT", True),
        ("Laura Germino, Anti-Slavery Program Director", "*Laura Germino*, Anti-Slavery", True),
        # Emphasis marks quoted from the raw file are ignored.
        ("moderated by John Morrison, Chief Executive", "moderated by **John Morrison**, Chief Executive", True),
        ("anything at all", "", False),
        ("anything at all", "****", False),
        ("", "recruitment fees", False),
    ],
)
def test_supports(passage: str, evidence: str, expected: bool) -> None:
    assert supports(passage, evidence) is expected


def test_supports_a_long_quote_partly_in_the_passage() -> None:
    evidence = "Every year millions of workers have to buy their jobs by paying huge fees to recruitment agencies."
    head = evidence[: len(evidence) // 2 + 2]
    assert supports(f"Intro text. {head}", evidence)
    assert not supports(f"Intro text. {evidence[: len(evidence) // 2 - 3]}", evidence)


PASSAGES = [
    "This panel was moderated by John Morrison, Chief Executive.",
    "Speakers included Dorothy Rozga, Executive Director, ECPAT International.",
    "Bob Mitchell was the rapporteur of Panel 3.",
]


@pytest.mark.parametrize(
    ("evidence", "rank"),
    [
        (["moderated by John Morrison"], 1),
        (["Bob Mitchell was the rapporteur"], 3),
        (["Bob Mitchell was the rapporteur", "moderated by **John Morrison**"], 3),  # every item must be found
        (["Dorothy Rozga", "John Morrison"], 2),
        (["John Morrison", "Laura Germino moderated Panel 4"], None),
        ([], None),
    ],
)
def test_first_hit_rank(evidence: list[str], rank: int | None) -> None:
    assert first_hit_rank(PASSAGES, evidence) == rank


def _answer(question: str, texts: list[str], abstained: bool = False) -> Answer:
    hits = [
        Hit(
            chunk=make_chunk(i, text),
            score=1.0 - i / 10,
            rank=i,
        )
        for i, text in enumerate(texts, start=1)
    ]
    return Answer(question=question, hits=hits, abstained=abstained)


def _result(
    id_: str,
    type_: str,
    rank: int | None,
    *,
    abstained: bool = False,
    lacking: bool = False,
    in_scope: bool = True,
    seconds: float = 0.01,
    texts: tuple[str, ...] = ("x" * 10,),
) -> QuestionResult:
    answer = _answer(id_, list(texts), abstained)
    return QuestionResult(id_, type_, rank, abstained, lacking, in_scope, seconds, answer)


def test_summarise_tiny_result_list() -> None:
    results = [
        _result("q1", "factual", 1, seconds=0.010, texts=("a" * 100, "b" * 300)),
        _result("q2", "factual", 3, seconds=0.020),
        _result("q3", "people", None, abstained=True, seconds=0.030),
        _result("q4", "people", 7, seconds=0.040),
        _result("q5", "far", None, abstained=True, in_scope=False, seconds=0.050),
        _result("q6", "near_miss", None, abstained=False, in_scope=False, seconds=0.060),
        _result("q7", "near_miss", None, lacking=True, in_scope=False, seconds=0.070),
    ]
    summary = summarise(results)
    overall = summary["overall"]
    assert overall["n"] == 4
    assert overall["hit@1"] == pytest.approx(1 / 4)
    assert overall["hit@3"] == pytest.approx(2 / 4)
    assert overall["hit@5"] == pytest.approx(2 / 4)
    assert overall["mrr@10"] == pytest.approx((1 + 1 / 3 + 1 / 7) / 4)
    assert overall["abstained"] == pytest.approx(1 / 4)
    assert set(summary["types"]) == {"factual", "people"}
    assert summary["types"]["factual"]["hit@1"] == pytest.approx(0.5)
    assert summary["types"]["factual"]["mrr@10"] == pytest.approx((1 + 1 / 3) / 2)
    assert summary["types"]["people"]["hit@5"] == 0
    # Every question without evidence is out of scope, whatever its type, and declines are per type:
    # a near miss counts when it abstained or said the passages lack the figure or date asked for.
    assert summary["out_of_scope"] == {"n": 3, "abstained": pytest.approx(1 / 3), "abstained_or_noted": 2 / 3}
    assert summary["out_of_scope_types"]["far"] == {"n": 1, "abstained": 1.0, "abstained_or_noted": 1.0}
    assert summary["out_of_scope_types"]["near_miss"] == {"n": 2, "abstained": 0.0, "abstained_or_noted": 0.5}
    assert summary["passages"]["max_chars"] == 300
    assert summary["passages"]["mean_chars"] == pytest.approx((100 + 300 + 10 * 6) / 8)
    assert summary["median_ms"] == pytest.approx(40.0)


def test_rank_beyond_ten_gets_no_reciprocal_rank() -> None:
    summary = summarise([_result("q1", "factual", 11), _result("q2", "factual", 2)])
    assert summary["overall"]["mrr@10"] == pytest.approx(0.25)


def test_summarise_empty_and_format() -> None:
    empty = summarise([])
    assert empty["overall"] == {} and empty["out_of_scope"]["n"] == 0
    assert "ALL out-of-scope" not in format_summary(empty)
    text = format_summary(summarise([_result("q1", "factual", 1), _result("q2", "people", None)]))
    lines = text.splitlines()
    assert lines[0].split() == ["type", "n", "hit@1", "hit@3", "hit@5", "MRR@10", "abstain"]
    assert any(line.startswith("ALL in-scope") and line.split()[-6:-4] == ["2", "0.500"] for line in lines)
    assert any(line.startswith("factual") and "1.000" in line for line in lines)


def test_run_scores_each_question_with_the_given_ask(tmp_path: Path) -> None:
    path = tmp_path / "questions.jsonl"
    items: list[dict[str, Any]] = [
        {"id": "a", "type": "people", "question": "Who moderated Panel 3?", "evidence": ["**John Morrison**"]},
        {"id": "b", "type": "people", "question": "Who was the rapporteur?", "evidence": ["Laura Germino"]},
        {"id": "c", "question": "What is the weather in Vienna?"},
    ]
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n\n", encoding="utf-8")
    questions = load_questions(path)
    assert [q["id"] for q in questions] == ["a", "b", "c"]
    asked = []

    def ask(question: str, previous: Turn | None) -> Answer:
        assert previous is None
        asked.append(question)
        return _answer(question, PASSAGES, abstained=question.startswith("What is the weather"))

    results = run(questions, ask)
    assert asked == [q["question"] for q in items]
    assert [(r.id, r.type, r.rank, r.in_scope, r.abstained) for r in results] == [
        ("a", "people", 1, True, False),
        ("b", "people", None, True, False),
        ("c", "?", None, False, True),
    ]
    records = run_records(results)
    assert records[0]["id"] == "a" and records[2]["abstain"] is True
    assert records[0]["passages"][0] == {"text": PASSAGES[0], "citation": "Panel 1, ¶1"}


def test_context_turns_are_asked_first_in_one_conversation() -> None:
    """A follow-up is scored as the chat asks it: after its earlier turns, each handing the next
    its best passage's section and what it searched; only the last answer is scored."""
    items = [
        {
            "id": "f",
            "type": "followup",
            "context": ["Who moderated Panel 1?", "And Panel 2?"],
            "question": "what did she say?",
            "evidence": [PASSAGES[0]],
        },
        {"id": "g", "type": "paraphrase", "question": "Standalone?", "evidence": [PASSAGES[0]]},
    ]
    seen: list[tuple[str, Turn | None]] = []

    def ask(question: str, previous: Turn | None) -> Answer:
        seen.append((question, previous))
        answer = _answer(question, PASSAGES)
        return Answer(question, answer.hits, search_query=f"searched: {question}")

    results = run(items, ask)
    assert [q for q, _ in seen] == ["Who moderated Panel 1?", "And Panel 2?", "what did she say?", "Standalone?"]
    assert seen[0][1] is None and seen[3][1] is None  # no turn leaks into the next question
    shown = tuple(hit.chunk.id for hit in _answer("x", PASSAGES).hits)
    first = shown[0]
    assert seen[1][1] == Turn("searched: Who moderated Panel 1?", "Panel 1", first, "Who moderated Panel 1?", shown)
    assert seen[2][1] == Turn("searched: And Panel 2?", "Panel 1", first, "And Panel 2?", shown)
    assert [r.rank for r in results] == [1, 1]
