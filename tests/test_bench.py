"""The benchmark's pure helpers (no timing is asserted anywhere: the benchmark prints figures),
the size-based choice of dense index, and answers that do not depend on the query cache."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_chunk

from assistant import ann
from assistant.bench import rows, shelf_table
from assistant.bench.shelf import jitter, synthetic_shelf
from assistant.bench.stats import fmt, percentile, summary_ms, table
from assistant.bench.web import SingleUser, reply_text, room_plan, sequence
from assistant.records import Chunk


@pytest.mark.parametrize("q", [0, 5, 25, 50, 90, 95, 99, 100])
def test_percentile_matches_numpy(q: float) -> None:
    values = list(np.random.default_rng(1).exponential(10.0, 37))
    assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_percentile_edges() -> None:
    assert np.isnan(percentile([], 50))
    assert percentile([3.0], 95) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5


def test_summary_in_milliseconds() -> None:
    summary = summary_ms([0.001, 0.002, 0.003])
    assert summary["n"] == 3
    assert summary["median_ms"] == pytest.approx(2.0)
    assert summary["max_ms"] == pytest.approx(3.0)


def test_table_and_figures() -> None:
    assert fmt(0.123456, " s") == "0.123 s"
    assert fmt(1834.2, " ms") == "1,834 ms"
    assert fmt(12, "") == "12"
    assert fmt(True) == "yes"
    assert fmt(float("nan")) == "n/a"
    text = table([("Section", "", ""), ("median", "5 ms", "≤ 8 ms ✓")])
    assert text.splitlines()[0] == "| measure | value | target |"
    assert "| **Section** | | |" in text
    assert "| median | 5 ms | ≤ 8 ms ✓ |" in text


def test_rows_mark_targets_met_and_missed() -> None:
    results = {"query_first_stage": {"median_ms": 6.0, "p95_ms": 20.0, "stages": {"embed": {"median_ms": 5.0}}}}
    shown = {name.strip(): (value, target) for name, value, target in rows(results)}
    assert shown["median"] == ("6 ms", "≤ 8 ms ✓")
    assert shown["p95"] == ("20 ms", "≤ 15 ms ✗")
    assert shown["embed (median)"] == ("5 ms", "")


def test_shelf_table_has_a_column_per_size() -> None:
    entry = {
        "scale": 1,
        "passages": 188,
        "units": 646,
        "index_kind": "flat",
        "parse_s": 0.2,
        "embed_s_est": 8.0,
        "write_s": 0.1,
        "index_mb": 1.5,
        "load_s": 0.2,
        "query": {"median_ms": 7.0, "p95_ms": 9.0},
        "flat_search_ms": 0.05,
        "ivf_search_ms": 0.3,
        "ivf_recall_at_10": 1.0,
        "ivf_recall_at_400": 0.998,
        "ivf_same_top5": 1.0,
        "serving_peak_rss_mb": 480.0,
        "peak_rss_mb": 500.0,
    }
    text = shelf_table([entry, {**entry, "scale": 100, "index_kind": "ivf"}])
    assert text.splitlines()[0] == "| shelf | 1x | 100x |"
    assert "| dense index used | flat | ivf |" in text


def _chunk(number: int, text: str) -> Chunk:
    return make_chunk(number, text, id=f"r:{number}", doc="report")  # the shelf reads the number back from the id


def test_synthetic_shelf_copies_and_relabels() -> None:
    rng = np.random.default_rng(0)
    chunks = [_chunk(1, "One. Two."), _chunk(2, "Three."), _chunk(3, "Four. Five. Six.")]
    counts = [2, 1, 3]
    vectors = jitter(rng.normal(size=(3, 8)).astype(np.float32), rng, noise=5.0)
    sentences = jitter(rng.normal(size=(6, 8)).astype(np.float32), rng, noise=5.0)
    extra = {"sentences": sentences, "multilingual": vectors[:, :4].copy()}
    out_chunks, out_vectors, out_counts, out_extra = synthetic_shelf(chunks, vectors, counts, extra, 4)
    assert len(out_chunks) == 12 and out_vectors.shape == (12, 8)
    assert out_extra["sentences"].shape == (24, 8) and out_extra["multilingual"].shape == (12, 4)
    assert out_chunks[:3] == chunks and np.array_equal(out_vectors[:3], vectors)  # copy 0 is the report
    assert len({c.id for c in out_chunks}) == 12
    assert {c.doc for c in out_chunks[3:]} == {"synthetic-001", "synthetic-002", "synthetic-003"}
    assert np.allclose(np.linalg.norm(out_vectors, axis=1), 1.0, atol=1e-5)
    # Each copy keeps every chunk with its own sentences, in its new order.
    starts = np.concatenate([[0], np.cumsum(out_counts)])
    for position, chunk in enumerate(out_chunks):
        original = int(chunk.id.rsplit(":", 1)[1]) - 1
        assert out_counts[position] == counts[original]
        moved = out_extra["sentences"][starts[position] : starts[position + 1]]
        source = sentences[sum(counts[:original]) : sum(counts[: original + 1])]
        assert np.all(np.sum(moved * source, axis=1) > 0.9)  # near its own sentences


def test_jitter_keeps_unit_vectors_near() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(50, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    moved = jitter(vectors, rng)
    cosines = np.sum(vectors * moved, axis=1)
    assert np.all(cosines > 0.9) and np.all(cosines < 0.999)


def test_recall_at_k() -> None:
    exact = np.array([[1, 2, 3, 4], [5, 6, 7, 8]])
    assert ann.recall_at_k(exact, exact, 4) == 1.0
    approximate = np.array([[1, 2, 9, 9], [8, 7, 6, 5]])
    assert ann.recall_at_k(approximate, exact, 4) == pytest.approx((0.5 + 1.0) / 2)
    assert ann.recall_at_k(approximate, exact, 2) == pytest.approx((1.0 + 0.0) / 2)
    assert ann.recall_at_k(np.zeros((0, 3)), np.zeros((0, 3)), 3) == 1.0


def test_ivf_lists_by_size() -> None:
    assert ann.ivf_lists(64_600) == 1024  # 100x this report
    assert ann.ivf_lists(20_000) == 512
    assert ann.ivf_lists(650) == 16  # at least 39 training vectors per list
    assert ann.ivf_lists(10) == 1
    assert ann.ivf_probes(64_600, 1024) == 64  # 4,000 of 64,600 vectors read
    assert ann.ivf_probes(20_000, 512) == 103
    assert ann.ivf_probes(1_000_000, 4096) == 128  # 1/32 of the lists
    assert ann.ivf_probes(100, 4) == 4


def test_index_kind_by_size_and_ivf_recall() -> None:
    # Like a shelf: groups of near copies around a few hundred topics.
    rng = np.random.default_rng(7)
    topics = rng.normal(size=(300, 32)).astype(np.float32)
    vectors = np.repeat(topics, 10, axis=0) + 0.3 * rng.normal(size=(3000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    flat = ann.make_vector_index(vectors, threshold=5000)
    ivf = ann.make_vector_index(vectors, threshold=1000)
    assert (ann.kind(flat), ann.kind(ivf)) == ("flat", "ivf")
    assert ann.approximate(20_000) and not ann.approximate(19_999)
    queries = topics[:100] + 0.3 * rng.normal(size=(100, 32)).astype(np.float32)
    exact = flat.search(queries, 10)[1]
    found = ivf.search(queries, 10)[1]
    assert ann.recall_at_k(found, exact, 10) >= 0.99


def test_reply_text_reads_the_last_assistant_message() -> None:
    history = [
        {"role": "user", "content": [{"type": "text", "text": "q"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "first"}, {"type": "text", "text": " part"}]},
    ]
    assert reply_text(history) == "first part"
    assert reply_text([{"role": "assistant", "content": "plain"}]) == "plain"
    assert reply_text([]) == ""


# A follow-up of the workshop set after the question it follows, and after another one.
OPENING, FOLLOW_UP, OTHER = (
    "Who spoke for UNICEF at the opening?",
    "what did she say about smugglers?",
    "What does the report say on the Baltic Sea Labour Forum?",
)


def _in_one_conversation(assistant, questions: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    from assistant.chat import ALL, respond

    replies, conversation = [], None
    for question in questions:
        history, _, conversation = respond(question, [], ALL, conversation, assistant)
        replies.append(reply_text(history))
    return replies


def test_single_user_replies_are_those_of_one_conversation(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    single_user = SingleUser(fake_assistant)
    for questions in ([OPENING, FOLLOW_UP], [OTHER, FOLLOW_UP], [FOLLOW_UP, OPENING, FOLLOW_UP]):
        assert single_user(questions) == _in_one_conversation(fake_assistant, questions)
    # The follow-up's reply depends on what came before it: the reply to it asked alone (the
    # room's old reference) is not what a participant who asked it after another question sees.
    alone = single_user([FOLLOW_UP])[0]
    assert "Read as a follow" in single_user([OPENING, FOLLOW_UP])[1]
    assert len({alone, single_user([OPENING, FOLLOW_UP])[1], single_user([OTHER, FOLLOW_UP])[1]}) == 3


def test_room_expects_each_participant_to_see_what_a_single_user_sees(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    questions = ["Who moderated Panel 4?", OTHER, OPENING, FOLLOW_UP, "What is the employer pays model?"]
    single_user = SingleUser(fake_assistant)
    plans = room_plan(questions, single_user, participants=5, asks=4, processes=2)
    assert [sorted(plan) for plan in plans] == [[0, 2, 4], [1, 3]]
    alone = single_user([FOLLOW_UP])[0]
    unlike_alone = 0
    for plan in plans:
        for number, turns in plan.items():
            asked = sequence(number, questions, 4)
            assert [question for question, _ in turns] == asked
            assert [reply for _, reply in turns] == _in_one_conversation(fake_assistant, asked)
            unlike_alone += sum(question == FOLLOW_UP and reply != alone for question, reply in turns)
    assert unlike_alone == 3  # participants 0, 1 and 3 ask the follow-up after OPENING; 4 asks it first


def test_cached_query_vectors_give_identical_answers(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from assistant.engine import Assistant

    uncached = Assistant(
        fake_assistant.index, fake_assistant.embedder, replace(fake_assistant.settings, query_cache_size=0)
    )
    question = "What did Panel 4 recommend about technology?"
    first = fake_assistant.ask(question)
    calls = fake_assistant.embedder.calls
    second = fake_assistant.ask(question)
    assert fake_assistant.embedder.calls == calls  # served from the cache
    expected = uncached.ask(question)
    for answer in (first, second):
        assert [(h.chunk.id, h.score, h.evidence) for h in answer.hits] == [
            (h.chunk.id, h.score, h.evidence) for h in expected.hits
        ]


def test_timings_name_each_stage(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    timings: dict[str, float] = {}
    fake_assistant.ask("Who moderated Panel 3?", timings=timings)
    assert set(timings) == {"embed", "search", "ranking"}
    assert all(value >= 0 for value in timings.values())


def test_bench_command_options(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import assistant.bench as bench
    from assistant import cli

    seen: list[bench.Options] = []

    def record(options: bench.Options) -> int:
        seen.append(options)
        return 0

    monkeypatch.setattr(bench, "main", record)
    out = tmp_path / "b.json"
    assert cli.main(["bench", "--quick", "--skip-room", "--shelf", "10,100", "--out", str(out)]) == 0
    assert cli.main(["bench", "--shelf", "", "--skip-web"]) == 0
    first, second = seen
    assert (first.quick, first.room, first.web, first.shelf, first.out) == (True, False, True, (10, 100), out)
    assert (second.quick, second.web, second.shelf, second.participants) == (False, False, (), 40)
