"""``assistant bench``: how fast the assistant is on this machine, for one user, a full room and
a shelf of reports. Prints a table and writes JSON; asserts nothing (timings vary by machine)."""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..config import PROJECT_ROOT, load_settings
from . import web
from .local import STAGES
from .stats import fmt, table

# The targets on a 2-core laptop: (result path, comparison, limit, label).
TARGETS: dict[str, tuple[str, float, str]] = {
    "build.total_s": ("<=", 10, "≤ 10 s"),
    "cold_start.total_s": ("<=", 8, "≤ 8 s"),
    "query_first_stage.median_ms": ("<=", 8, "≤ 8 ms"),
    "query_first_stage.p95_ms": ("<=", 15, "≤ 15 ms"),
    "web.single.median_ms": ("<=", 100, "≤ 100 ms"),
    "web.room.p95_ms": ("<=", 1500, "≤ 1.5 s"),
    "web.room.errors": ("<=", 0, "0"),
    "web.peak_rss_mb": ("<=", 900, "≤ 900 MB"),
}


@dataclass(frozen=True)
class Options:
    quick: bool = False  # few rounds, a small room, no shelf: a smoke run
    room: bool = True
    web: bool = True
    shelf: tuple[int, ...] = (10, 100)
    participants: int = 40
    asks: int = 10
    think: tuple[float, float] = (0.5, 1.5)  # seconds between a reply and a participant's next question
    questions_file: Path = Path("/nonexistent")
    out: Path | None = None
    soak_minutes: float = 0.0  # rooms one after another for this long, memory sampled after each


def load_questions(path: Path) -> list[str]:
    """The public questions, or the app's prepared questions when the file is not there."""
    if path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line)["question"] for line in lines if line.strip()]
    from ..prepared import PREPARED

    return [question for group in PREPARED.values() for question in group]


def _get(results: dict[str, Any], dotted: str) -> Any:
    value: Any = results
    for key in dotted.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _target(results: dict[str, Any], dotted: str) -> str:
    if dotted not in TARGETS:
        return ""
    _, limit, label = TARGETS[dotted]
    value = _get(results, dotted)
    if not isinstance(value, int | float):
        return label
    return f"{label} {'✓' if value <= limit else '✗'}"


