"""What the room flagged, summarised for the facilitator: passages flagged as wrong citations, questions
marked not helpful, questions the assistant abstained on. Reads ``feedback.jsonl`` line by line, with
no model: ``assistant feedback`` answers at once.

Counts are flags, not questions asked: the file only holds what participants flagged. Questions that
differ only in case, spacing or final punctuation are counted together, shown as typed most often.

The shape of ``assistant feedback --json`` (kept stable; lists are most counted first)::

    {"file": str, "records": int, "flags": {"helpful": int, "not helpful": int, "wrong citation": int},
     "first": str | null, "last": str | null,          # earliest and latest flag, ISO 8601 in UTC
     "skipped_lines": [{"line": int, "reason": str}],
     "wrong_citation": [{"citation": str | null, "text": str, "count": int,
                         "questions": [{"question": str, "count": int}]}],
     "not_helpful": [{"question": str, "count": int, "passages": [{"citation": str, "count": int}]}],
     "abstained": [{"question": str, "count": int}]}

A ``citation`` of null is a flag on the answer as a whole (its note), not on one passage.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import AssistantError
from .feedback import FLAGS
from .questions import visible_text

WIDTH = 100  # columns of the plain-text report
MAX_WARNINGS = 10  # broken lines reported one by one; the rest are counted
_REQUIRED = ("flag", "question", "abstained")
_JSON_TYPES = {dict: "object", list: "array", str: "string", int: "number", float: "number", bool: "true/false"}


@dataclass(frozen=True)
class Flag:
    """One usable line of the file: what the summary needs of a feedback record."""

    line: int
    flag: str  # "helpful", "not helpful" or "wrong citation"
    question: str
    abstained: bool
    citation: str | None  # the passage flagged; None for the answer as a whole
    passage_text: str  # that passage's text as it was shown, "" when unknown
    time: datetime | None


@dataclass(frozen=True)
class SkippedLine:
    line: int
    reason: str


@dataclass(frozen=True)
class FeedbackFile:
    path: Path
    flags: list[Flag]
    skipped: list[SkippedLine]


@dataclass(frozen=True)
class Count:
    text: str  # a question or a citation
    count: int


@dataclass(frozen=True)
class FlaggedPassage:
    citation: str | None
    text: str
    count: int
    questions: tuple[Count, ...]


@dataclass(frozen=True)
class DislikedQuestion:
    question: str
    count: int
    passages: tuple[Count, ...]  # the passages the 👎 was given on


@dataclass(frozen=True)
class FeedbackSummary:
    path: Path
    records: int
    by_flag: dict[str, int]
    first: datetime | None
    last: datetime | None
    skipped: tuple[SkippedLine, ...]
    wrong_citation: tuple[FlaggedPassage, ...]
    not_helpful: tuple[DislikedQuestion, ...]
    abstained: tuple[Count, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "records": self.records,
            "flags": self.by_flag,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "skipped_lines": [{"line": s.line, "reason": s.reason} for s in self.skipped],
            "wrong_citation": [
                {"citation": p.citation, "text": p.text, "count": p.count, "questions": _questions(p.questions)}
                for p in self.wrong_citation
            ],
            "not_helpful": [
                {
                    "question": q.question,
                    "count": q.count,
                    "passages": [{"citation": c.text, "count": c.count} for c in q.passages],
                }
                for q in self.not_helpful
            ],
            "abstained": _questions(self.abstained),
        }


def _questions(counts: tuple[Count, ...]) -> list[dict[str, Any]]:
    return [{"question": c.text, "count": c.count} for c in counts]


# --- reading --------------------------------------------------------------------------------


def read_feedback(path: Path, *, written_to: Path) -> FeedbackFile:
    """Every line of ``path``, parsed or skipped with its reason. ``written_to`` is where the app
    writes flags, named when ``path`` does not exist."""
    if path.is_dir():
        raise AssistantError(f"{path} is a folder, not a feedback file.", f"Pass {path / 'feedback.jsonl'}.")
    if not path.exists():
        if path.resolve() == written_to.resolve():
            raise AssistantError(
                f"No feedback recorded yet: the app writes flags to {path}, which does not exist yet.",
                "The first 👍, 👎 or ⚑ Wrong citation in the app creates it; run this again after the session.",
            )
        raise AssistantError(
            f"No feedback file at {path}: no flags were recorded there.",
            f"The app writes flags to {written_to} (ASSISTANT_FEEDBACK_FILE): run `assistant feedback`.",
        )
    flags: list[Flag] = []
    skipped: list[SkippedLine] = []
    try:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                parsed = _parse(number, raw)
                if isinstance(parsed, Flag):
                    flags.append(parsed)
                elif parsed is not None:
                    skipped.append(parsed)
    except OSError as error:
        raise AssistantError(f"Cannot read {path}: {error.strerror}.", "Check its permissions.") from error
    return FeedbackFile(path, flags, skipped)


def _parse(number: int, raw: bytes) -> Flag | SkippedLine | None:
    """A flag, a skipped line with why, or None for a blank line."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return SkippedLine(number, "not UTF-8 text")
    if not text.strip():
        return None
    try:
        data = json.loads(text.rstrip("\r\n"))
    except json.JSONDecodeError as error:
        at = "" if error.msg.endswith(" at") else " at"
        return SkippedLine(number, f"not JSON ({error.msg}{at} column {error.colno})")
    if not isinstance(data, dict):
        return SkippedLine(number, f"a JSON {_JSON_TYPES.get(type(data), 'null')}, not a feedback record")
    missing = [name for name in _REQUIRED if name not in data]
    if missing:
        return SkippedLine(number, "no " + ", no ".join(f'"{name}"' for name in missing))
    flag, question, citation = data["flag"], data["question"], data.get("flagged_citation")
    if flag not in FLAGS.values():
        return SkippedLine(number, f"unknown flag {_short(json.dumps(flag, ensure_ascii=False), 40)}")
    if not isinstance(question, str) or not visible_text(question):
        return SkippedLine(number, '"question" is not a question')
    if not isinstance(data["abstained"], bool):
        return SkippedLine(number, '"abstained" is not true or false')
    if citation is not None and not isinstance(citation, str):
        return SkippedLine(number, '"flagged_citation" is not text')
    text = _passage_text(data.get("passages"), citation)
    return Flag(number, flag, visible_text(question), data["abstained"], citation, text, _time(data.get("time")))


