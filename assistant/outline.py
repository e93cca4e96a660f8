"""The report browser's table of contents, and what a citation needs to name its document.

Sections, paragraphs and recommendations come from the index's own chunks, so the browser lists
exactly what is cited, under the same numbers. Moderators, speakers, rapporteurs and each
document's metadata come from parsing the corpus again: cheap, and the index was checked against
the same files when it was opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import Settings
from .corpus import load_documents
from .records import Chunk
from .report import Person


@dataclass(frozen=True)
class SectionOutline:
    """One section as the browser shows it."""

    doc: str
    label: str  # "Panel 3"
    title: str  # the full heading
    people: tuple[Person, ...]
    paragraphs: tuple[Chunk, ...]  # the first part of each paragraph
    recommendations: tuple[Chunk, ...]  # the first part of each recommendation

    def role(self, role: str) -> list[Person]:
        return [p for p in self.people if p.role == role]


@dataclass(frozen=True)
class Outline:
    sections: tuple[SectionOutline, ...]
    documents: dict[str, dict[str, str]] = field(default_factory=dict)  # metadata per document id
    chunks: dict[str, Chunk] = field(default_factory=dict)  # by chunk id

    def meta(self, chunk: Chunk) -> dict[str, str]:
        return self.documents.get(chunk.doc, {})

    @property
    def several(self) -> bool:
        """More than one document: citations must then name theirs."""
        return len(self.documents) > 1

    def cite(self, chunk: Chunk) -> str:
        """The citation as the chat shows it: naming the document when there are several."""
        return chunk.full_citation if self.several else chunk.citation

    def title(self, doc: str) -> str:
        return self.documents.get(doc, {}).get("title", doc)


def build_outline(
    chunks: list[Chunk],
    people: dict[tuple[str, str], tuple[Person, ...]],
    documents: dict[str, dict[str, str]],
) -> Outline:
    """Group ``chunks`` (in reading order) into sections; ``people`` is keyed by (document, section label)."""
    order: dict[tuple[str, str], list[Chunk]] = {}
    for chunk in chunks:
        order.setdefault((chunk.doc, chunk.section_label), []).append(chunk)
    sections = []
    for (doc, label), members in order.items():
        firsts = [c for c in members if c.part == 1]
        sections.append(
            SectionOutline(
                doc=doc,
                label=label,
                title=members[0].section_title,
                people=people.get((doc, label), ()),
                paragraphs=tuple(c for c in firsts if c.kind == "paragraph"),
                recommendations=tuple(c for c in firsts if c.kind == "recommendation"),
            )
        )
    return Outline(tuple(sections), documents, {c.id: c for c in chunks})


def load_outline(chunks: list[Chunk], settings: Settings) -> Outline:
    """The outline of an opened index, with people and metadata read from the corpus folder."""
    from .documents import BadDocument, parse_document

    people: dict[tuple[str, str], tuple[Person, ...]] = {}
    documents: dict[str, dict[str, str]] = {}
    indexed = {c.doc for c in chunks}
    for document in load_documents(settings.corpus_dir):
        if document.id not in indexed:
            continue
        documents[document.id] = {"title": document.title, **document.meta}
        try:
            parsed = parse_document(document, settings.max_document_bytes)
        except BadDocument:
            continue  # refused at build too: it has no chunks
        for section in parsed.report.sections:
            if section.people:
                people[(document.id, section.label)] = tuple(section.people)
    return build_outline(chunks, people, documents)


def reference(chunk: Chunk, meta: dict[str, str]) -> str:
    """A ready-to-paste reference: organisation, "title", kind, place, date, then the citation."""
    parts = [meta.get("organiser_short") or meta.get("organiser") or ""]
    title = meta.get("title")
    parts.append(f'"{title}"' if title else chunk.doc)
    parts += [meta.get("kind", ""), meta.get("place", ""), meta.get("date", ""), chunk.citation]
    return ", ".join(part for part in parts if part)