def rows(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The table's rows from the results dict (any missing part is left out)."""
    out: list[tuple[str, str, str]] = []

    def row(name: str, dotted: str, unit: str = "", scale: float = 1.0) -> None:
        value = _get(results, dotted)
        if value is None:
            return
        shown = value * scale if isinstance(value, float) else value
        out.append((name, fmt(shown, unit), _target(results, dotted)))

    if "build" in results:
        out.append(("Index build (this report)", "", ""))
        row("model load (before build)", "build.model_load_s", " s")
        row("build total", "build.total_s", " s")
        row("  parsing", "build.parse_s", " s")
        row("  embedding, passages (MiniLM)", "build.embed_passages_s", " s")
        row("  embedding, sentences (MiniLM)", "build.embed_sentences_s", " s")
        row("  embedding, multilingual", "build.embed_multilingual_s", " s")
        row("  embedding, the report's words (multilingual)", "build.embed_lexicon_s", " s")
        row("  embedding, all", "build.embed_s", " s")
        row("  index writing", "build.write_s", " s")
        row("passages / sentences", "build.passages")
        row("index size", "build.index_mb", " MB")
    if "cold_start" in results:
        out.append(("Cold start to first answer (new process)", "", ""))
        row("total", "cold_start.total_s", " s")
        row("  interpreter start", "cold_start.interpreter_s", " s")
        row("  imports (faiss, the assistant)", "cold_start.imports_s", " s")
        row("  model load (ORT alone, or torch; weights sha256)", "cold_start.model_s", " s")
        row("  index load (+ BM25, multilingual model)", "cold_start.index_s", " s")
        row("  re-ranker load (sha256, ONNX Runtime)", "cold_start.reranker_s", " s")
        row("  first answer", "cold_start.first_answer_s", " s")
    for key, label in (
        ("query_first_stage", "first stage alone, ASSISTANT_RERANK=0: every query embedded"),
        ("query", "as served, re-ranked: every query embedded and re-ranked"),
        ("query_cached", "as served, repeated questions: cached vector and re-ranking"),
    ):
        if key in results:
            out.append((f"Query in process ({label})", "", ""))
            row("median", f"{key}.median_ms", " ms")
            row("p95", f"{key}.p95_ms", " ms")
            for stage in STAGES:
                row(f"  {stage} (median)", f"{key}.stages.{stage}.median_ms", " ms")
    if "web" in results:
        out.append(("Web API (gradio_client, app in a subprocess)", "", ""))
        row("app start to first answer", "web.first_answer_s", " s")
        row("one client: median", "web.single.median_ms", " ms")
        row("one client: p95", "web.single.p95_ms", " ms")
        row("answers equal in-process answers", "web.single_equals_in_process")
        room = results["web"].get("room")
        if room:
            think = "-".join(f"{t:g}" for t in room.get("think_s", []))
            who = f"{room['participants']} participants × {room['questions_each']} questions, think {think} s"
            out.append((f"Full room: {who}", "", ""))
            row("median", "web.room.median_ms", " ms")
            row("p95", "web.room.p95_ms", " ms")
            row("max", "web.room.max_ms", " ms")
            row("throughput", "web.room.throughput_rps", " req/s")
            row("errors", "web.room.errors")
            row("app CPU per request", "web.room.server_cpu_ms_per_request", " ms")
            row("simulated room's CPU per request (same cores)", "web.room.client_cpu_ms_per_request", " ms")
            row("answers identical to single-user", "web.room.identical_answers")
        soak = results["web"].get("soak")
        if soak:
            out.append((f"Soak: {soak['rooms']} rooms in {soak['minutes']:g} min", "", ""))
            row("requests", "web.soak.requests")
            row("errors", "web.soak.errors")
            row("answers unlike a single user's", "web.soak.mismatches")
            row("server RSS growth after the first room", "web.soak.rss_growth_after_first_room_mb", " MB")
        row("peak RSS of the serving process", "web.peak_rss_mb", " MB")
    return out


def shelf_table(shelf: list[dict[str, Any]]) -> str:
    """One column per corpus size."""
    if not shelf:
        return ""
    heads = [f"{entry['scale']}x" for entry in shelf]
    lines = ["| shelf | " + " | ".join(heads) + " |", "|---|" + "---:|" * len(heads)]
    measures = [
        ("passages", lambda e: fmt(e["passages"])),
        ("search vectors (passages + sentences)", lambda e: fmt(e["units"])),
        ("dense index used", lambda e: e["index_kind"]),
        ("parse", lambda e: fmt(e["parse_s"], " s")),
        ("embed (est. from 1x)", lambda e: fmt(e["embed_s_est"], " s")),
        ("write (incl. IVF)", lambda e: fmt(e["write_s"], " s")),
        ("index size", lambda e: fmt(e["index_mb"], " MB")),
        ("load (index + BM25)", lambda e: fmt(e["load_s"], " s")),
        ("query median", lambda e: fmt(e["query"]["median_ms"], " ms")),
        ("query p95", lambda e: fmt(e["query"]["p95_ms"], " ms")),
        ("flat search, one query", lambda e: fmt(e["flat_search_ms"], " ms")),
        ("IVF search, one query", lambda e: fmt(e["ivf_search_ms"], " ms")),
        ("IVF recall@10 vs flat", lambda e: f"{e['ivf_recall_at_10']:.3f}"),
        ("IVF recall@400 vs flat", lambda e: f"{e['ivf_recall_at_400']:.3f}"),
        ("same top 5 passages as flat", lambda e: f"{e['ivf_same_top5']:.2f}"),
        ("peak RSS serving (model + index, no Gradio)", lambda e: fmt(e["serving_peak_rss_mb"], " MB")),
    ]
    for name, show in measures:
        lines.append(f"| {name} | " + " | ".join(show(e) for e in shelf) + " |")
    return "\n".join(lines)


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(options: Options) -> dict[str, Any]:
    """Every measurement the options ask for, as one JSON-ready dict."""
    from . import local

    settings = load_settings()
    questions = load_questions(options.questions_file)
    results: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": {"cpus": _cpus(), "python": platform.python_version(), "load_avg": _load()},
        "settings": {
            "torch_threads": settings.torch_threads,
            "queue_concurrency": getattr(settings, "queue_concurrency", None),
            "queue_max_size": getattr(settings, "queue_max_size", None),
            "rerank": settings.rerank,
            "rerank_candidates": settings.rerank_candidates,
        },
        "questions": len(questions),
    }
    with tempfile.TemporaryDirectory(prefix="assistant-bench-") as folder:
        bench_settings = replace(settings, index_dir=Path(folder) / "index")
        _log("building the report's index")
        results["build"], embedder, index = local.build(bench_settings)
        from ..store import load_index

        index = load_index(bench_settings.index_dir)  # as served: read back from disk
        rounds = 1 if options.quick else 3
        _log("query latency in process")
        from .. import rerank

        reranker = rerank.load(settings.torch_threads) if settings.rerank else None
        first_stage = local.make_assistant(index, embedder, bench_settings, cache=False)
        results["query_first_stage"] = local.query_latency(first_stage, questions, rounds=rounds)
        del first_stage
        # What the app serves: re-ranked when the extra is installed (the first stage otherwise).
        assistant = local.make_assistant(index, embedder, bench_settings, cache=False, reranker=reranker)
        results["query"] = {**local.query_latency(assistant, questions, rounds=rounds), "reranked": bool(reranker)}
        cached = local.make_assistant(index, embedder, bench_settings, cache=True, reranker=reranker)
        results["query_cached"] = local.query_latency(cached, questions, rounds=rounds)
        del cached
        _log("cold start")
        results["cold_start"] = local.cold_start(bench_settings.index_dir, questions[0])
        if options.web:
            _log("web API")
            # The replies to expect: the uncached assistant's, in a conversation as the app's chat has.
            results["web"] = _web(bench_settings.index_dir, questions, web.SingleUser(assistant), options)
        if options.shelf and not options.quick:
            embed_s = float(results["build"].get("embed_s", 0.0))
            results["shelf"] = [
                _shelf(scale, bench_settings.index_dir, embed_s, questions) for scale in (1, *options.shelf)
            ]
    results["machine"]["load_avg_end"] = _load()
    return results


