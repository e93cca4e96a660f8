"""A corpus of several documents: the 2017 report, a Markdown guide and a PDF the tests write.
Citations name the right document, section and page; search covers all documents or the ones
asked for; bad files are refused while the others are served; a rebuild embeds only what changed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from conftest import FakeEmbedder, as_read
from extra_documents import MARKDOWN_NAME, PDF_NAME, write_markdown, write_pdf_guide

from assistant import cli
from assistant.config import Settings
from assistant.engine import Assistant
from assistant.errors import UnknownDocument
from assistant.indexing import build_index, index_status, open_index
from assistant.store import load_index

REPORT = "OSCE 2017 PPP report"
ZEBRAFISH = "Does a zebrafish audit visit the recruitment agents as well as the factory?"
PANGOLIN = "Must workers be repaid recruitment fees with the help of the pangolin fund?"
NARWHAL = "Which signs of sexual exploitation appear in the narwhal scenario?"


class RecordingEmbedder(FakeEmbedder):
    """The fake embedder, remembering every text it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts.extend(texts)
        return super().encode(texts)


def _add_bad_files(corpus: Path) -> None:
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    with (corpus / "huge.md").open("wb") as handle:
        os.truncate(handle.fileno(), 200_000_000)
    (corpus / "minutes.docx").write_bytes(b"PK\x03\x04" + bytes(100))  # copied in by hand, not through `assistant add`


@pytest.fixture
def multi(settings_tmp: Settings) -> tuple[Settings, Assistant]:
    write_markdown(settings_tmp.corpus_dir)
    write_pdf_guide(settings_tmp.corpus_dir)
    _add_bad_files(settings_tmp.corpus_dir)
    embedder = FakeEmbedder()
    index = build_index(settings_tmp, embedder, show_progress=False)
    return settings_tmp, Assistant(index, embedder, settings_tmp)


def test_citations_name_document_section_and_page(multi: tuple[Settings, Assistant]) -> None:
    _, assistant = multi
    assert assistant.document_titles == [REPORT, "Supply chain guidance", "Trainer's guide"]
    cases = {
        ZEBRAFISH: "Supply chain guidance, 1. Risk assessment, ¶1, pp. 1–2",
        PANGOLIN: "Supply chain guidance, 2. Remediation, ¶1, p. 3",
        NARWHAL: "Trainer's guide, 1.2 Sexual exploitation, ¶1",
        "Who moderated Panel 3?": f"{REPORT}, Panel 3, ¶1",
    }
    for question, citation in cases.items():
        assert assistant.ask(question).hits[0].citation == citation, question


def test_every_introduction_is_told_apart(multi: tuple[Settings, Assistant]) -> None:
    _, assistant = multi
    citations = {h.citation for h in assistant.ask("introduction", k=50, sections=["Introduction"]).hits}
    assert {
        f"{REPORT}, Introduction, ¶1",
        "Trainer's guide, Introduction, ¶1",
        "Supply chain guidance, Introduction, ¶1, p. 1",
    } <= citations


def test_document_filter(multi: tuple[Settings, Assistant]) -> None:
    _, assistant = multi
    answer = assistant.ask("recruitment fees paid by workers", k=10, documents=["Supply chain guidance"])
    assert answer.hits and {h.chunk.doc_title for h in answer.hits} == {"Supply chain guidance"}
    by_file = assistant.ask("quokka case study", documents=[MARKDOWN_NAME, REPORT.upper()])
    assert {h.chunk.doc_title for h in by_file.hits} <= {"Trainer's guide", REPORT}
    assert "Searched only in Supply chain guidance: the other documents were left out." in answer.notes
    in_section = assistant.ask("fees", sections=["Panel 2"])
    assert "Searched only in Panel 2: every other section of the documents was left out." in in_section.notes
    with pytest.raises(UnknownDocument, match="No indexed document is called 'Nonexistent'"):
        assistant.ask("fees", documents=["Nonexistent"])


def test_json_names_document_and_page(multi: tuple[Settings, Assistant]) -> None:
    _, assistant = multi
    passage = assistant.ask(ZEBRAFISH).to_json()["passages"][0]
    assert passage["document"] == "Supply chain guidance" and passage["page"] == 1


