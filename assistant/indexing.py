"""Build the index from the corpus, and open it only when it matches the corpus, parser and model."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import ann, multilingual
from .acronyms import find_acronyms, find_implicit_acronyms
from .chunking import chunk_report
from .config import PARSER_VERSION, RARE_PHRASE_SHARE, Settings
from .corpus import corpus_hash, load_documents, unsupported_paths
from .crosslingual import rare_phrases, report_names, report_phrases, report_words
from .documents import BadDocument, ParsedDocument, parse_document
from .embedding import Embedder
from .errors import CorpusError, IndexMissing, IndexStale
from .records import Chunk
from .retrieval import unit_owners, unit_vectors
from .sentences import sentence_spans
from .store import Index, check_fresh, load_index, read_manifest, save_index
from .structure import INTENT_WORDS, topic_pairs
from .vectorcache import VectorCache, cache_key

BATCH = 16  # texts per forward pass when building: measured fastest with length-sorted batches


@dataclass
class ParsedCorpus:
    """What the corpus folder yields: chunks of every readable document, and the refused files."""

    chunks: list[Chunk]
    acronyms: dict[str, str]
    documents: list[dict[str, Any]]  # per document: id, title, file, strategy, pages, chunks
    rejected: list[dict[str, str]]  # per refused file: file, reason
    chunks_by_doc: dict[str, list[Chunk]] = field(default_factory=dict)


def _unique_titles(parsed: list[ParsedDocument]) -> list[str]:
    """Each document's short title; two documents with the same one are told apart by file name."""
    titles = [p.document.short_title for p in parsed]
    return [t if titles.count(t) == 1 else f"{t} ({p.document.path.name})" for t, p in zip(titles, parsed, strict=True)]


def parse_corpus(settings: Settings) -> ParsedCorpus:
    """Parse every document; a file that cannot be indexed is refused with its reason, not fatal."""
    parsed: list[ParsedDocument] = []
    rejected: list[dict[str, str]] = []
    for document in load_documents(settings.corpus_dir):
        try:
            parsed.append(parse_document(document, settings.max_document_bytes))
        except BadDocument as bad:
            rejected.append({"file": bad.path.name, "reason": str(bad)})
    for path in unsupported_paths(settings.corpus_dir):
        reason = f"{path.name}: only .txt, .md and .pdf files are read (save it as one, then `assistant add` it)."
        rejected.append({"file": path.name, "reason": reason})
    if not parsed:
        reasons = " ".join(item["reason"] for item in rejected)
        raise CorpusError(f"No document in {settings.corpus_dir} could be indexed. {reasons}", "Fix or replace them.")
    corpus = ParsedCorpus([], {}, [], rejected)
    for item, title in zip(parsed, _unique_titles(parsed), strict=True):
        report = item.report
        paragraphs = [p.text for s in report.sections for p in s.paragraphs]
        defined = find_acronyms("\n".join(paragraphs))
        corpus.acronyms.update({**find_implicit_acronyms(paragraphs, defined), **defined})
        chunks = chunk_report(
            report, item.document.id, settings.chunk_max_chars, title=title, page_starts=item.page_starts
        )
        corpus.chunks.extend(chunks)
        corpus.chunks_by_doc[item.document.id] = chunks
        corpus.documents.append(
            {
                "id": item.document.id,
                "title": title,
                "full_title": item.document.title,
                "file": item.document.path.name,
                "strategy": item.strategy,
                "pages": item.page_count,
                "chunks": len(chunks),
                **{k: item.document.meta[k] for k in ("organisation", "date") if k in item.document.meta},
            }
        )
    return corpus


def identity(settings: Settings, embedder_name: str, weights_sha256: str) -> dict[str, Any]:
    """What an index must have been built from to be served."""
    return {
        "corpus_sha256": corpus_hash(settings.corpus_dir, settings.max_document_bytes),
        "max_document_mb": settings.max_document_mb,
        "parser_version": PARSER_VERSION,
        "model": embedder_name,
        "model_sha256": weights_sha256,
        "multilingual_model": multilingual.NAME if multilingual.available() else None,
    }