def _web(index_dir: Path, questions: list[str], single_user: web.SingleUser, options: Options) -> dict[str, Any]:
    with web.running_app(index_dir) as server:
        result: dict[str, Any] = {"ready_s": server.ready_s, "first_answer_s": server.first_answer_s}
        single, replies = web.single_client(server.url, questions if not options.quick else questions[:10])
        result["single"] = single
        result["single_equals_in_process"] = all([reply] == single_user([q]) for q, reply in replies.items())
        if options.room:
            participants = 8 if options.quick else options.participants
            asks = 3 if options.quick else options.asks
            _log(f"full room: {participants} participants × {asks} questions")
            result["room"] = web.room(
                server, questions, single_user, participants=participants, asks=asks, think=options.think
            )
        if options.soak_minutes > 0:
            _log(f"soak: rooms of {options.participants} for {options.soak_minutes:g} minutes")
            result["soak"] = web.soak(server, questions, single_user, options.soak_minutes, options.participants)
        result["peak_rss_mb"] = web.peak_rss_mb(server.process.pid)
    return result


def _shelf(scale: int, source: Path, embed_s: float, questions: list[str]) -> dict[str, Any]:
    _log(f"shelf of {scale}x the report")
    done = subprocess.run(
        [sys.executable, "-m", "assistant.bench.shelf", str(scale), str(source), str(embed_s), json.dumps(questions)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the shelf run at {scale}x failed:\n{done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 0)


def _load() -> list[float]:
    import os

    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else []


def report(results: dict[str, Any]) -> str:
    """The printed report: main table, then the shelf table."""
    settings = results.get("settings", {})
    head = (
        f"assistant bench — {results.get('when')} — {results['machine']['cpus']} CPUs, "
        f"load {results['machine'].get('load_avg')} → {results['machine'].get('load_avg_end')}; "
        f"torch threads {settings.get('torch_threads')}, queue concurrency {settings.get('queue_concurrency')}, "
        f"queue size {settings.get('queue_max_size')}; {results.get('questions')} questions"
    )
    parts = [head, "", table(rows(results))]
    if results.get("shelf"):
        parts += ["", shelf_table(results["shelf"])]
    return "\n".join(parts)


def main(options: Options) -> int:
    results = run(options)
    print(report(results))
    if options.out:
        options.out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"\nWrote {options.out}")
    return 0


DEFAULT_QUESTIONS = PROJECT_ROOT.parent / "shared" / "eval" / "questions.jsonl"
