"""Any report's structure: Markdown headings, plain-text headings, the 2017 report's own parser
picked when its headings are found; and bad files refused with a message naming them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import REPORT_PATH, SECTION_LABELS
from extra_documents import MARKDOWN, write_markdown

from assistant.corpus import load_documents
from assistant.documents import BadDocument, is_conference_report, parse_document
from assistant.generic import parse_generic
from assistant.report import parse_report

LIMIT = 50_000_000


def _parse(path: Path, limit: int = LIMIT):  # type: ignore[no-untyped-def]
    document = next(d for d in load_documents(path.parent) if d.path == path)
    return parse_document(document, limit)


def test_the_2017_report_keeps_its_own_parser(report_text: str, tmp_path: Path) -> None:
    assert is_conference_report(report_text)
    copy = tmp_path / REPORT_PATH.name
    copy.write_text(report_text, encoding="utf-8")
    parsed = _parse(copy)
    assert parsed.strategy == "conference report"
    assert [s.label for s in parsed.report.sections] == SECTION_LABELS
    assert parsed.report == parse_report(report_text)


def test_markdown_nested_headings() -> None:
    report = parse_generic(MARKDOWN, "markdown")
    assert [(s.label, s.title) for s in report.sections[:5]] == [
        (
            "Identifying Victims of Trafficking: A Trainer's Guide",
            "Identifying Victims of Trafficking: A Trainer's Guide",
        ),
        ("Introduction", "Identifying Victims of Trafficking: A Trainer's Guide › Introduction"),
        ("1. Indicators", "Identifying Victims of Trafficking: A Trainer's Guide › 1. Indicators"),
        (
            "1.1 Labour exploitation",
            "Identifying Victims of Trafficking: A Trainer's Guide › 1. Indicators › 1.1 Labour exploitation",
        ),
        (
            "1.2 Sexual exploitation",
            "Identifying Victims of Trafficking: A Trainer's Guide › 1. Indicators › 1.2 Sexual exploitation",
        ),
    ]
    intro = report.section("Introduction").paragraphs[0]
    assert intro.text.startswith("This guide helps trainers prepare")  # emphasis and link marks removed
    assert "national referral mechanism of the host country" in intro.text
    assert (intro.line_start, intro.line_end) == (5, 6)


def test_shared_heading_labels_are_qualified_by_their_parent() -> None:
    report = parse_generic(MARKDOWN, "markdown")
    referral = report.section("2. Referral › Recommendations")
    assert report.section("3. Evaluation › Recommendations")
    assert [p.kind for p in referral.paragraphs] == ["paragraph", "recommendation", "recommendation", "recommendation"]
    assert referral.paragraphs[1].text == "a safe place and an interpreter come before any questions;"
    assert referral.paragraphs[3].number == 3


def test_plain_text_headings_and_a_page_break_cut() -> None:
    text = "\n".join(
        [
            "GUIDANCE FOR LABOUR INSPECTORS",
            "",
            "Panel 2: Inspections in agriculture",
            "",
            "Inspectors visited forty farms during the",
            "harvest and spoke with",
            "",
            "seasonal workers in their own language.",
            "",
            "1.2 Recommendations",
            "",
            "- Train inspectors in the indicators of forced labour.",
            "- Share findings with the police.",
            "",
            "Annex A: Sources",
            "",
            "A closing note without a heading number.",
        ]
    )
    report = parse_generic(text, "text")
    assert [s.label for s in report.sections] == [
        "GUIDANCE FOR LABOUR INSPECTORS",
        "Panel 2",
        "1.2 Recommendations",
        "Annex A",
    ]
    panel = report.section("Panel 2")
    assert panel.title == "Panel 2: Inspections in agriculture"
    assert [p.text for p in panel.paragraphs] == [
        "Inspectors visited forty farms during the harvest and spoke with seasonal workers in their own language."
    ]
    assert (panel.paragraphs[0].line_start, panel.paragraphs[0].line_end) == (5, 8)
    assert [p.kind for p in report.section("1.2 Recommendations").paragraphs] == ["recommendation"] * 2


def test_text_without_headings_is_one_section() -> None:
    report = parse_generic("A note.\n\nAnother paragraph.\n", "text")
    assert [(s.label, len(s.paragraphs)) for s in report.sections] == [("Text", 2)]


def test_markdown_document_parses_with_its_sidecar(tmp_path: Path) -> None:
    parsed = _parse(write_markdown(tmp_path))
    assert parsed.strategy == "markdown"
    assert parsed.document.short_title == "Trainer's guide"
    assert parsed.document.meta["organisation"] == "Example Training Network"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.md", b"  \n\n \n", "is empty"),
        ("binary.txt", bytes(range(256)) * 10, "is not text: it holds binary data"),
        ("latin1.txt", "Caf\xe9 workers".encode("latin-1"), "is not UTF-8 text"),
    ],
)
def test_bad_text_files_are_refused_naming_the_file(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BadDocument) as error:
        _parse(path)
    assert str(error.value).startswith(name) and reason in str(error.value)


def test_a_200_mb_file_is_refused_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as handle:
        os.truncate(handle.fileno(), 200_000_000)  # sparse: no 200 MB written
    with pytest.raises(BadDocument, match=r"huge.pdf is 200.0 MB, over the 50 MB limit") as error:
        _parse(path)
    assert "ASSISTANT_MAX_DOCUMENT_MB" in str(error.value)


def test_unreadable_sidecar_refuses_only_that_document(tmp_path: Path) -> None:
    path = write_markdown(tmp_path)
    path.with_name(f"{path.stem}.meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(BadDocument, match=f"{path.name} has unreadable metadata"):
        _parse(path)