def _encode_with_progress(embedder: Embedder, texts: list[str], label: str, show: bool, dimension: int) -> np.ndarray:
    """Vectors of ``texts`` in their order, encoded longest first in batches of similar length:
    a batch is padded to its longest text, so mixing lengths wastes a third of the work here."""
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    batches = [order[i : i + BATCH] for i in range(0, len(order), BATCH)]
    vectors = np.zeros((len(texts), dimension), dtype=np.float32)
    bar = show and sys.stderr.isatty()  # a log file gets one line, not hundreds of redraws
    if show and not bar and batches:
        print(f"{label}: {len(texts)} texts", file=sys.stderr)
    for number, batch in enumerate(batches, start=1):
        vectors[batch] = embedder.encode([texts[i] for i in batch])
        if bar:
            done = int(30 * number / len(batches))
            print(f"\r{label} [{'#' * done}{'.' * (30 - done)}] {number}/{len(batches)}", end="", file=sys.stderr)
    if bar and batches:
        print(file=sys.stderr)
    return vectors


def _texts(chunks: list[Chunk], with_multilingual: bool) -> dict[str, list[str]]:
    """What is embedded for these chunks, by array name."""
    texts = {
        "passages": [c.embed_text for c in chunks],
        "sentences": [c.text[s:e] for c in chunks for s, e in sentence_spans(c.text)],
    }
    if with_multilingual:
        texts["multilingual"] = [c.text for c in chunks]
        # The report's words, those the section intent reads ("fourth", "rapporteur"), and its
        # two-word phrases ("money laundering"), for a word that matches no single one.
        words = set(report_words(c.text for c in chunks)) | INTENT_WORDS
        texts["lexicon"] = sorted(words | set(report_phrases(c.text for c in chunks)))
    return texts


@dataclass
class Embedded:
    """What :func:`_embed` made: arrays by name, in chunk order ("passages", "sentences", maybe
    "multilingual", and "lexicon", the vectors of ``words``, the report's words document by
    document), and the ids of the documents whose vectors were reused from the cache."""

    arrays: dict[str, np.ndarray]
    reused: list[str]
    words: list[str]


def _embed(
    corpus: ParsedCorpus, settings: Settings, embedder: Embedder, show: bool, spent: dict[str, float]
) -> Embedded:
    """Vectors of every chunk (and of the report's words), reusing those of unchanged documents."""
    with_multilingual = multilingual.available()
    models = [embedder.name, embedder.weights_sha256, multilingual.NAME if with_multilingual else None]
    cache = VectorCache(settings.index_dir / "cache")
    dimensions = {"passages": embedder.dimension, "sentences": embedder.dimension}
    if with_multilingual:
        dimensions["multilingual"] = multilingual.MultilingualEmbedder.dimension
        dimensions["lexicon"] = multilingual.MultilingualEmbedder.dimension
    found: dict[str, dict[str, np.ndarray]] = {}
    keys: dict[str, str] = {}
    missing: dict[str, dict[str, list[str]]] = {}
    texts_by_doc = {doc: _texts(chunks, with_multilingual) for doc, chunks in corpus.chunks_by_doc.items()}
    for doc, texts in texts_by_doc.items():
        keys[doc] = cache_key(models, texts)
        cached = cache.get(keys[doc], {name: len(t) for name, t in texts.items()}, dimensions)
        if cached is None:
            missing[doc] = texts
        else:
            found[doc] = cached
    if missing:
        labels = {"passages": "Embedding passages", "sentences": "Embedding sentences"}
        encoders: dict[str, Embedder] = {"passages": embedder, "sentences": embedder}
        if with_multilingual:
            multilingual_model = multilingual.load(settings.torch_threads)
            if multilingual_model is not None:
                encoders["multilingual"] = encoders["lexicon"] = multilingual_model
                labels["multilingual"] = "Embedding passages (multilingual)"
                labels["lexicon"] = "Embedding the report's words (multilingual)"
        for name, encoder in encoders.items():
            flat = [text for texts in missing.values() for text in texts[name]]
            started = time.perf_counter()
            vectors = _encode_with_progress(encoder, flat, labels[name], show, dimensions[name])
            spent[name] = time.perf_counter() - started
            offset = 0
            for doc, texts in missing.items():
                found.setdefault(doc, {})[name] = vectors[offset : offset + len(texts[name])]
                offset += len(texts[name])
        for doc in missing:
            cache.put(keys[doc], found[doc])
    cache.keep_only(set(keys.values()))
    order = list(corpus.chunks_by_doc)
    arrays = {name: np.vstack([found[doc][name] for doc in order]) for name in dimensions}
    words = [w for doc in order for w in texts_by_doc[doc].get("lexicon", [])]
    return Embedded(arrays, [doc for doc in order if doc not in missing], words)