def _passage_text(passages: object, citation: str | None) -> str:
    """The flagged passage's text among those shown, so the facilitator can recognise it."""
    if citation is None or not isinstance(passages, list):
        return ""
    for passage in passages:
        if isinstance(passage, dict) and passage.get("citation") == citation and isinstance(passage.get("text"), str):
            return str(passage["text"])
    return ""


def _time(value: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def skipped_messages(feedback: FeedbackFile, limit: int = MAX_WARNINGS) -> list[str]:
    """One line per skipped line (up to ``limit``), for stderr: a wrong file is not a screenful."""
    name = feedback.path.name
    lines = [f"{name} line {s.line} skipped: {s.reason}." for s in feedback.skipped[:limit]]
    if len(feedback.skipped) > limit:
        lines.append(f"{name}: {len(feedback.skipped) - limit} more broken lines skipped.")
    return lines


# --- grouping -------------------------------------------------------------------------------


def summarise(feedback: FeedbackFile) -> FeedbackSummary:
    """Grouped and counted, most counted first (ties: the order flagged)."""
    if feedback.skipped and not feedback.flags:
        raise AssistantError(
            f"None of the {len(feedback.skipped)} non-blank lines of {feedback.path} is a feedback record.",
            "Check that it is the file the app writes (ASSISTANT_FEEDBACK_FILE).",
        )
    flags = feedback.flags
    times = [f.time for f in flags if f.time is not None]
    wrong = [f for f in flags if f.flag == "wrong citation"]
    by_citation: dict[str | None, list[Flag]] = {}
    for f in wrong:
        by_citation.setdefault(f.citation, []).append(f)
    passages = [
        FlaggedPassage(
            citation,
            next((f.passage_text for f in reversed(group) if f.passage_text), ""),
            len(group),
            _counted([f.question for f in group]),
        )
        for citation, group in by_citation.items()
    ]
    disliked = [
        DislikedQuestion(_most_typed(group), len(group), _counts([f.citation for f in group if f.citation]))
        for group in _by_question([f for f in flags if f.flag == "not helpful"])
    ]
    return FeedbackSummary(
        path=feedback.path,
        records=len(flags),
        by_flag={name: sum(f.flag == name for f in flags) for name in FLAGS.values()},
        first=min(times, default=None),
        last=max(times, default=None),
        skipped=tuple(feedback.skipped),
        wrong_citation=tuple(sorted(passages, key=lambda p: -p.count)),
        not_helpful=tuple(sorted(disliked, key=lambda q: -q.count)),
        abstained=_counted([f.question for f in flags if f.abstained]),
    )


def _fold(question: str) -> str:
    """The same question typed twice: case, spacing and final punctuation aside."""
    folded = question.casefold().rstrip(" ?!.？")
    return folded or question.casefold()


def _by_question(flags: list[Flag]) -> list[list[Flag]]:
    groups: dict[str, list[Flag]] = {}
    for f in flags:
        groups.setdefault(_fold(f.question), []).append(f)
    return list(groups.values())


def _most_typed(group: list[Flag]) -> str:
    return Counter(f.question for f in group).most_common(1)[0][0]


def _counted(questions: list[str]) -> tuple[Count, ...]:
    """Distinct questions with how often each was flagged."""
    groups: dict[str, list[str]] = {}
    for question in questions:
        groups.setdefault(_fold(question), []).append(question)
    counts = [Count(Counter(forms).most_common(1)[0][0], len(forms)) for forms in groups.values()]
    return tuple(sorted(counts, key=lambda c: -c.count))


def _counts(texts: list[str]) -> tuple[Count, ...]:
    return tuple(Count(text, n) for text, n in Counter(texts).most_common())


# --- plain text -----------------------------------------------------------------------------


def format_summary(summary: FeedbackSummary) -> str:
    """The report for a terminal of ``WIDTH`` columns: long questions and passages shortened (the
    file's path is printed whole, to be copied)."""
    if summary.records == 0:
        return f"No feedback recorded yet: {summary.path} is empty."
    lines = [f"Feedback in {summary.path}", *_span(summary), _total(summary), ""]
    lines.append('Passages flagged "wrong citation", most flagged first:')
    for p in summary.wrong_citation:
        lines.append(_row(2, p.count, p.citation or "(the answer as a whole, not one passage)"))
        if p.text:
            lines.append(f"{' ' * 8}“{_short(p.text, WIDTH - 10)}”")
        lines.extend(_row(8, q.count, q.text) for q in p.questions)
    lines.extend(["  none"] if not summary.wrong_citation else [])
    lines += ["", 'Questions marked "not helpful", most frequent first:']
    for q in summary.not_helpful:
        lines.append(_row(2, q.count, q.question))
        if q.passages:
            flagged = "; ".join(f"{c.text} ({c.count}×)" for c in q.passages)
            lines.append(f"{' ' * 8}{_short('on ' + flagged, WIDTH - 8)}")
    lines.extend(["  none"] if not summary.not_helpful else [])
    lines += ["", "Abstained answers someone flagged, most frequent first:"]
    lines.extend(_row(2, c.count, c.text) for c in summary.abstained)
    lines.extend(["  none"] if not summary.abstained else [])
    return "\n".join(lines)


def _span(summary: FeedbackSummary) -> list[str]:
    """When the flags were given: a file may gather several sessions."""
    if not (summary.first and summary.last):
        return []
    first, last = f"{summary.first:%Y-%m-%d %H:%M}", f"{summary.last:%Y-%m-%d %H:%M}"
    if first == last:
        return [f"Flagged at {first} UTC."]
    return [f"Flagged from {first} to {last[11:] if first[:10] == last[:10] else last} UTC."]


def _total(summary: FeedbackSummary) -> str:
    flags = ", ".join(f"{n} {name}" for name, n in summary.by_flag.items())
    total = f"{summary.records} flag{'s' if summary.records != 1 else ''} read: {flags}"
    if summary.skipped:
        total += f"; {len(summary.skipped)} broken line{'s' if len(summary.skipped) != 1 else ''} skipped"
    return total + "."


def _row(indent: int, count: int, text: str) -> str:
    prefix = f"{' ' * indent}{count:>3}×  "
    return prefix + _short(text, WIDTH - len(prefix))


def _short(text: str, width: int) -> str:
    """One line of at most ``width`` characters, cut at a word with an ellipsis."""
    text = visible_text(text)
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    if space > width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"
