"""Build the index from the corpus, and open it only when it matches the corpus, parser and model."""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np

from . import ann, multilingual
from .acronyms import find_acronyms, find_implicit_acronyms
from .chunking import chunk_report
from .config import PARSER_VERSION, Settings
from .corpus import corpus_hash, load_documents
from .embedding import Embedder
from .errors import IndexMissing, IndexStale
from .records import Chunk
from .report import parse_report
from .retrieval import unit_owners, unit_vectors
from .sentences import sentence_spans
from .store import Index, check_fresh, load_index, read_manifest, save_index

BATCH = 16  # texts per forward pass when building: measured fastest with length-sorted batches


def parse_corpus(settings: Settings) -> tuple[list[Chunk], dict[str, str]]:
    """Chunks of every document, and the acronyms the documents define."""
    chunks: list[Chunk] = []
    acronyms: dict[str, str] = {}
    for document in load_documents(settings.corpus_dir):
        report = parse_report(document.text)
        paragraphs = [p.text for s in report.sections for p in s.paragraphs]
        defined = find_acronyms("\n".join(paragraphs))
        acronyms.update({**find_implicit_acronyms(paragraphs, defined), **defined})
        chunks.extend(chunk_report(report, document.id, settings.chunk_max_chars))
    return chunks, acronyms


def identity(settings: Settings, embedder_name: str, weights_sha256: str) -> dict[str, Any]:
    """What an index must have been built from to be served."""
    return {
        "corpus_sha256": corpus_hash(settings.corpus_dir),
        "parser_version": PARSER_VERSION,
        "model": embedder_name,
        "model_sha256": weights_sha256,
        "multilingual_model": multilingual.NAME if multilingual.available() else None,
    }


def _encode_with_progress(embedder: Embedder, texts: list[str], label: str, show: bool) -> np.ndarray:
    """Vectors of ``texts`` in their order, encoded longest first in batches of similar length:
    a batch is padded to its longest text, so mixing lengths wastes a third of the work here."""
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    batches = [order[i : i + BATCH] for i in range(0, len(order), BATCH)]
    vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    for number, batch in enumerate(batches, start=1):
        vectors[batch] = embedder.encode([texts[i] for i in batch])
        if show:
            done = int(30 * number / len(batches))
            print(f"\r{label} [{'#' * done}{'.' * (30 - done)}] {number}/{len(batches)}", end="", file=sys.stderr)
    if show and batches:
        print(file=sys.stderr)
    return vectors


def build_index(settings: Settings, embedder: Embedder, *, show_progress: bool = True) -> Index:
    """Parse, chunk, embed and save; returns the new live index."""
    started = time.perf_counter()
    chunks, acronyms = parse_corpus(settings)
    parsed = time.perf_counter()
    vectors = _encode_with_progress(embedder, [c.embed_text for c in chunks], "Embedding passages", show_progress)
    spans = [sentence_spans(c.text) for c in chunks]
    sentences = [c.text[s:e] for c, chunk_spans in zip(chunks, spans, strict=True) for s, e in chunk_spans]
    passages_done = time.perf_counter()
    sentence_vectors = _encode_with_progress(embedder, sentences, "Embedding sentences", show_progress)
    extra = {"sentences": sentence_vectors}
    sentences_done = time.perf_counter()
    translator = multilingual.load(settings.torch_threads)
    if translator is not None:
        extra["multilingual"] = _encode_with_progress(
            translator, [c.text for c in chunks], "Embedding passages (multilingual)", show_progress
        )
    embedded = time.perf_counter()
    manifest = {
        **identity(settings, embedder.name, embedder.weights_sha256),
        "dimension": int(vectors.shape[1]),
        "count": len(chunks),
        "acronyms": acronyms,
        "sentence_counts": [len(chunk_spans) for chunk_spans in spans],
        "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    index = Index(chunks, vectors, manifest, extra)
    if ann.approximate(len(unit_owners(index))):  # slow to rebuild at every start: saved with the build
        index.units_index = ann.make_vector_index(unit_vectors(index))
    save_index(settings.index_dir, index)
    written = time.perf_counter()
    index.manifest["timings"] = {
        "parse_s": parsed - started,
        "embed_s": embedded - parsed,
        "embed_passages_s": passages_done - parsed,
        "embed_sentences_s": sentences_done - passages_done,
        "embed_multilingual_s": embedded - sentences_done,
        "write_s": written - embedded,
    }
    return index


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
        return build_index(settings, embedder, show_progress=show_progress)
    index = load_index(settings.index_dir)
    check_fresh(index.manifest, identity(settings, embedder.name, embedder.weights_sha256))
    return index
