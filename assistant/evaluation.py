"""Score the assistant on a question file: hit@k, MRR@10, abstention, passage length."""

from __future__ import annotations

import json
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from .followup import Turn, turn_after
from .records import Answer
from .report import strip_emphasis


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def supports(passage: str, evidence: str) -> bool:
    """At least half of the evidence's characters appear in the passage as one contiguous run.

    Evidence strings are quoted from the raw file, where names carry ``**`` emphasis
    marks; passages show the words without the marks, so the marks are dropped first.
    """
    passage, evidence = _fold(passage), _fold(strip_emphasis(evidence))
    if not evidence:
        return False
    if evidence in passage:
        return True
    matcher = SequenceMatcher(None, passage, evidence, autojunk=False)
    match = matcher.find_longest_match(0, len(passage), 0, len(evidence))
    return match.size * 2 >= len(evidence)


def first_hit_rank(passages: list[str], evidence: list[str]) -> int | None:
    """Smallest k such that every evidence string is supported within the top k passages."""
    if not evidence:
        return None
    worst = 0
    for item in evidence:
        rank = next((i for i, p in enumerate(passages, start=1) if supports(p, item)), None)
        if rank is None:
            return None
        worst = max(worst, rank)
    return worst


@dataclass
class QuestionResult:
    id: str
    type: str
    rank: int | None  # None: not found in the top 10, or out of scope
    abstained: bool
    lacking: bool  # the answer said the passages lack what was asked (a figure, a date)
    in_scope: bool
    seconds: float
    answer: Answer


def load_questions(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


Ask = Callable[[str, Turn | None], Answer]


def run(questions: list[dict[str, Any]], ask: Ask) -> list[QuestionResult]:
    """Each question asked as the chat asks it: its ``context`` turns first, in one conversation,
    each answer handing the next question its turn (:func:`turn_after`). Only the last is scored,
    and only it is timed. Empty ``evidence`` means out of scope, whatever the type."""
    results = []
    for item in questions:
        previous: Turn | None = None
        for earlier in item.get("context") or []:
            previous = turn_after(ask(earlier, previous), previous)
        started = time.perf_counter()
        answer = ask(item["question"], previous)
        seconds = time.perf_counter() - started
        passages = [hit.chunk.text for hit in answer.hits]
        in_scope = bool(item.get("evidence"))
        rank = first_hit_rank(passages, item.get("evidence", [])) if in_scope else None
        results.append(
            QuestionResult(
                item["id"],
                item.get("type", "?"),
                rank,
                answer.abstained,
                bool(answer.lacking),
                in_scope,
                seconds,
                answer,
            )
        )
    return results


def summarise(results: list[QuestionResult]) -> dict[str, Any]:
    """Figures overall (in-scope questions) and per type."""

    def figures(group: list[QuestionResult]) -> dict[str, float]:
        if not group:
            return {}
        n = len(group)
        return {
            "n": n,
            "hit@1": sum(r.rank is not None and r.rank <= 1 for r in group) / n,
            "hit@3": sum(r.rank is not None and r.rank <= 3 for r in group) / n,
            "hit@5": sum(r.rank is not None and r.rank <= 5 for r in group) / n,
            "mrr@10": sum(1 / r.rank for r in group if r.rank is not None and r.rank <= 10) / n,
            "abstained": sum(r.abstained for r in group) / n,
        }

    def declined(group: list[QuestionResult]) -> dict[str, float]:
        n = max(1, len(group))
        return {
            "n": len(group),
            "abstained": sum(r.abstained for r in group) / n,
            # abstained, or said the passages lack the figure or date asked for
            "abstained_or_noted": sum(r.abstained or r.lacking for r in group) / n,
        }

    in_scope = [r for r in results if r.in_scope]
    out_scope = [r for r in results if not r.in_scope]
    by_type: dict[str, list[QuestionResult]] = defaultdict(list)
    out_by_type: dict[str, list[QuestionResult]] = defaultdict(list)
    for r in results:
        (by_type if r.in_scope else out_by_type)[r.type].append(r)
    shown = [len(h.chunk.text) for r in results for h in r.answer.hits[:5]]
    return {
        "overall": figures(in_scope),
        "types": {t: figures(g) for t, g in sorted(by_type.items())},
        "out_of_scope": declined(out_scope),
        "out_of_scope_types": {t: declined(g) for t, g in sorted(out_by_type.items())},
        "lacking_in_scope": sum(r.lacking for r in in_scope) / max(1, len(in_scope)),
        "passages": {"mean_chars": statistics.mean(shown) if shown else 0, "max_chars": max(shown, default=0)},
        "median_ms": 1000 * statistics.median(r.seconds for r in results) if results else 0,
    }


def format_summary(summary: dict[str, Any]) -> str:
    lines = [f"{'type':<16}{'n':>4}{'hit@1':>8}{'hit@3':>8}{'hit@5':>8}{'MRR@10':>8}{'abstain':>9}"]

    def row(name: str, f: dict[str, float]) -> str:
        return (
            f"{name:<16}{int(f['n']):>4}{f['hit@1']:>8.3f}{f['hit@3']:>8.3f}{f['hit@5']:>8.3f}"
            f"{f['mrr@10']:>8.3f}{f['abstained']:>9.3f}"
        )

    for name, f in summary["types"].items():
        lines.append(row(name, f))
    if summary["overall"]:
        lines.append(row("ALL in-scope", summary["overall"]))
    lines.append(f"in-scope answers noted as lacking a figure or date: {summary['lacking_in_scope']:.3f}")
    lines.append(f"{'out of scope':<16}{'n':>4}{'abstained':>11}{'or noted':>10}")
    declined = [*summary["out_of_scope_types"].items(), ("ALL out-of-scope", summary["out_of_scope"])]
    for name, f in declined:
        if f["n"]:
            lines.append(f"{name:<16}{int(f['n']):>4}{f['abstained']:>11.3f}{f['abstained_or_noted']:>10.3f}")
    p = summary["passages"]
    lines.append(f"passages shown: mean {p['mean_chars']:.0f} chars, max {p['max_chars']}")
    lines.append(f"median time per question: {summary['median_ms']:.1f} ms")
    return "\n".join(lines)


def run_records(results: list[QuestionResult]) -> list[dict[str, Any]]:
    """One line per question for ``--out``."""
    return [
        {
            "id": r.id,
            "type": r.type,
            "rank": r.rank,
            "abstain": r.abstained,
            "lacking": r.answer.lacking or None,
            "notes": r.answer.notes,
            "passages": [{"text": h.chunk.text, "citation": h.citation} for h in r.answer.hits],
        }
        for r in results
    ]
