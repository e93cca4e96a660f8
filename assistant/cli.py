"""Command line: add, build, ask, serve, eval, bench, feedback. Each command calls the library and turns its errors
into one line and exit code 1."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

from .config import load_settings
from .corpus import Document
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
    from .indexing import build_index, index_status, rejected_messages

    settings = _settings(args)
    embedder = MiniLMEmbedder(threads=settings.torch_threads, onnx_dir=settings.onnx_dir)
    status = index_status(settings, embedder.name, embedder.weights_sha256)
    if status == "fresh" and not args.force:
        print(f"The index in {settings.index_dir} is up to date (use --force to rebuild).")
        return 0
    started = time.perf_counter()
    index = build_index(settings, embedder, show_progress=True)
    documents = index.manifest.get("documents", [])
    reused = len(index.manifest.get("reused_documents", []))
    print(
        f"Built {len(index.chunks)} passages from {len(documents)} document(s) into {settings.index_dir} "
        f"in {time.perf_counter() - started:.1f} s ({reused} unchanged document(s) kept their vectors)."
    )
    for message in rejected_messages(index.manifest):
        print(f"Warning: {message}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from .corpus import SUFFIXES, sidecar_path
    from .documents import parse_document

    settings = _settings(args)
    source = Path(args.file).expanduser()
    if not source.is_file():
        raise AssistantError(f"No file at {source}.")
    if source.suffix.lower() not in SUFFIXES:
        raise AssistantError(f"{source.name} is not a .txt, .md or .pdf file.", "Convert it to one of those.")
    target = settings.corpus_dir / source.name
    taken = [
        p
        for p in settings.corpus_dir.glob(f"{source.stem}.*")
        if p.suffix.lower() in SUFFIXES and p.stem == source.stem and p.resolve() != source.resolve()
    ]
    if taken and not args.replace:
        raise AssistantError(
            f"The corpus already holds {taken[0].name}.", "Rename the file, or pass --replace to overwrite it."
        )
    meta = {"title": args.title, "short_name": args.short_name, "organisation": args.organisation, "date": args.date}
    if args.title is None and sys.stdin.isatty():
        for key, prompt in (("title", "Title"), ("organisation", "Organisation"), ("date", "Date")):
            if meta[key] is None:
                meta[key] = input(f"{prompt} (Enter to skip): ").strip() or None
    meta = {k: v for k, v in meta.items() if v}
    document = Document(source.stem, source, meta)
    parsed = parse_document(document, int(settings.max_document_mb * 1_000_000))  # refuses bad files
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    if source.resolve() != target.resolve():
        shutil.copyfile(source, target)
    if meta:
        sidecar_path(target).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    paragraphs = sum(len(s.paragraphs) for s in parsed.report.sections)
    pages = f", {parsed.page_count} pages" if parsed.page_count else ""
    print(
        f"Added {target.name} as {document.short_title!r} ({parsed.strategy}: {len(parsed.report.sections)} "
        f"sections, {paragraphs} paragraphs{pages}). Run `assistant build` to index it now; "
        "otherwise the next start indexes it."
    )
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from .formatting import line_range
    from .questions import clean_question

    settings = _settings(args)
    clean_question(args.question, settings.max_question_chars)  # fail fast, before loading the model
    answer = _assistant(args).ask(
        args.question, k=args.k, sections=args.section or None, documents=args.document or None
    )
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        return 0
    for note in answer.notes:
        print(note + "\n")
    for hit in answer.hits:
        chunk = hit.chunk
        where = chunk.pages or line_range(chunk)
        print(f"[{hit.rank}] {hit.citation} — {chunk.section_title} ({where})")
        print(f"    {chunk.text}\n")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluation import format_summary, load_questions, run, run_records, summarise

    path = Path(args.file)
    if not path.is_file():
        raise AssistantError(f"No question file at {path}.", _question_files_hint())
    questions = load_questions(path)
    assistant = _assistant(args)
    results = run(questions, lambda q, previous: assistant.ask(q, k=args.k, previous=previous))
    summary = summarise(results)
    print(format_summary(summary))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            for record in run_records(results):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        print(f"Wrote {len(results)} answers to {args.out}")
    return 0


def _question_files_hint() -> str:
    """Where question files are: the project's own sets, and the public ones when ../shared is beside it."""
    from .config import PROJECT_ROOT

    found = sorted(PROJECT_ROOT.glob("eval/*.jsonl")) + sorted(PROJECT_ROOT.parent.glob("shared/eval/*.jsonl"))
    if not found:
        return "Pass a JSONL file of questions (format: docs/quality.md)."
    shown = ", ".join(str(path) for path in found[:4]) + (", ..." if len(found) > 4 else "")
    return f"Pass one of: {shown}"


def cmd_serve(args: argparse.Namespace) -> int:
    from .app import serve

    settings = _settings(args)
    serve(settings, host=args.host, port=args.port, auth=args.auth, no_auth=args.no_auth)
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from .feedback_report import format_summary, read_feedback, skipped_messages, summarise

    written_to = load_settings().feedback_path
    feedback = read_feedback(Path(args.file).expanduser() if args.file else written_to, written_to=written_to)
    for message in skipped_messages(feedback):
        print(f"warning: {message}", file=sys.stderr)
    summary = summarise(feedback)
    print(json.dumps(summary.to_json(), ensure_ascii=False, indent=2) if args.json else format_summary(summary))
    return 0


