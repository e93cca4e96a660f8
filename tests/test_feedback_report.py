"""`assistant feedback`: the facilitator's summary of the room's flags, built from records written
exactly as the app writes them (feedback_record + append_feedback)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_chunk

from assistant import cli
from assistant.config import PROJECT_ROOT
from assistant.feedback import append_feedback, feedback_record
from assistant.feedback_report import WIDTH, read_feedback, summarise
from assistant.records import Answer, Chunk, Hit

P3_1 = make_chunk(1, "This panel was moderated by John Morrison.", id="p3-1", section_label="Panel 3")
P4_1 = make_chunk(1, "This panel was moderated by Laura Germino.", id="p4-1", section_label="Panel 4")
P4_2 = make_chunk(2, "The problem of recruitment fees was discussed.", id="p4-2", section_label="Panel 4")
P1_10 = make_chunk(10, "Supply chains are long.", id="p1-10", section_label="Panel 1")
INTRO_2 = make_chunk(2, "The conference took place in Moscow.", id="i-2", section_label="Introduction")
LONG_QUESTION = "How can banks detect human trafficking " + "through financial data and suspicious transactions " * 6


def _answer(question: str, chunks: list[Chunk], abstained: bool = False) -> Answer:
    hits = [Hit(chunk, 1.0 - rank / 10, rank + 1) for rank, chunk in enumerate(chunks)]
    return Answer(question, hits, abstained=abstained, search_query=question)


def _flag(path: Path, flag: str, answer: Answer, passage: int | None) -> None:
    append_feedback(path, feedback_record(flag, answer, passage))


@pytest.fixture
def session(tmp_path: Path) -> Path:
    """A workshop's flags, in an order where the file's order is not the ranking's."""
    path = tmp_path / "feedback" / "feedback.jsonl"
    moderated = [P3_1, P4_1, P1_10]
    fees = [P4_2, P3_1]
    borscht = [P1_10, INTRO_2]
    _flag(path, "wrong citation", _answer("What is the employer pays principle?", fees), 0)
    _flag(path, "not helpful", _answer("What did Panel 4 recommend about technology?", [P4_2]), 0)
    _flag(path, "helpful", _answer("What happened after the conference?", [INTRO_2], abstained=True), 0)
    _flag(path, "wrong citation", _answer("Who chaired the third panel?", moderated), 1)
    _flag(path, "wrong citation", _answer("Who moderated Panel 3?", moderated), 1)
    _flag(path, "helpful", _answer("Who moderated Panel 3?", moderated), 0)
    _flag(path, "wrong citation", _answer("who moderated  panel 3", moderated), 1)  # the same question
    _flag(path, "not helpful", _answer("What is the recipe for borscht?", borscht, abstained=True), 0)
    _flag(path, "not helpful", _answer("What is the recipe for borscht?", borscht, abstained=True), 1)
    _flag(path, "not helpful", _answer(LONG_QUESTION, [P1_10]), None)
    return path


def test_summary_groups_and_ranks_what_was_flagged(session: Path) -> None:
    summary = summarise(read_feedback(session, written_to=session))
    assert summary.records == 10
    assert summary.by_flag == {"helpful": 2, "not helpful": 4, "wrong citation": 4}

    passages = [(p.citation, p.count) for p in summary.wrong_citation]
    assert passages == [("Panel 4, ¶1", 3), ("Panel 4, ¶2", 1)]  # most flagged first, not first flagged
    first = summary.wrong_citation[0]
    assert first.text == "This panel was moderated by Laura Germino."
    assert [(q.text, q.count) for q in first.questions] == [
        ("Who moderated Panel 3?", 2),  # case and spacing aside, shown as typed most often
        ("Who chaired the third panel?", 1),
    ]

    disliked = [(q.question, q.count) for q in summary.not_helpful]
    assert disliked[0] == ("What is the recipe for borscht?", 2)
    assert {q for q, _ in disliked[1:]} == {"What did Panel 4 recommend about technology?", LONG_QUESTION.strip()}
    borscht = summary.not_helpful[0]
    assert [(c.text, c.count) for c in borscht.passages] == [("Panel 1, ¶10", 1), ("Introduction, ¶2", 1)]
    assert summary.not_helpful[-1].passages == ()  # flagged on the answer as a whole

    assert [(c.text, c.count) for c in summary.abstained] == [
        ("What is the recipe for borscht?", 2),
        ("What happened after the conference?", 1),
    ]