def test_bad_files_are_refused_and_the_others_served(
    multi: tuple[Settings, Assistant], capsys: pytest.CaptureFixture[str]
) -> None:
    settings, assistant = multi
    rejected = {item["file"]: item["reason"] for item in assistant.index.manifest["rejected"]}
    assert set(rejected) == {"empty.txt", "photo.txt", "broken.pdf", "huge.md", "minutes.docx"}
    assert rejected["minutes.docx"].startswith("minutes.docx: only .txt, .md and .pdf files are read")
    assert rejected["empty.txt"] == "empty.txt is empty."
    assert rejected["photo.txt"].startswith("photo.txt is not text")
    assert rejected["broken.pdf"].startswith("broken.pdf is not a readable PDF")
    assert rejected["huge.md"].startswith("huge.md is 200.0 MB, over the 50 MB limit")
    assert [d["file"] for d in assistant.index.manifest["documents"]] == [
        "osce-2017-public-private-partnership-report.txt",
        PDF_NAME,
        MARKDOWN_NAME,
    ]
    open_index(settings, FakeEmbedder(), rebuild=False, show_progress=True)  # at start, too
    err = capsys.readouterr().err
    assert "Warning: Skipped huge.md is 200.0 MB" in err and "Warning: Skipped broken.pdf" in err


def test_one_document_keeps_short_citations(fake_assistant: Assistant) -> None:
    assert not fake_assistant.names_documents
    hit = fake_assistant.ask("Who moderated Panel 3?").hits[0]
    assert hit.citation == "Panel 3, ¶1" and hit.chunk.full_citation == f"{REPORT}, Panel 3, ¶1"


def test_rebuild_embeds_only_the_new_document(settings_tmp: Settings) -> None:
    first = RecordingEmbedder()
    build_index(settings_tmp, first, show_progress=False)
    report_vectors = load_index(settings_tmp.index_dir).vectors.copy()
    write_markdown(settings_tmp.corpus_dir)
    assert index_status(settings_tmp, first.name, first.weights_sha256) == "stale"

    second = RecordingEmbedder()
    index = build_index(settings_tmp, second, show_progress=False)
    new_chunks = [c for c in index.chunks if c.doc_title == "Trainer's guide"]
    assert new_chunks and index.manifest["reused_documents"] == ["osce-2017-public-private-partnership-report"]
    passages = [t for t in second.texts if t in {c.embed_text for c in index.chunks}]
    assert sorted(passages) == sorted(c.embed_text for c in new_chunks)  # the report's passages were not embedded again
    assert not any("Panel 3" in t for t in second.texts)
    assert np.array_equal(index.vectors[: len(report_vectors)], report_vectors)
    assert index_status(settings_tmp, first.name, first.weights_sha256) == "fresh"

    # Removing a document makes the index stale; the rebuild drops it and prunes its cached vectors.
    (settings_tmp.corpus_dir / MARKDOWN_NAME).unlink()
    assert index_status(settings_tmp, first.name, first.weights_sha256) == "stale"
    third = RecordingEmbedder()
    index = build_index(settings_tmp, third, show_progress=False)
    assert third.texts == [] and {c.doc_title for c in index.chunks} == {REPORT}
    assert len(list((settings_tmp.index_dir / "cache").glob("*.npz"))) == 1


def test_a_damaged_cache_entry_is_recomputed(settings_tmp: Settings) -> None:
    built = build_index(settings_tmp, FakeEmbedder(), show_progress=False)
    for entry in (settings_tmp.index_dir / "cache").glob("*.npz"):
        entry.write_bytes(entry.read_bytes()[:100])
    again = RecordingEmbedder()
    rebuilt = build_index(settings_tmp, again, show_progress=False)
    assert again.texts and np.array_equal(rebuilt.vectors, built.vectors)


