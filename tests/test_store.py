"""The index on disk: round trip, and damaged, missing or half-written indexes are never served."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import pytest
from conftest import make_chunk

from assistant import store
from assistant.errors import IndexCorrupt, IndexMissing, IndexStale, IndexUnwritable
from assistant.records import Chunk
from assistant.store import Index, current_build, load_index, read_manifest, save_index

DIMENSION = 8


def _chunk(number: int, text: str) -> Chunk:
    # Line numbers unlike the paragraph number: a round trip that swapped fields would show.
    return make_chunk(number, text, line_start=number * 2, line_end=number * 2)


def _index(count: int = 5, seed: int = 0) -> Index:
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(count, DIMENSION)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    sentences = rng.normal(size=(count * 2, DIMENSION)).astype(np.float32)
    chunks = [_chunk(i, f"Passage {i} about “recruitment” fees – in Moscow, seed {seed}.") for i in range(1, count + 1)]
    manifest = {"model": "fake", "dimension": DIMENSION, "count": count, "acronyms": {"THB": "trafficking"}}
    return Index(chunks, vectors, manifest, {"sentences": sentences})


def _build_dirs(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.iterdir() if p.is_dir())


def test_save_load_round_trip(tmp_path: Path) -> None:
    original = _index()
    build = save_index(tmp_path / "index", original)
    loaded = load_index(tmp_path / "index")
    assert loaded.chunks == original.chunks
    assert np.array_equal(loaded.vectors, original.vectors)
    assert np.array_equal(loaded.extra_vectors["sentences"], original.extra_vectors["sentences"])
    assert loaded.manifest["acronyms"] == {"THB": "trafficking"}
    assert set(loaded.manifest["files"]) == {"chunks.jsonl", "dense.faiss", "sentences.npy"}
    assert current_build(tmp_path / "index") == build
    # The loaded FAISS index answers searches like the original vectors.
    scores, ids = loaded.faiss_index.search(original.vectors[2:3], 1)
    assert ids[0][0] == 2 and scores[0][0] == pytest.approx(1.0, abs=1e-5)


def test_a_new_save_replaces_the_old_build(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    first = save_index(index_dir, _index(seed=1))
    second = save_index(index_dir, _index(count=3, seed=2))
    assert first != second
    assert _build_dirs(index_dir) == [second.name]
    assert len(load_index(index_dir).chunks) == 3
    assert not list(index_dir.glob(".CURRENT.*")), "no temporary pointer file left"


def test_missing_index_raises_index_missing(tmp_path: Path) -> None:
    with pytest.raises(IndexMissing, match="No index found") as error:
        load_index(tmp_path / "nowhere")
    assert "assistant build" in str(error.value)


def _saved(tmp_path: Path) -> tuple[Path, Path]:
    index_dir = tmp_path / "index"
    build = save_index(index_dir, _index())
    return index_dir, build


def test_truncated_chunks_file_is_corrupt(tmp_path: Path) -> None:
    index_dir, build = _saved(tmp_path)
    path = build / "chunks.jsonl"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorrupt, match=re.escape("chunks.jsonl")) as error:
        load_index(index_dir)
    assert "assistant build --force" in str(error.value)


def test_edited_faiss_file_is_corrupt(tmp_path: Path) -> None:
    index_dir, build = _saved(tmp_path)
    path = build / "dense.faiss"
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(IndexCorrupt, match=re.escape("dense.faiss")):
        load_index(index_dir)


def test_deleted_vector_file_is_corrupt(tmp_path: Path) -> None:
    index_dir, build = _saved(tmp_path)
    (build / "sentences.npy").unlink()
    with pytest.raises(IndexCorrupt, match=re.escape("sentences.npy")):
        load_index(index_dir)


def test_chunks_dropped_with_a_matching_hash_still_detected(tmp_path: Path) -> None:
    """A consistent-looking build whose chunk count no longer matches its vectors is refused."""
    index_dir, build = _saved(tmp_path)
    chunks = build / "chunks.jsonl"
    chunks.write_text("".join(chunks.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8")
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["chunks.jsonl"] = store._sha256(chunks)
    (build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="4 chunks for 5 vectors"):
        load_index(index_dir)


def test_unreadable_manifest_is_corrupt(tmp_path: Path) -> None:
    index_dir, build = _saved(tmp_path)
    (build / "manifest.json").write_text('{"format": 1, "files": ', encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="manifest"):
        read_manifest(index_dir)


def test_old_format_is_stale(tmp_path: Path) -> None:
    index_dir, build = _saved(tmp_path)
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    manifest["format"] = 0
    (build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexStale, match="old format"):
        load_index(index_dir)


def test_current_pointing_to_a_missing_build_is_corrupt(tmp_path: Path) -> None:
    index_dir, _ = _saved(tmp_path)
    (index_dir / "CURRENT").write_text("build-20000101-000000-deadbeef\n", encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="missing build"):
        load_index(index_dir)


def test_current_naming_something_else_is_corrupt(tmp_path: Path) -> None:
    index_dir, _ = _saved(tmp_path)
    (index_dir / "elsewhere").mkdir()
    (index_dir / "CURRENT").write_text("elsewhere\n", encoding="utf-8")
    with pytest.raises(IndexCorrupt):
        load_index(index_dir)


class _Interrupted(Exception):
    pass


def _assert_previous_index_intact(index_dir: Path, previous: Index) -> None:
    loaded = load_index(index_dir)
    assert loaded.chunks == previous.chunks
    assert np.array_equal(loaded.vectors, previous.vectors)
    assert not [name for name in _build_dirs(index_dir) if name.startswith(".staging-")]


def test_save_interrupted_while_writing_faiss_keeps_the_previous_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "index"
    previous = _index(seed=1)
    save_index(index_dir, previous)
    before = _build_dirs(index_dir)

    def broken_write(*args: object, **kwargs: object) -> None:
        raise _Interrupted("disk full")

    monkeypatch.setattr(faiss, "write_index", broken_write)
    with pytest.raises(_Interrupted):
        save_index(index_dir, _index(seed=2))
    _assert_previous_index_intact(index_dir, previous)
    assert _build_dirs(index_dir) == before


def test_save_interrupted_mid_way_through_chunks_keeps_the_previous_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "index"
    previous = _index(seed=1)
    save_index(index_dir, previous)
    before = _build_dirs(index_dir)
    real_dumps = json.dumps
    calls = {"n": 0}

    def dumps_then_fail(*args: Any, **kwargs: Any) -> str:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # Ctrl-C half-way through chunks.jsonl
        return real_dumps(*args, **kwargs)

    monkeypatch.setattr(store.json, "dumps", dumps_then_fail)
    with pytest.raises(KeyboardInterrupt):
        save_index(index_dir, _index(count=6, seed=2))
    monkeypatch.setattr(store.json, "dumps", real_dumps)
    _assert_previous_index_intact(index_dir, previous)
    assert _build_dirs(index_dir) == before


def test_save_interrupted_before_switching_keeps_serving_the_previous_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "index"
    previous = _index(seed=1)
    save_index(index_dir, previous)

    def broken_pointer(path: Path, text: str) -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr(store, "_write_json_atomic", broken_pointer)
    before = _build_dirs(index_dir)
    with pytest.raises(IndexUnwritable, match="no space left on device"):
        save_index(index_dir, _index(seed=2))
    _assert_previous_index_intact(index_dir, previous)
    assert _build_dirs(index_dir) == before  # the unswitched build is not left behind
    monkeypatch.undo()
    # The next successful save cleans up whatever the interrupted one left.
    latest = save_index(index_dir, _index(count=2, seed=3))
    assert _build_dirs(index_dir) == [latest.name]
