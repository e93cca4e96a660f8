"""Command line: build, ask, serve, eval, bench. Each command calls the library and turns its errors
into one line and exit code 1."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

from .config import load_settings
from .errors import AssistantError


def _assistant(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .engine import Assistant

    return Assistant.open(_settings(args))


def _settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    settings = load_settings()
    if getattr(args, "index_dir", None):
        settings = replace(settings, index_dir=Path(args.index_dir).resolve())
    return settings


def cmd_build(args: argparse.Namespace) -> int:
    from .embedding import MiniLMEmbedder
    from .indexing import build_index, index_status

    settings = _settings(args)
    embedder = MiniLMEmbedder(threads=settings.torch_threads)
    status = index_status(settings, embedder.name, embedder.weights_sha256)
    if status == "fresh" and not args.force:
        print(f"The index in {settings.index_dir} is up to date (use --force to rebuild).")
        return 0
    started = time.perf_counter()
    index = build_index(settings, embedder, show_progress=True)
    print(f"Built {len(index.chunks)} passages into {settings.index_dir} in {time.perf_counter() - started:.1f} s.")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from .questions import clean_question

    settings = _settings(args)
    clean_question(args.question, settings.max_question_chars)  # fail fast, before loading the model
    answer = _assistant(args).ask(args.question, k=args.k, sections=args.section or None)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        return 0
    for note in answer.notes:
        print(note + "\n")
    for hit in answer.hits:
        chunk = hit.chunk
        print(f"[{hit.rank}] {hit.citation} — {chunk.section_title} (lines {chunk.line_start}-{chunk.line_end})")
        print(f"    {chunk.text}\n")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluation import format_summary, load_questions, run, run_records, summarise

    path = Path(args.file)
    if not path.is_file():
        raise AssistantError(f"No question file at {path}.", "Pass a JSONL file like ../shared/eval/questions.jsonl.")
    questions = load_questions(path)
    assistant = _assistant(args)
    results = run(questions, lambda q: assistant.ask(q, k=args.k))
    summary = summarise(results)
    print(format_summary(summary))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            for record in run_records(results):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        print(f"Wrote {len(results)} answers to {args.out}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .app import serve

    settings = _settings(args)
    serve(settings, host=args.host, port=args.port)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import DEFAULT_QUESTIONS, Options, main

    shelf = tuple(int(size) for size in args.shelf.split(",") if size.strip()) if args.shelf else ()
    options = Options(
        quick=args.quick,
        room=not args.skip_room,
        web=not args.skip_web,
        shelf=shelf,
        participants=args.participants,
        questions_file=Path(args.questions) if args.questions else DEFAULT_QUESTIONS,
        out=Path(args.out) if args.out else None,
    )
    return main(options)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="assistant", description="Ask the OSCE 2017 PPP report; get cited passages.")
    main.add_argument("--index-dir", help="where the index lives (default: index/ or $ASSISTANT_INDEX_DIR)")
    commands = main.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build the index from corpus/")
    build.add_argument("--force", action="store_true", help="rebuild even if the index is up to date")
    build.set_defaults(run=cmd_build)

    ask = commands.add_parser("ask", help="ask one question")
    ask.add_argument("question")
    ask.add_argument("--k", type=int, default=5, help="passages to show (default 5)")
    ask.add_argument("--section", action="append", help="only this section, e.g. 'Panel 2' (repeatable)")
    ask.add_argument("--json", action="store_true", help="print JSON")
    ask.set_defaults(run=cmd_ask)

    serve = commands.add_parser("serve", help="start the web app")
    serve.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 7860)")
    serve.set_defaults(run=cmd_serve)

    evaluate = commands.add_parser("eval", help="score answers on a question file")
    evaluate.add_argument("file")
    evaluate.add_argument("--k", type=int, default=10, help="passages retrieved per question (default 10)")
    evaluate.add_argument("--out", help="write one JSON line per question here")
    evaluate.set_defaults(run=cmd_eval)

    bench = commands.add_parser("bench", help="measure build, start, query, web and room speed; print a table")
    bench.add_argument("--quick", action="store_true", help="a short smoke run: few rounds, small room, no shelf")
    bench.add_argument("--out", help="write the results as JSON here")
    bench.add_argument("--skip-room", action="store_true", help="no simulated room of participants")
    bench.add_argument("--skip-web", action="store_true", help="no web app (implies --skip-room)")
    bench.add_argument("--shelf", default="10,100", help="corpus sizes in reports, e.g. 10,100 ('' for none)")
    bench.add_argument("--participants", type=int, default=40, help="people in the simulated room (default 40)")
    bench.add_argument("--questions", help="JSONL questions (default ../shared/eval/questions.jsonl)")
    bench.set_defaults(run=cmd_bench)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "k", 1) is not None and getattr(args, "k", 1) < 1:
        print("error: --k must be at least 1.", file=sys.stderr)
        return 2
    try:
        return int(args.run(args))
    except AssistantError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
