"""Building the index from the corpus, and refusing or rebuilding a stale one."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import FakeEmbedder

from assistant import indexing
from assistant.config import Settings
from assistant.engine import Assistant
from assistant.errors import CorpusError, IndexMissing, IndexStale
from assistant.indexing import build_index, index_status, open_index, parse_corpus
from assistant.store import load_index

NEW_SENTENCE = "The quokka partnership against trafficking was announced in Vladivostok in 2018."


def _report_file(settings: Settings) -> Path:
    return next(settings.corpus_dir.glob("*.txt"))


def _status(settings: Settings, embedder: FakeEmbedder) -> str:
    return index_status(settings, embedder.name, embedder.weights_sha256)


def test_build_writes_a_fresh_index(
    settings_tmp: Settings, fake_embedder: FakeEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _status(settings_tmp, fake_embedder) == "missing"
    index = build_index(settings_tmp, fake_embedder, show_progress=False)
    assert capsys.readouterr().err == ""
    assert _status(settings_tmp, fake_embedder) == "fresh"
    assert len(index.chunks) == index.manifest["count"] == index.vectors.shape[0] > 150
    assert index.manifest["dimension"] == 64
    assert index.manifest["model"] == "fake-embedder"
    assert index.manifest["acronyms"]["THB"] == "trafficking in human beings"
    assert np.allclose(np.linalg.norm(index.vectors, axis=1), 1.0, atol=1e-5)
    sentences = index.extra_vectors["sentences"]
    assert sentences.shape[0] == sum(index.manifest["sentence_counts"]) > len(index.chunks)
    loaded = load_index(settings_tmp.index_dir)
    assert loaded.chunks == index.chunks


def test_build_shows_progress_on_stderr(
    settings_tmp: Settings, fake_embedder: FakeEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    build_index(settings_tmp, fake_embedder, show_progress=True)
    captured = capsys.readouterr()
    assert "Embedding passages" in captured.err and captured.out == ""
    # not a terminal (a log file, CI): one line per stage, no carriage-return redraws
    assert "\r" not in captured.err
    assert captured.err.count("Embedding passages:") == 1


def test_appended_sentence_makes_the_index_stale_until_rebuilt(
    settings_tmp: Settings, fake_embedder: FakeEmbedder
) -> None:
    build_index(settings_tmp, fake_embedder, show_progress=False)
    report = _report_file(settings_tmp)
    report.write_text(report.read_text(encoding="utf-8") + "\n\n" + NEW_SENTENCE + "\n", encoding="utf-8")

    assert _status(settings_tmp, fake_embedder) == "stale"
    with pytest.raises(IndexStale, match="stale") as error:
        open_index(settings_tmp, fake_embedder, rebuild=False, show_progress=False)
    assert "assistant build" in str(error.value)

    index = open_index(settings_tmp, fake_embedder, rebuild=True, show_progress=False)
    assert _status(settings_tmp, fake_embedder) == "fresh"
    assert [c.citation for c in index.chunks if NEW_SENTENCE in c.text] == ["Concluding remarks, ¶12"]
    answer = Assistant(index, fake_embedder, settings_tmp).ask("Where was the quokka partnership announced?")
    assert NEW_SENTENCE in answer.hits[0].chunk.text


def test_metadata_change_makes_the_index_stale(settings_tmp: Settings, fake_embedder: FakeEmbedder) -> None:
    build_index(settings_tmp, fake_embedder, show_progress=False)
    meta = next(settings_tmp.corpus_dir.glob("*.meta.json"))
    data = json.loads(meta.read_text(encoding="utf-8"))
    data["date"] = "20-22 July 2017"
    meta.write_text(json.dumps(data), encoding="utf-8")
    assert _status(settings_tmp, fake_embedder) == "stale"
    with pytest.raises(IndexStale):
        open_index(settings_tmp, fake_embedder, rebuild=False, show_progress=False)


def test_another_model_or_parser_makes_the_index_stale(
    settings_tmp: Settings, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_index(settings_tmp, fake_embedder, show_progress=False)
    assert index_status(settings_tmp, "other-model", fake_embedder.weights_sha256) == "stale"
    assert index_status(settings_tmp, fake_embedder.name, "1" * 64) == "stale"
    monkeypatch.setattr(indexing, "PARSER_VERSION", "999")
    assert _status(settings_tmp, fake_embedder) == "stale"


def test_open_index_loads_a_fresh_index_without_embedding_passages(
    settings_tmp: Settings, fake_embedder: FakeEmbedder
) -> None:
    built = build_index(settings_tmp, fake_embedder, show_progress=False)
    calls = fake_embedder.calls
    opened = open_index(settings_tmp, fake_embedder, rebuild=False, show_progress=False)
    assert fake_embedder.calls == calls
    assert opened.chunks == built.chunks
    assert np.array_equal(opened.vectors, built.vectors)


def test_open_index_missing(
    settings_tmp: Settings, fake_embedder: FakeEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(IndexMissing):
        open_index(settings_tmp, fake_embedder, rebuild=False, show_progress=False)
    index = open_index(settings_tmp, fake_embedder, rebuild=True, show_progress=True)
    assert "Index missing" in capsys.readouterr().err
    assert index.chunks and _status(settings_tmp, fake_embedder) == "fresh"


def test_missing_or_empty_corpus_is_reported(settings_tmp: Settings, tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        parse_corpus(replace(settings_tmp, corpus_dir=tmp_path / "absent"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CorpusError, match="no report"):
        parse_corpus(replace(settings_tmp, corpus_dir=empty))


def test_multilingual_vectors_are_built_and_tracked(
    multilingual_on: None, settings_tmp: Settings, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant import multilingual

    index = build_index(settings_tmp, fake_embedder, show_progress=False)
    vectors = index.extra_vectors["multilingual"]
    assert vectors.shape == (len(index.chunks), multilingual.MultilingualEmbedder.dimension)
    assert index.manifest["multilingual_model"] == multilingual.NAME
    assert "multilingual" in load_index(settings_tmp.index_dir).extra_vectors
    # Uninstalling the optional model makes the index stale (its vectors would go unused).
    monkeypatch.setattr(multilingual, "available", lambda: False)
    assert _status(settings_tmp, fake_embedder) == "stale"
