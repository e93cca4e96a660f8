"""Two more documents for a corpus of several reports, written by the tests themselves: a Markdown
guide with nested headings and a three-page PDF with known page breaks. Both have an
"Introduction", like the 2017 report, so citations must name the document to be unambiguous.

Run as a script to write them (with sidecars) into a folder: ``python tests/extra_documents.py DIR``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pdf_helpers import write_pdf

MARKDOWN_NAME = "trainer-guide-victim-identification.md"
MARKDOWN_META = {
    "title": "Identifying Victims of Trafficking: A Trainer's Guide",
    "short_name": "Trainer's guide",
    "organisation": "Example Training Network",
    "date": "2023",
}
MARKDOWN = """# Identifying Victims of Trafficking: A Trainer's Guide

## Introduction

This guide helps **trainers** prepare a one-day course for frontline staff. It follows the
[national referral mechanism](https://example.org/nrm) of the host country.

Each module ends with an exercise that uses the quokka case study.

## 1. Indicators

Indicators are signs that a person may be under the control of someone else.

### 1.1 Labour exploitation

Workers whose passports are kept by the employer, who owe a growing debt for housing or
transport, or who cannot leave the workplace, may be victims of forced labour.

### 1.2 Sexual exploitation

Frequent moves between cities, no control over earnings and a third party who answers
questions for the person are common signs in the narwhal scenario used in module two.

## 2. Referral

### Recommendations

Before the first interview, trainers should stress that:

- a safe place and an interpreter come before any questions;
- the person is told about the reflection period and free legal advice;
- no one is returned to the place of exploitation.

## 3. Evaluation

### Recommendations

- Ask participants to rate the quokka case study at the end of the day.
- Repeat the course after six months.
"""

PDF_NAME = "supply-chain-due-diligence.pdf"
PDF_META = {
    "title": "Due Diligence Against Forced Labour in Supply Chains",
    "short_name": "Supply chain guidance",
    "organisation": "Example Business Council",
    "date": "2022",
}
PDF_HEADER = "Due Diligence Against Forced Labour - Guidance for Buyers"
# Page 1 ends in the middle of a paragraph and of the word "trafficking"; page 2 continues it.
PDF_PAGES = [
    [
        ("title", "Due Diligence Against Forced Labour"),
        ("h1", "Introduction"),
        (
            "p",
            "This guidance explains how buyers can find and end forced labour in their supply chains. "
            "It is written for procurement teams of small and medium companies.",
        ),
        ("h1", "1. Risk assessment"),
        (
            "p",
            "Buyers should first list the countries, sectors and products where the risk is highest. "
            "Seasonal agriculture, construction and textile mills often recruit through agents who charge "
            "workers fees, and the debt that follows is a common path into human traf-",
        ),
    ],
    [
        ("p+", "ficking for forced labour. A zebrafish audit visits the recruitment agents as well as the factory."),
        ("h2", "1.1 Mapping suppliers"),
        (
            "p",
            "Map every supplier beyond the first tier, including labour providers and subcontractors, and "
            "keep the map up to date when orders move.",
        ),
    ],
    [
        ("h1", "2. Remediation"),
        (
            "p",
            "When forced labour is found, the buyer should not simply leave the supplier. Workers must be "
            "repaid the recruitment fees they were charged, with the help of the pangolin fund.",
        ),
    ],
]


def write_markdown(folder: Path) -> Path:
    path = folder / MARKDOWN_NAME
    path.write_text(MARKDOWN, encoding="utf-8")
    (folder / f"{path.stem}.meta.json").write_text(json.dumps(MARKDOWN_META), encoding="utf-8")
    return path


def write_pdf_guide(folder: Path) -> Path:
    path = write_pdf(folder / PDF_NAME, PDF_PAGES, header=PDF_HEADER)
    (folder / f"{path.stem}.meta.json").write_text(json.dumps(PDF_META), encoding="utf-8")
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    print(write_markdown(target), write_pdf_guide(target))
