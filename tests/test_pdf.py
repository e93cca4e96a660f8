"""PDF text: pages kept, running header and footer dropped, hyphenation and page-break cuts mended,
headings found from the layout; encrypted, scanned and corrupt PDFs refused with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from extra_documents import PDF_HEADER, PDF_PAGES, write_pdf_guide
from pdf_helpers import write_pdf

from assistant.chunking import chunk_report
from assistant.generic import parse_generic
from assistant.pdf import PdfProblem, read_pdf


@pytest.fixture(scope="module")
def guide(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pdf_guide(tmp_path_factory.mktemp("pdf"))


def test_pages_are_kept_and_running_lines_dropped(guide: Path) -> None:
    pdf = read_pdf(guide)
    assert pdf.page_count == len(PDF_PAGES) == len(pdf.page_starts) == 3
    assert PDF_HEADER not in pdf.text
    assert "Page 1" not in pdf.text and "Page 3" not in pdf.text
    lines = pdf.text.splitlines()
    assert lines[pdf.page_starts[1] - 1].startswith("ficking for forced labour")
    assert lines[pdf.page_starts[2] - 1] == "## 2. Remediation"


def test_headings_come_from_the_layout_with_levels(guide: Path) -> None:
    text = read_pdf(guide).text
    assert "# Due Diligence Against Forced Labour\n" in text
    assert "\n## Introduction\n" in text and "\n## 1. Risk assessment\n" in text
    assert "\n### 1.1 Mapping suppliers\n" in text


def test_chunks_carry_pages_and_the_cut_paragraph_is_whole(guide: Path) -> None:
    pdf = read_pdf(guide)
    chunks = chunk_report(parse_generic(pdf.text, "pdf"), "guide", title="Guide", page_starts=pdf.page_starts)
    by_citation = {c.citation: c for c in chunks}
    assert list(by_citation) == [
        "Introduction, ¶1, p. 1",
        "1. Risk assessment, ¶1, pp. 1–2",
        "1.1 Mapping suppliers, ¶1, p. 2",
        "2. Remediation, ¶1, p. 3",
    ]
    risk = by_citation["1. Risk assessment, ¶1, pp. 1–2"]
    assert "path into human trafficking for forced labour. A zebrafish audit" in risk.text
    assert risk.section_title == "Due Diligence Against Forced Labour › 1. Risk assessment"
    assert by_citation["2. Remediation, ¶1, p. 3"].full_citation == "Guide, 2. Remediation, ¶1, p. 3"


def test_bold_line_at_body_size_is_a_heading(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    for weight, text in [("", "Opening words of the note."), ("B", "Findings"), ("", "The findings follow here.")]:
        pdf.set_font("helvetica", weight, 11)
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    pdf.output(str(tmp_path / "note.pdf"))
    report = parse_generic(read_pdf(tmp_path / "note.pdf").text, "pdf")
    assert [(s.label, [p.text for p in s.paragraphs]) for s in report.sections] == [
        ("Front matter", ["Opening words of the note."]),
        ("Findings", ["The findings follow here."]),
    ]


def test_encrypted_pdf_is_refused(guide: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(guide).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(PdfProblem, match="encrypted"):
        read_pdf(locked)


def test_image_only_pdf_is_refused(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.rect(20, 20, 150, 200, style="F")  # a scanned page: marks, no text
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(PdfProblem, match="scanned"):
        read_pdf(tmp_path / "scan.pdf")


@pytest.mark.parametrize("damage", ["truncate", "garbage", "not-a-pdf"])
def test_corrupt_pdf_is_refused(guide: Path, tmp_path: Path, damage: str) -> None:
    data = guide.read_bytes()
    broken = tmp_path / "broken.pdf"
    if damage == "truncate":
        broken.write_bytes(data[: len(data) // 3])
    elif damage == "garbage":
        broken.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)
    else:
        broken.write_bytes(b"Hello, this is a text file named .pdf\n")
    with pytest.raises(PdfProblem, match=r"not a readable PDF|scanned"):
        read_pdf(broken)


def test_single_page_without_header(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "one.pdf", [[("h1", "Summary"), ("p", "One page of findings about recruitment fees.")]])
    report = parse_generic(read_pdf(path).text, "pdf")
    assert [(s.label, len(s.paragraphs)) for s in report.sections] == [("Summary", 1)]
