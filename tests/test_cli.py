"""The command line: clear one-line errors with exit codes, and JSON answers with citations."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import cli
from assistant.config import PROJECT_ROOT
from assistant.engine import Assistant

CITATION = re.compile(r"^[A-Z][\w &]+?(?: \d)?, (?:¶\d+|Recommendation \d+)(?: \(part \d+ of \d+\))?$")


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if an error case would load the model or the index."""

    def refuse(args: object) -> Assistant:
        raise AssertionError("the assistant must not be opened for this command")

    monkeypatch.setattr(cli, "_assistant", refuse)


@pytest.fixture
def use_fake(monkeypatch: pytest.MonkeyPatch, fake_assistant: Assistant) -> Assistant:
    monkeypatch.setattr(cli, "_assistant", lambda args: fake_assistant)
    return fake_assistant


def _run(argv: list[str]) -> int:
    try:
        return cli.main(argv)
    except SystemExit as exit_:  # argparse reports usage errors this way
        return int(exit_.code or 0)


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["ask", ""], 1, "Please type a question"),
        (["ask", "   "], 1, "Please type a question"),
        (["ask", "?!"], 1, "no words to search for"),
        (["ask", "x" * 2500], 1, "the limit is 2,000"),
        (["eval", "{tmp}/missing.jsonl"], 1, "No question file"),
        (["ask", "x", "--k", "0"], 2, "--k must be at least 1"),
        (["eval", "{tmp}/missing.jsonl", "--k", "-3"], 2, "--k must be at least 1"),
        (["ask", "x", "--k", "five"], 2, "invalid int value"),
        (["frobnicate"], 2, "invalid choice"),
        ([], 2, "required"),
    ],
)
def test_error_cases(
    no_model: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], code: int, message: str
) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert _run(argv) == code
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""
    if code == 1:
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), "one line a user can act on"
        assert "Traceback" not in captured.err


def test_missing_question_file_names_the_sets_there_are(
    no_model: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["eval", str(tmp_path / "questions.jsonl")]) == 1
    err = capsys.readouterr().err
    assert "Pass one of: " in err and str(PROJECT_ROOT / "eval" / "english_extra.jsonl") in err


class _ReaderGone:
    """Standard output whose reader has stopped, as `assistant ask ... | head -3` leaves it."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        return self.fd


def test_output_cut_short_by_the_reader_is_not_an_error(
    use_fake: Assistant, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    read_end, write_end = os.pipe()
    try:
        monkeypatch.setattr(sys, "stdout", _ReaderGone(write_end))
        assert cli.main(["ask", "Who moderated Panel 3?"]) == 0
        assert capsys.readouterr().err == ""  # no traceback, no "Exception ignored" at exit
    finally:
        os.close(read_end)
        os.close(write_end)


def test_ask_json(use_fake: Assistant, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["ask", "Who moderated Panel 3?", "--json", "--k", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"question", "abstained", "passages"} <= set(data)
    assert data["question"] == "Who moderated Panel 3?"
    assert len(data["passages"]) == 3
    for passage in data["passages"]:
        assert {"text", "citation", "section", "score"} <= set(passage)
        assert CITATION.match(passage["citation"]), passage["citation"]
    assert data["passages"][0]["citation"] == "Panel 3, ¶1"
    assert "John Morrison" in data["passages"][0]["text"]
    # What the app marks, checkable from the command line (an analyst's audit had no way to).
    first = data["passages"][0]
    assert first["highlighted"] and all(sentence in first["text"] for sentence in first["highlighted"])
    assert "John Morrison" in first["highlighted"][0]


def test_ask_json_with_section_filter(use_fake: Assistant, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["ask", "recruitment fees", "--json", "--section", "Panel 2", "--section", "Panel 4"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["passages"]
    assert {p["citation"].split(",")[0] for p in data["passages"]} <= {"Panel 2", "Panel 4"}


def test_ask_plain_text(use_fake: Assistant, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["ask", "Who moderated Panel 3?", "--k", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("[1] Panel 3, ¶1 — Panel 3: Private sector initiatives and practices addressing THB (line")
    assert "-" not in out.split("\n")[0].split("(line")[-1]  # "line 266" or "lines 266–268", as the app says
    assert "[2] " in out and "[3] " not in out
    assert "John Morrison" in out


def test_eval_with_output_file(use_fake: Assistant, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = tmp_path / "questions.jsonl"
    questions.write_text(
        json.dumps(
            {
                "id": "p3",
                "type": "people",
                "question": "Who moderated Panel 3?",
                "evidence": ["moderated by **John Morrison**"],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "answers.jsonl"
    assert cli.main(["eval", str(questions), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"^people\s+1\s+1\.000", printed, re.M)
    assert f"Wrote 1 answers to {out}" in printed
    record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert record["id"] == "p3" and record["passages"][0]["citation"] == "Panel 3, ¶1"


def test_index_dir_option_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen = {}

    def capture(args: object) -> Assistant:
        seen["index_dir"] = cli._settings(args).index_dir  # type: ignore[arg-type]
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_assistant", capture)
    assert cli.main(["--index-dir", str(tmp_path / "idx"), "ask", "recruitment"]) == 130
    assert seen["index_dir"] == (tmp_path / "idx").resolve()


def test_python_dash_m_assistant_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PROJECT_ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for command in ("build", "ask", "serve", "eval"):
        assert command in done.stdout
    assert "torch" not in done.stderr