def test_plain_report_reads_in_order_and_fits_the_terminal(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["feedback", str(session)]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert captured.err == ""
    assert "10 flags read: 2 helpful, 4 not helpful, 4 wrong citation." in out
    wrong = out.index('flagged "wrong citation"')
    disliked = out.index('"not helpful"')
    abstained = out.index("Abstained answers someone flagged")
    assert wrong < out.index("3×  Panel 4, ¶1") < out.index("1×  Panel 4, ¶2") < disliked
    assert out.index("2×  Who moderated Panel 3?") < out.index("1×  Who chaired the third panel?")
    assert "“This panel was moderated by Laura Germino.”" in out
    assert disliked < out.index("2×  What is the recipe for borscht?") < abstained
    assert "on Panel 1, ¶10 (1×); Introduction, ¶2 (1×)" in out
    assert "1×  What happened after the conference?" in out[abstained:]
    assert "Who moderated Panel 3?" not in out[disliked:]  # helpful and wrong-citation flags stay out
    path_line, *lines = out.splitlines()
    assert path_line == f"Feedback in {session}"  # whole, to be copied
    assert lines[0].startswith("Flagged ") and lines[0].endswith(" UTC.")
    assert max(len(line) for line in lines) <= WIDTH
    long = [line for line in lines if "How can banks detect" in line]
    assert len(long) == 1 and long[0].endswith("…")


@pytest.mark.parametrize(
    ("times", "shown"),
    [
        (["2026-11-29T11:40:10+00:00", "2026-11-29T09:58:03+00:00"], "Flagged from 2026-11-29 09:58 to 11:40 UTC."),
        (
            ["2026-11-29T16:00:00+00:00", "2026-11-30T09:05:00+01:00"],
            "Flagged from 2026-11-29 16:00 to 2026-11-30 08:05 UTC.",
        ),
        (["2026-11-29T09:58:03+00:00", "yesterday"], "Flagged at 2026-11-29 09:58 UTC."),
    ],
)
def test_the_report_says_when_the_flags_were_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], times: list[str], shown: str
) -> None:
    path = tmp_path / "feedback.jsonl"
    for time in times:
        record = feedback_record("helpful", _answer("Who moderated Panel 3?", [P3_1]), 0)
        append_feedback(path, record | {"time": time})
    assert cli.main(["feedback", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[1] == shown


def test_json_output_has_the_documented_shape(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["feedback", str(session), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {
        "file",
        "records",
        "flags",
        "first",
        "last",
        "skipped_lines",
        "wrong_citation",
        "not_helpful",
        "abstained",
    }
    assert data["file"] == str(session)
    assert data["records"] == 10
    assert data["flags"] == {"helpful": 2, "not helpful": 4, "wrong citation": 4}
    assert data["first"] <= data["last"] and data["first"].endswith("+00:00")
    assert data["skipped_lines"] == []
    assert data["wrong_citation"][0] == {
        "citation": "Panel 4, ¶1",
        "text": "This panel was moderated by Laura Germino.",
        "count": 3,
        "questions": [
            {"question": "Who moderated Panel 3?", "count": 2},
            {"question": "Who chaired the third panel?", "count": 1},
        ],
    }
    assert data["not_helpful"][0] == {
        "question": "What is the recipe for borscht?",
        "count": 2,
        "passages": [{"citation": "Panel 1, ¶10", "count": 1}, {"citation": "Introduction, ¶2", "count": 1}],
    }
    assert LONG_QUESTION.strip() in [q["question"] for q in data["not_helpful"]]  # JSON is never shortened
    assert data["abstained"] == [
        {"question": "What is the recipe for borscht?", "count": 2},
        {"question": "What happened after the conference?", "count": 1},
    ]


def test_default_file_is_the_configured_one(
    session: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ASSISTANT_FEEDBACK_FILE", str(session))
    assert cli.main(["feedback", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["records"] == 10


def test_missing_file_says_where_flags_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    configured = tmp_path / "feedback" / "feedback.jsonl"
    monkeypatch.setenv("ASSISTANT_FEEDBACK_FILE", str(configured))
    assert cli.main(["feedback"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.strip().splitlines()
    assert line.startswith("error: No feedback recorded yet: the app writes flags to " + str(configured))

    other = tmp_path / "elsewhere.jsonl"
    assert cli.main(["feedback", str(other)]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert str(other) in line and f"The app writes flags to {configured}" in line


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
def test_empty_file_means_no_feedback_yet(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str) -> None:
    path = tmp_path / "feedback.jsonl"
    path.write_text(content, encoding="utf-8")
    assert cli.main(["feedback", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == f"No feedback recorded yet: {path} is empty."
    assert captured.err == ""


def test_broken_lines_are_reported_and_the_rest_summarised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "feedback.jsonl"
    _flag(path, "wrong citation", _answer("Who moderated Panel 3?", [P3_1, P4_1]), 1)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("this is not json\n")  # line 2
        handle.write("[1, 2]\n")  # line 3
        handle.write('{"flag": "helpful", "time": "2026-11-29T10:00:00+00:00"}\n')  # line 4
        handle.write('{"flag": "love it", "question": "Hi?", "abstained": false}\n')  # line 5
        handle.write('{"flag": "not helpful", "question": "Who spo')  # line 6, cut mid-write...
        handle.write("\n")
    with path.open("ab") as binary:
        binary.write(b'{"flag": "helpful", "question": "\xff"}\n')  # line 7
    _flag(path, "not helpful", _answer("What is the recipe for borscht?", [P1_10], abstained=True), 0)  # line 8

    assert cli.main(["feedback", str(path)]) == 0
    captured = capsys.readouterr()
    warnings = captured.err.strip().splitlines()
    assert warnings == [
        "warning: feedback.jsonl line 2 skipped: not JSON (Expecting value at column 1).",
        "warning: feedback.jsonl line 3 skipped: a JSON array, not a feedback record.",
        'warning: feedback.jsonl line 4 skipped: no "question", no "abstained".',
        'warning: feedback.jsonl line 5 skipped: unknown flag "love it".',
        "warning: feedback.jsonl line 6 skipped: not JSON (Unterminated string starting at column 37).",
        "warning: feedback.jsonl line 7 skipped: not UTF-8 text.",
    ]
    assert "2 flags read: 0 helpful, 1 not helpful, 1 wrong citation; 6 broken lines skipped." in captured.out
    assert "1×  Panel 4, ¶1" in captured.out
    assert "1×  What is the recipe for borscht?" in captured.out

    assert cli.main(["feedback", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["line"] for s in data["skipped_lines"]] == [2, 3, 4, 5, 6, 7]
    assert data["records"] == 2


def test_a_file_of_only_broken_lines_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_text("".join(f"note {n}\n" for n in range(25)), encoding="utf-8")
    assert cli.main(["feedback", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 12, "ten broken lines named, the rest counted, then the error"
    assert lines[10] == "warning: notes.jsonl: 15 more broken lines skipped."
    assert lines[11].startswith("error: None of the 25 non-blank lines") and str(path) in lines[11]


def test_feedback_loads_no_model_or_web_library(session: Path) -> None:
    code = (
        "import sys; from assistant import cli; code = cli.main(['feedback', sys.argv[1]]); "
        "heavy = [m for m in ('torch', 'gradio', 'numpy', 'faiss', 'onnxruntime') if m in sys.modules]; "
        "print('heavy:', heavy, file=sys.stderr); sys.exit(code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(session)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PROJECT_ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "heavy: []" in done.stderr
    assert "3×  Panel 4, ¶1" in done.stdout