def _seconds_range(text: str) -> tuple[float, float]:
    low, _, high = text.partition(",")
    return float(low), float(high or low)


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import DEFAULT_QUESTIONS, Options, main

    shelf = tuple(int(size) for size in args.shelf.split(",") if size.strip()) if args.shelf else ()
    options = Options(
        quick=args.quick,
        room=not args.skip_room,
        web=not args.skip_web,
        shelf=shelf,
        participants=args.participants,
        asks=args.asks,
        think=_seconds_range(args.think),
        questions_file=Path(args.questions) if args.questions else DEFAULT_QUESTIONS,
        out=Path(args.out) if args.out else None,
        soak_minutes=args.soak,
    )
    return main(options)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="assistant", description="Ask the OSCE 2017 PPP report and other reports; get cited passages."
    )
    main.add_argument("--index-dir", help="where the index lives (default: index/ or $ASSISTANT_INDEX_DIR)")
    commands = main.add_subparsers(dest="command", required=True)

    add = commands.add_parser("add", help="add a report (.txt, .md or .pdf) to corpus/")
    add.add_argument("file")
    add.add_argument("--title", help="the document's title (asked when omitted at a terminal)")
    add.add_argument("--short-name", help="what citations call it, e.g. 'OSCE 2017 PPP report' (default: title)")
    add.add_argument("--organisation", help="who published it")
    add.add_argument("--date", help="when it was published")
    add.add_argument("--replace", action="store_true", help="overwrite a corpus file of the same name")
    add.set_defaults(run=cmd_add)

    build = commands.add_parser("build", help="build the index from corpus/ (re-embeds only changed documents)")
    build.add_argument("--force", action="store_true", help="rebuild even if the index is up to date")
    build.set_defaults(run=cmd_build)

    ask = commands.add_parser("ask", help="ask one question")
    ask.add_argument("question")
    ask.add_argument("--k", type=int, default=5, help="passages to show (default 5)")
    ask.add_argument("--section", action="append", help="only this section, e.g. 'Panel 2' (repeatable)")
    ask.add_argument(
        "--document", action="append", help="only this document: title, short name or file name (repeatable)"
    )
    ask.add_argument("--json", action="store_true", help="print JSON")
    ask.set_defaults(run=cmd_ask)

    serve = commands.add_parser("serve", help="start the web app")
    serve.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 7860)")
    serve.add_argument("--auth", default=None, help="require this login, as user:password (or set ASSISTANT_AUTH)")
    serve.add_argument(
        "--no-auth", action="store_true", help="serve to the network without a password (with --host 0.0.0.0)"
    )
    serve.set_defaults(run=cmd_serve)

    evaluate = commands.add_parser("eval", help="score answers on a question file")
    evaluate.add_argument("file")
    evaluate.add_argument("--k", type=int, default=10, help="passages retrieved per question (default 10)")
    evaluate.add_argument("--out", help="write one JSON line per question here")
    evaluate.set_defaults(run=cmd_eval)

    feedback = commands.add_parser(
        "feedback", help="summarise the participants' flags: wrong citations, not helpful, abstentions"
    )
    feedback.add_argument(
        "file", nargs="?", help="the feedback file (default: feedback/feedback.jsonl or $ASSISTANT_FEEDBACK_FILE)"
    )
    feedback.add_argument("--json", action="store_true", help="print JSON (shape: assistant/feedback_report.py)")
    feedback.set_defaults(run=cmd_feedback)

    bench = commands.add_parser("bench", help="measure build, start, query, web and room speed; print a table")
    bench.add_argument("--quick", action="store_true", help="a short smoke run: few rounds, small room, no shelf")
    bench.add_argument("--out", help="write the results as JSON here")
    bench.add_argument("--skip-room", action="store_true", help="no simulated room of participants")
    bench.add_argument("--skip-web", action="store_true", help="no web app (implies --skip-room)")
    bench.add_argument("--shelf", default="10,100", help="corpus sizes in reports, e.g. 10,100 ('' for none)")
    bench.add_argument("--participants", type=int, default=40, help="people in the simulated room (default 40)")
    bench.add_argument("--asks", type=int, default=10, help="questions each participant asks (default 10)")
    bench.add_argument(
        "--think", default="0.5,1.5", metavar="MIN,MAX", help="seconds between a reply and the next question"
    )
    bench.add_argument("--questions", help="JSONL questions (default ../shared/eval/questions.jsonl)")
    bench.add_argument(
        "--soak",
        type=float,
        default=0.0,
        metavar="MINUTES",
        help="then rooms one after another for MINUTES, memory sampled",
    )
    bench.set_defaults(run=cmd_bench)
    return main


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
        if getattr(args, "k", 1) is not None and getattr(args, "k", 1) < 1:
            print("error: --k must be at least 1.", file=sys.stderr)
            return 2
        return int(args.run(args))
    except BrokenPipeError:
        # The reader stopped early (`assistant ask ... | head -3`): it had what it wanted.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0
    except AssistantError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