def test_cli_add_then_ask_one_document(
    settings_tmp: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "incoming"
    outside.mkdir()
    pdf = write_pdf_guide(outside)
    pdf.with_name(f"{pdf.stem}.meta.json").unlink()
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(settings_tmp.corpus_dir))
    code = cli.main(["add", str(pdf), "--title", "Due Diligence Guidance", "--organisation", "EBC", "--date", "2022"])
    out = capsys.readouterr().out
    assert code == 0 and f"Added {PDF_NAME} as 'Due Diligence Guidance'" in out and "assistant build" in out
    meta = json.loads((settings_tmp.corpus_dir / f"{pdf.stem}.meta.json").read_text(encoding="utf-8"))
    assert meta == {"title": "Due Diligence Guidance", "organisation": "EBC", "date": "2022"}

    assert cli.main(["add", str(pdf), "--title", "Again"]) == 1
    assert f"already holds {PDF_NAME}." in capsys.readouterr().err  # the document, not its .meta.json

    embedder = FakeEmbedder()
    assistant = Assistant(build_index(settings_tmp, embedder, show_progress=False), embedder, settings_tmp)
    monkeypatch.setattr(cli, "_assistant", lambda args: assistant)
    assert cli.main(["ask", "recruitment fees", "--document", "Due Diligence Guidance", "--k", "2"]) == 0
    out = capsys.readouterr().out
    assert out.count("[") == 2 and "Due Diligence Guidance, " in out and "(p. " in out


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.md", b"", "empty.md is empty."),
        ("fake.txt", bytes(range(256)), "fake.txt is not text"),
        ("bad.pdf", b"%PDF-1.7\ngarbage", "bad.pdf is not a readable PDF"),
        ("slides.pptx", b"PK", "slides.pptx is not a .txt, .md or .pdf file"),
    ],
)
def test_cli_add_refuses_bad_files(
    settings_tmp: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes,
    message: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(settings_tmp.corpus_dir))
    assert cli.main(["add", str(path), "--title", "T"]) == 1
    assert message in capsys.readouterr().err
    assert not (settings_tmp.corpus_dir / name).exists()


# --- the app over several documents -------------------------------------------------------------


def test_app_filters_by_document_and_names_it_in_citations(multi: tuple[Settings, Assistant]) -> None:
    from assistant.chat import ALL, ALL_DOCUMENTS, respond

    _, assistant = multi
    history, _, conversation = respond(ZEBRAFISH, [], ALL, None, assistant, "Supply chain guidance")
    hits = conversation.answers[0].hits
    assert hits and all(h.chunk.doc_title == "Supply chain guidance" for h in hits)
    assert "Searched only in Supply chain guidance: the other documents were left out." in as_read(
        history[1]["content"]
    )  # a Document menu left on from an earlier question is said, as a section filter is
    assert history[2]["content"].startswith("**[1] Supply chain guidance, ")
    heading = as_read(history[2]["content"].split("\n")[0])
    assert ", p. " in heading or ", pp. " in heading
    _, _, everywhere = respond("Who moderated Panel 3?", [], ALL, None, assistant, ALL_DOCUMENTS)
    assert everywhere.answers[0].hits[0].citation == f"{REPORT}, Panel 3, ¶1"


def test_app_page_lists_refused_files_and_offers_the_document_filter(multi: tuple[Settings, Assistant]) -> None:
    from conftest import Running, text_of

    _, assistant = multi
    running = Running(assistant)
    try:
        config = running.demo.config
        dropdown = next(c for c in config["components"] if c.get("props", {}).get("elem_id") == "document")
        assert dropdown["props"]["visible"] is True
        assert [choice[0] for choice in dropdown["props"]["choices"]][1:] == assistant.document_titles
        rejected = next(c for c in config["components"] if c.get("props", {}).get("elem_id") == "rejected")
        for name in ("empty.txt", "photo.txt", "broken.pdf", "huge.md", "minutes.docx"):
            assert name in as_read(rejected["props"]["value"])
        history, _ = running.client().predict(NARWHAL, [], "All sections", None, "Trainer's guide", api_name="/ask")
        first = next(text_of(m) for m in history[1:] if text_of(m).startswith("**[1]"))
        assert first.startswith("**[1] Trainer's guide, ")
    finally:
        running.demo.close()
