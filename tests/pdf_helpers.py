"""Write small PDFs for tests with fpdf2: known pages, headings in larger bold type, a running
header and a page-number footer, so the extractor's page numbers and repairs can be checked."""

from __future__ import annotations

from pathlib import Path

# (style, text): "title", "h1", "h2" are headings; "p" a paragraph; "p+" continues the previous
# page's last paragraph (no space before it, as after a page break).
Element = tuple[str, str]
STYLES = {"title": ("B", 18), "h1": ("B", 15), "h2": ("B", 12.5), "p": ("", 10.5), "p+": ("", 10.5)}


def write_pdf(path: Path, pages: list[list[Element]], *, header: str | None = None, font: Path | None = None) -> Path:
    """One PDF page per item of ``pages``; ``font`` is a TTF file (default: core Helvetica, Latin-1)."""
    from fpdf import FPDF

    class _PDF(FPDF):
        def header(self) -> None:
            if header:
                self.set_font(family, "", 8)
                self.cell(0, 6, header, align="C")
                self.ln(10)

        def footer(self) -> None:
            self.set_y(-14)
            self.set_font(family, "", 8)
            self.cell(0, 6, f"Page {self.page_no()}", align="C")

    pdf = _PDF(format="A4")
    family = "helvetica"
    if font is not None:
        family = "body"
        pdf.add_font(family, "", str(font))
        pdf.add_font(family, "B", str(font.with_name(font.name.replace(".ttf", "-Bold.ttf"))))
    pdf.set_auto_page_break(False)
    for elements in pages:
        pdf.add_page()
        for style, text in elements:
            weight, size = STYLES[style]
            pdf.set_font(family, weight, size)
            if style in ("title", "h1", "h2"):
                pdf.ln(3)
            pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3 if style != "p+" else 2)
    pdf.output(str(path))
    return path
