"""Typed records passed between modules: a chunk of the report, a ranked hit, an answer."""

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
    line_start: int  # 1-based, inclusive, in the corpus file
    line_end: int

    @property
    def citation(self) -> str:
        """``Panel 3, ¶12`` or ``Panel 2, Recommendation 4``."""
        where = f"Recommendation {self.number}" if self.kind == "recommendation" else f"¶{self.number}"
        part = f" (part {self.part} of {self.parts})" if self.parts > 1 else ""
        return f"{self.section_label}, {where}{part}"

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

    @property
    def citation(self) -> str:
        return self.chunk.citation


@dataclass(frozen=True)
class Answer:
    """The reply to one question: ranked hits, or an honest abstention with the closest passages."""

    question: str
    hits: list[Hit]
    abstained: bool = False
    notes: list[str] = field(default_factory=list)
    search_query: str = ""  # the question as searched, after follow-up resolution

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "abstained": self.abstained,
            "notes": self.notes,
            "passages": [
                {
                    "text": hit.chunk.text,
                    "citation": hit.citation,
                    "section": hit.chunk.section_title,
                    "score": round(hit.score, 4),
                    "lines": [hit.chunk.line_start, hit.chunk.line_end],
                }
                for hit in self.hits
            ],
        }