def build_index(settings: Settings, embedder: Embedder, *, show_progress: bool = True) -> Index:
    """Parse, chunk, embed (only what changed) and save; returns the new live index."""
    started = time.perf_counter()
    corpus = parse_corpus(settings)
    chunks = corpus.chunks
    parsed = time.perf_counter()
    spent: dict[str, float] = {}
    made = _embed(corpus, settings, embedder, show_progress, spent)
    arrays, reused = made.arrays, made.reused
    vectors = arrays.pop("passages")
    embedded = time.perf_counter()
    manifest = {
        **identity(settings, embedder.name, embedder.weights_sha256),
        "dimension": int(vectors.shape[1]),
        "count": len(chunks),
        "acronyms": corpus.acronyms,
        "section_topics": topic_pairs({c.section_label: c.section_title for c in chunks}, [c.text for c in chunks]),
        "sentence_counts": [len(sentence_spans(c.text)) for c in chunks],
        "lexicon": made.words,  # the words behind the "lexicon" vectors, in their order
        # Its names, for spelling a Cyrillic name in Latin letters: made here, not at each start.
        "names": sorted(report_names(c.text for c in chunks)) if made.words else [],
        # Its phrases few passages use: one found for a question anchors it as a name does.
        "rare_phrases": rare_phrases([c.text for c in chunks], RARE_PHRASE_SHARE) if made.words else [],
        "documents": corpus.documents,
        "rejected": corpus.rejected,
        "reused_documents": reused,
        "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    index = Index(chunks, vectors, manifest, arrays)
    if ann.approximate(len(unit_owners(index))):  # slow to rebuild at every start: saved with the build
        index.units_index = ann.make_vector_index(unit_vectors(index))
    save_index(settings.index_dir, index)
    written = time.perf_counter()
    index.manifest["timings"] = {
        "parse_s": parsed - started,
        "embed_s": embedded - parsed,
        "embed_passages_s": spent.get("passages", 0.0),
        "embed_sentences_s": spent.get("sentences", 0.0),
        "embed_multilingual_s": spent.get("multilingual", 0.0),
        "embed_lexicon_s": spent.get("lexicon", 0.0),
        "write_s": written - embedded,
    }
    return index


def rejected_messages(manifest: dict[str, Any]) -> list[str]:
    """One line per corpus file the index left out, naming it and saying why."""
    return [f"Skipped {item['reason']}" for item in manifest.get("rejected", [])]


def index_status(settings: Settings, embedder_name: str, weights_sha256: str) -> str:
    """The index's state: "fresh", "missing" or "stale"; a corrupt manifest raises IndexCorrupt."""
    try:
        check_fresh(read_manifest(settings.index_dir), identity(settings, embedder_name, weights_sha256))
    except IndexMissing:
        return "missing"
    except IndexStale:
        return "stale"
    return "fresh"


def open_index(settings: Settings, embedder: Embedder, *, rebuild: bool = True, show_progress: bool = True) -> Index:
    """The live index, rebuilt first when missing or stale (if ``rebuild``); corrupt ones raise."""
    status = index_status(settings, embedder.name, embedder.weights_sha256)
    if status != "fresh":
        if not rebuild:
            hint = "Run: assistant build"
            if status == "missing":
                raise IndexMissing(f"No index found in {settings.index_dir}.", hint)
            raise IndexStale(f"The index in {settings.index_dir} is stale (corpus, parser or model changed).", hint)
        if show_progress:
            print(f"Index {status} in {settings.index_dir}: building it now.", file=sys.stderr)
        index = build_index(settings, embedder, show_progress=show_progress)
    else:
        index = load_index(settings.index_dir)
        check_fresh(index.manifest, identity(settings, embedder.name, embedder.weights_sha256))
    if show_progress:
        for message in rejected_messages(index.manifest):
            print(f"Warning: {message}", file=sys.stderr)
    return index
