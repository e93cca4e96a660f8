"""Typed records passed between modules: a chunk of a document, a ranked hit, an answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Chunk:
    """A citable passage: one paragraph, one recommendation, or one part of a long paragraph."""

    id: str
    doc: str  # document id: the corpus file's stem
    section_number: int
    section_label: str  # "Panel 3"
    section_title: str  # the full heading
    kind: str  # "paragraph" or "recommendation"
    number: int  # paragraph or recommendation number inside its section
    part: int  # 1-based part of a paragraph split for length
    parts: int
    text: str  # what is shown and quoted
    line_start: int  # 1-based, inclusive, in the corpus file (for a PDF: in its extracted text)
    line_end: int
    doc_title: str = ""  # the document's short title, unique in the index: "OSCE 2017 PPP report"
    page: int | None = None  # PDF page of the passage's first line (1-based); None for text files
    page_end: int | None = None  # page of its last line

    @property
    def pages(self) -> str:
        """``p. 14``, ``pp. 14–15``, or "" for a text file."""
        if self.page is None:
            return ""
        if self.page_end is None or self.page_end == self.page:
            return f"p. {self.page}"
        return f"pp. {self.page}–{self.page_end}"

    @property
    def citation(self) -> str:
        """Inside its document: ``Panel 3, ¶12``, ``Panel 2, Recommendation 4``, ``2.1 Indicators, ¶3, p. 14``."""
        where = f"Recommendation {self.number}" if self.kind == "recommendation" else f"¶{self.number}"
        part = f" (part {self.part} of {self.parts})" if self.parts > 1 else ""
        page = f", {self.pages}" if self.page is not None else ""
        return f"{self.section_label}, {where}{part}{page}"

    @property
    def full_citation(self) -> str:
        """Naming the document too: ``OSCE 2017 PPP report, Panel 3, ¶12``."""
        return f"{self.doc_title}, {self.citation}" if self.doc_title else self.citation

    @property
    def embed_text(self) -> str:
        """What is embedded and indexed: the passage under its section title."""
        kind = " Recommendation:" if self.kind == "recommendation" else ""
        return f"{self.section_title}.{kind} {self.text}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        return cls(**data)


@dataclass(frozen=True)
class Hit:
    """A chunk ranked for a question, with the sentences that best answer it."""

    chunk: Chunk
    score: float
    rank: int
    evidence: tuple[tuple[int, int], ...] = ()  # character spans in chunk.text
    # Set when the index holds several documents: the citation must then say which one, since
    # two documents may both have a "Section 1". A one-document index keeps the short form.
    names_document: bool = False
    relevance: float | None = None  # the re-ranker's judgement (a logit), when it ran

    @property
    def citation(self) -> str:
        return self.chunk.full_citation if self.names_document else self.chunk.citation


@dataclass(frozen=True)
class Answer:
    """The reply to one question: ranked hits, or an honest abstention with the closest passages."""

    question: str
    hits: list[Hit]
    abstained: bool = False
    notes: list[str] = field(default_factory=list)
    search_query: str = ""  # the question as searched, after follow-up resolution
    matched_words: str = ""  # for another language: the report's words found for the question's
    # What the question asks for that the closest passages, on its topic, do not give ("figure",
    # "date"): the answer then says so above them. Empty when nothing is known to be missing.
    lacking: str = ""
    left_out: tuple[str, ...] = ()  # "tell me more": the passages shown before, left out

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "abstained": self.abstained,
            "lacking": self.lacking or None,
            "notes": self.notes,
            "matched_words": self.matched_words or None,
            "passages": [
                {
                    "text": hit.chunk.text,
                    "citation": hit.citation,
                    "document": hit.chunk.doc_title or hit.chunk.doc,
                    "section": hit.chunk.section_title,
                    "page": hit.chunk.page,
                    "score": round(hit.score, 4),
                    "relevance": None if hit.relevance is None else round(hit.relevance, 3),
                    "lines": [hit.chunk.line_start, hit.chunk.line_end],
                    # The sentences marked in the app, as they stand in "text" (none: nothing marked).
                    "highlighted": [hit.chunk.text[start:end].strip() for start, end in hit.evidence],
                }
                for hit in self.hits
            ],
        }
