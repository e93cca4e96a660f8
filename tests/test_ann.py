"""A large corpus is searched with IVF saved in the build; ranking stays that of flat search."""

from __future__ import annotations

import pytest

from assistant import ann, config
from assistant.embedding import Embedder
from assistant.engine import Assistant
from assistant.indexing import build_index
from assistant.store import load_index


def test_ivf_is_saved_with_a_large_build_and_ranks_like_flat(
    settings_tmp: config.Settings, monkeypatch: pytest.MonkeyPatch, fake_embedder: Embedder
) -> None:
    embedder = fake_embedder
    flat = Assistant(build_index(settings_tmp, embedder, show_progress=False), embedder, settings_tmp)
    assert ann.kind(flat.retriever._units) == "flat"
    assert flat.index.units_index is None

    monkeypatch.setattr(config, "ANN_THRESHOLD", 100)  # this report's ~650 vectors count as "large"
    monkeypatch.setattr(config, "IVF_PROBE_SHARE", 1.0)  # every list read: the same hits as flat
    build_index(settings_tmp, embedder, show_progress=False)
    loaded = load_index(settings_tmp.index_dir)
    assert "units.faiss" in loaded.manifest["files"]
    approximate = Assistant(loaded, embedder, settings_tmp)
    assert approximate.retriever._units is loaded.units_index
    assert ann.kind(approximate.retriever._units) == "ivf"
    for question in ("Who moderated Panel 3?", "What did Panel 4 recommend about technology?"):
        assert [h.chunk.id for h in approximate.ask(question).hits[:3]] == [
            h.chunk.id for h in flat.ask(question).hits[:3]
        ]
