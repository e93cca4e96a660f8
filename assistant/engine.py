"""The one entry point: a question in, ranked and cited passages out (or an honest abstention)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

import numpy as np

from . import acronyms, multilingual, onnxrt, rerank, spelling
from .abstain import AbstainRule
from .asked import gives_what_is_asked
from .citations import missing_citation
from .config import Settings, load_settings
from .crosslingual import WordTranslator, bare_follow_up, looks_english, report_names
from .embedding import Embedder, encode_query
from .errors import IndexCorrupt, UnknownDocument, UnknownSection
from .evidence import SentenceIndex, role_sentence
from .focus import is_plain_question, question_focus
from .followup import Turn, asks_for_more, asks_where, asks_who_said, resolve
from .indexing import index_status, open_index, rejected_messages
from .lexical import tokenize
from .questions import clean_question, mostly_latin
from .records import Answer, Hit
from .retrieval import RankingWeights, Retriever, Scored, zscore
from .scope import Asked, Scope, Verdict
from .store import REBUILD_HINT, Index
from .structure import QueryIntent


def load_embedder(settings: Settings) -> Embedder:
    """ONNX Runtime alone when the index is fresh and the exported graph passes its sidecar's
    gate (no torch import: a faster, smaller server); else torch's MiniLM, which builds the index
    and exports the graph when needed."""
    embedder = onnxrt.query_embedder(
        settings.onnx_dir,
        settings.torch_threads,
        lambda name, sha256: index_status(settings, name, sha256) == "fresh",
    )
    if embedder is not None:
        return embedder
    from .embedding import MiniLMEmbedder

    return MiniLMEmbedder(threads=settings.torch_threads, onnx_dir=settings.onnx_dir)


# Asked for more when the passages shown were all the report has on the topic.
NOTHING_MORE = "The report has nothing more on “{}” than the passages shown before."


def _listed(labels: frozenset[str]) -> str:
    return ", ".join(sorted(labels))


def _first(scored: list[Scored], wanted: Callable[[int], bool]) -> list[Scored]:
    """``scored`` with the passages whose position is ``wanted`` moved ahead, each part in its order."""
    return [s for s in scored if wanted(s.position)] + [s for s in scored if not wanted(s.position)]


def _shortened(words: str, most: int = 40) -> str:
    """At most ``most`` words: a note, not a second copy of a long question."""
    parts = words.split()
    return " ".join(parts[:most]) + (" …" if len(parts) > most else "")


def model_text(text: str) -> str:
    """A text as both models read it: their tokenizers are uncased and split on white space (a
    test checks it), so "What is THB?" and "what is  thb?" share a vector and verdicts."""
    return " ".join(text.split()).lower()


@dataclass(frozen=True)
class Reading:
    """How one question is searched (see ``Assistant._read``)."""

    text: str  # the question as asked, or in English with a previous turn's context
    searched: str  # what the English-only parts read: ``text``, or the report's words found for it
    english: bool
    latin: bool  # mostly Latin letters
    dense: np.ndarray | None  # multilingual cosines, for a question in another language
    floor: float  # the abstention rule's cosine floor
    notes: list[str] = field(default_factory=list)
    words: str = ""  # the report's words found for a question in another language
    follow_up: bool = False
    intent: QueryIntent | None = None  # of ``searched``, when already known (not worked out twice)


class Assistant:
    def __init__(
        self,
        index: Index,
        embedder: Embedder,
        settings: Settings | None = None,
        *,
        weights: RankingWeights | None = None,
        abstain: AbstainRule | None = None,
        reranker: rerank.Reranker | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self.index = index
        self.embedder = embedder
        self.retriever = Retriever(index, embedder, weights)
        self.sentences = SentenceIndex(index.chunks, index.extra_vectors.get("sentences"))
        self.abstain_rule = abstain or AbstainRule()
        # Several documents are indexed: citations then name the document. Known once, not per question.
        self.names_documents = len({c.doc for c in index.chunks}) > 1
        self.multilingual_vectors = index.extra_vectors.get("multilingual")
        self.multilingual = (
            multilingual.load(self.settings.torch_threads) if self.multilingual_vectors is not None else None
        )
        self.translator = self._word_translator(index) if self.multilingual is not None else None
        self.reranker = reranker
        self.scope = Scope(
            index.chunks,
            index.vectors,
            self.retriever.lexical.vocabulary,
            self.abstain_rule,
            self.names_documents,
            self.retriever.lexical.acronyms,
        )
        self.names, self.facts = self.scope.names, self.scope.facts
        self.speller = (
            spelling.Speller((c.text for c in index.chunks), self.retriever.lexical.vocabulary)
            if spelling.available()
            else None
        )
        # A room asks the same questions: identical dense queries reuse their vector, and identical
        # candidate lists their re-ranking, whatever their case and spacing (``model_text``).
        size = self.settings.query_cache_size
        self._cached_vector = lru_cache(maxsize=size)(self._encode_query) if size > 0 else self._encode_query
        self._cached_relevance = lru_cache(maxsize=size)(self._judge) if size > 0 else self._judge

    @classmethod
    def open(
        cls, settings: Settings | None = None, *, embedder: Embedder | None = None, rebuild: bool = True
    ) -> Assistant:
        """Load the model and the index (building the index first when missing or stale)."""
        settings = settings or load_settings()
        if embedder is None:
            embedder = load_embedder(settings)
        index = open_index(settings, embedder, rebuild=rebuild)
        reranker = rerank.load(settings.torch_threads) if settings.rerank else None
        return cls(index, embedder, settings, reranker=reranker)

    @property
    def section_labels(self) -> list[str]:
        return list(dict.fromkeys(c.section_label for c in self.index.chunks))

    @property
    def document_titles(self) -> list[str]:
        """The indexed documents' short titles, in corpus order (for a document filter)."""
        return list(dict.fromkeys(c.doc_title or c.doc for c in self.index.chunks))

    @property
    def rejected_documents(self) -> list[str]:
        """One line per corpus file left out of the index, naming it and saying why."""
        return rejected_messages(self.index.manifest)

    @cached_property
    def _document_names(self) -> dict[str, str]:
        """Each document's short title, full title, file name and id, case-folded, to its id: made once."""
        known: dict[str, str] = {}
        for item in self.index.manifest.get("documents", []):
            for name in (item.get("id"), item.get("title"), item.get("full_title"), item.get("file")):
                if name:
                    known[str(name).casefold()] = item["id"]
        for chunk in self.index.chunks:
            known.setdefault(chunk.doc.casefold(), chunk.doc)
            if chunk.doc_title:
                known.setdefault(chunk.doc_title.casefold(), chunk.doc)
        return known

    @cached_property
    def _document_titles(self) -> dict[str, str]:
        """Each document's id to the title its citations and the Document menu use."""
        return {c.doc: c.doc_title or c.doc for c in self.index.chunks}

    def document_ids(self, names: list[str]) -> frozenset[str]:
        """Document ids for names given as short title, full title, file name or id (any case)."""
        known = self._document_names
        ids = set()
        for name in names:
            if name.strip().casefold() not in known:
                choices = "; ".join(self.document_titles)
                raise UnknownDocument(f"No indexed document is called {name!r}.", f"Documents: {choices}.")
            ids.add(known[name.strip().casefold()])
        return frozenset(ids)

    @cached_property
    def _section_names(self) -> dict[str, str]:
        """Each section's label and full heading, case-folded, to its label: made once, as a
        filtered question is resolved on every ask (twice for "which panel was that in?")."""
        known: dict[str, str] = {}
        for chunk in self.index.chunks:
            known.setdefault(chunk.section_label.casefold(), chunk.section_label)
            known.setdefault(chunk.section_title.casefold(), chunk.section_label)
        return known

    def sections_named(self, names: list[str]) -> frozenset[str]:
        """Section labels for names given as label or full heading, in any case ("panel 2"); a
        name matching none raises UnknownSection listing them: a filter that matches nothing
        would otherwise search nothing and say the report does not address the question."""
        labels = set()
        for name in names:
            label = self._section_names.get(name.strip().casefold())
            if label is None:
                choices = "; ".join(self.section_labels)
                raise UnknownSection(f"No section is called {name!r}.", f"Sections: {choices}.")
            labels.add(label)
        return frozenset(labels)

    def ask(
        self,
        question: str,
        *,
        k: int | None = None,
        sections: list[str] | None = None,
        documents: list[str] | None = None,
        previous: Turn | None = None,
        timings: dict[str, float] | None = None,
    ) -> Answer:
        """Top ``k`` passages for ``question``; raises InvalidQuestion for empty or overlong input.

        ``sections`` (labels) and ``documents`` (titles, file names or ids; UnknownDocument when
        one is not indexed) restrict the search; by default it covers every document.
        ``previous`` is the last turn of a conversation: a follow-up is searched with its context.
        ``timings``, when given, receives seconds spent in "embed", "search", "ranking" and "rerank".
        """
        only_documents = self.document_ids(documents) if documents else None
        started = time.perf_counter()
        asked = clean_question(question, self.settings.max_question_chars)
        k = min(max(1, k or self.settings.top_k), 50)
        only = self.sections_named(sections) if sections else None
        asks_place = previous is not None and asks_where(asked)
        if previous is not None and (asks_place or asks_who_said(asked)):
            # About the passage just read, not a new topic: the previous answer (cached), again.
            again = self._asked_again(previous, k, sections, documents, timings)
            about = None
            if again is not None:
                about = self._located(asked, again) if asks_place else self._attributed(asked, again, k)
            if about is not None:
                return about
        as_typed = asked
        mended = self._mended(asked)
        asked = mended.text
        reading = self._read(asked, previous)
        text, searched, dense = reading.text, reading.searched, reading.dense
        notes = list(reading.notes)
        query_vector: np.ndarray | None = None
        also_dense: np.ndarray | None = None
        if dense is None or searched != text:  # English, or the report's words found for another language
            query_vector = self._query_vector(self.retriever.dense_query(searched))
        if dense is not None and query_vector is not None:
            also_dense = self.retriever.dense_scores(query_vector)
        if timings is not None:
            timings["embed"] = time.perf_counter() - started
        candidates = self.settings.rerank_candidates if self.reranker is not None else 0
        left_out: tuple[str, ...] = ()
        if previous is not None and reading.follow_up and asks_for_more(asked):
            # "Tell me more": the next passages on the previous topic; those shown are not news.
            left_out = previous.shown or (previous.passage,)
        scored, intent = self.retriever.rank(
            searched,
            query_vector=query_vector,
            dense=dense,
            also_dense=also_dense,
            only_sections=only,
            only_documents=only_documents,
            limit=max(k, 10, candidates) + len(left_out),
            intent=reading.intent,
            timings=timings,
        )
        if left_out:
            scored = [s for s in scored if self.index.chunks[s.position].id not in left_out]
        # "What is this report about?": its opening sections, in reading order, answer it; no
        # passage shares its words, so neither the cross-encoder nor a cosine can judge it.
        opening_sections = (
            reading.intent.sections if reading.intent is not None and reading.intent.about_whole and not only else None
        )
        if opening_sections is not None:
            opening, _ = self.retriever.rank(
                searched,
                query_vector=query_vector,
                only_sections=opening_sections,
                only_documents=only_documents,
                limit=k,
            )
            opening.sort(key=lambda s: s.position)
            first_positions = {s.position for s in opening}
            scored = opening + [s for s in scored if s.position not in first_positions]
            candidates = 0
        first_stage = scored
        # What the cross-encoder reads: the asking part of an English message (not a follow-up,
        # whose searched text carries the previous turn's words on purpose).
        focus = question_focus(asked) if reading.english and not reading.follow_up else searched
        if (reading.english or searched != text) and candidates > 1 and len(scored) > 1:
            reranking = time.perf_counter()
            scored = self._reranked(focus, scored, candidates)
            if timings is not None:
                timings["rerank"] = time.perf_counter() - reranking
        if intent.wants_people and intent.by_number:
            # "Who was the moderator of the first panel?": the list of that panel's people answers
            # it; the cross-encoder put Panel 3's first, whose moderator sentence reads the same.
            # Only for a panel named by its number: a session named by its topic may be another.
            chunks = self.index.chunks
            scored = _first(
                scored,
                lambda i: self.retriever.lists_people(i) and chunks[i].section_label in intent.by_number,
            )
        cites = False
        cited = self.retriever.cited(intent)
        no_such = missing_citation(intent, self.index.chunks, cited, self.names_documents)
        if intent.numbered:
            # "What does Panel 4, Recommendation 10 say?": the passage cited comes first, whatever
            # the cross-encoder makes of a question that is only a citation, and it answers.
            scored = _first(scored, lambda i: bool(cited[i]))
            cites = bool(scored) and bool(cited[scored[0].position])
        ranked = time.perf_counter()
        names_document = self.names_documents
        query_tokens = set(tokenize(searched))
        gives = gives_what_is_asked(asked) if reading.english else None
        # A question that names its sections ("Who moderated Panel 3?") is answered only there: a
        # sentence marked in another section's passage ("This panel was moderated by Laura
        # Germino", Panel 4) would read as the answer. Such passages are shown unmarked.
        named = intent.sections if not intent.about_whole else None
        naming = self._names_person(asked) if reading.english else None
        prefer = role_sentence(f"{asked} {searched}")  # as typed, and in the report's words
        hits = [
            Hit(
                chunk=(chunk := self.index.chunks[s.position]),
                score=s.score,
                rank=rank,
                evidence=(
                    self.sentences.best(s.position, query_vector, query_tokens, gives, naming, prefer)
                    if not named or chunk.section_label in named
                    else ()
                ),
                names_document=names_document,
                relevance=s.relevance,
            )
            for rank, s in enumerate(scored[:k], start=1)
        ]
        if dense is not None:
            # Judged on the multilingual model's own order, on which its floor was set, and over
            # every section: its cosines are low for short questions, and a section filter made
            # answered ones abstain. The English words found move other passages up.
            first_stage, _ = self.retriever.rank(text, dense=dense, only_documents=only_documents, limit=10)
        verdict = (
            Verdict(True, "", [no_such])  # "Panel 1, Recommendation 15" of fourteen: none shown is it
            if no_such is not None
            else Verdict()
            if opening_sections is not None or cites
            else self.scope.judge(
                Asked(
                    text,
                    focus,
                    reading.english,
                    reading.floor,
                    query_vector,
                    plain=reading.english and not reading.follow_up and is_plain_question(asked),
                ),
                first_stage,
                scored,
            )
        )
        if verdict.abstained or verdict.loose:
            # A sentence marked in a passage that does not answer, or not closely, would read as the
            # answer: in the chat, and in the source viewer's highlight and ready-to-paste quotation.
            hits = [replace(hit, evidence=()) for hit in hits]
        if verdict.abstained and (only or only_documents) and not left_out:
            # Only part of the report was searched: "the report does not appear to address this"
            # would be said of the rest too ("What is the Golden Dreams app?" under a Panel 2 filter
            # left on from an earlier question; Panel 4 answers it).
            verdict = replace(verdict, notes=[self._scoped_heading(only, only_documents), *verdict.notes[1:]])
        if left_out and previous is not None and verdict.abstained:
            # "Tell me more" when the passages shown were all the report has on it.
            verdict = replace(verdict, notes=[NOTHING_MORE.format(_shortened(previous.asked, 25))])
        notes[0:0] = verdict.notes
        if opening_sections is not None:
            whole_of = "the documents" if self.names_documents else "the report"
            notes.append(f"Read as a question on {whole_of} as a whole: {_listed(opening_sections)}, in order.")
        elif reading.english or not reading.latin:  # in Cyrillic, a word in Latin capitals is a name ("Brexit")
            missing = self.names.unknown(asked)
            if reading.english and not reading.follow_up:
                missing += [w for w in self.scope.unused_topic(focus) if w not in missing]
            if missing:
                where = "the documents" if names_document else "the report"
                unmentioned = ", ".join(self._with_name_like(word) for word in missing)
                notes.append(f"Not mentioned anywhere in {where}: {unmentioned}.")
        meaning = acronyms.asked_meaning(asked, self.retriever.lexical.acronyms) if reading.english else None
        if meaning:
            notes.insert(len(verdict.notes), meaning)
        if reading.words:
            notes.append(f"Matched with the report's English words: {_shortened(reading.words)}")
        if only and intent.sections and not intent.sections <= only:
            # "What did Panel 4 recommend?" asked with Search in left on Panel 2.
            left = _listed(intent.sections - only)
            notes.append(f"The question names {left}, which this search left out: search all sections to include it.")
        if only or only_documents:
            # A filter left on from an earlier question silently changes the answer: say it.
            notes.append(self._filter_note(only, only_documents))
        if mended.fixes:
            notes.append("Read with its spelling mended: " + ", ".join(f"{a} → {b}" for a, b in mended.fixes) + ".")
        if reading.follow_up and previous is not None and not (left_out and verdict.abstained):
            notes.append(self._follow_up_note(previous, len(left_out)))
        if timings is not None:
            timings["ranking"] = timings.get("ranking", 0.0) + time.perf_counter() - ranked
        return Answer(
            question=as_typed,
            hits=hits,
            abstained=verdict.abstained,
            notes=notes,
            search_query=searched,
            matched_words=reading.words,
            lacking=verdict.lacking,
            left_out=left_out,
        )

    @cached_property
    def _report_names(self) -> frozenset[str]:
        """The report's proper names, lower case ("bob", "mitchell", "accorhotels"): made at the
        first question that may name someone (the index keeps them only with the multilingual extra)."""
        kept = self.index.manifest.get("names")
        return frozenset(kept) if kept else report_names(c.text for c in self.index.chunks)

    def _names_person(self, asked: str) -> Callable[[str], bool] | None:
        """For a question naming someone or something by a name the report uses ("Who is Bob
        Mitchell?"), what tells a sentence naming them; None when it names no one."""
        words = re.findall(r"[^\W\d_]+", asked)
        names = {w.lower() for w in words if w[0].isupper() and not w.isupper() and w.lower() in self._report_names}
        if not names:
            return None
        pattern = re.compile(r"(?i)\b(?:" + "|".join(sorted(map(re.escape, names))) + r")\b")
        return lambda sentence: bool(pattern.search(sentence))

    def _with_name_like(self, word: str) -> str:
        """``word``, with the report's name it may be a slip for: "AccorHotles (the report has AccorHotels)"."""
        near = self.speller.name_like(word) if self.speller is not None else None
        return f"{word} (the report has {near})" if near else word

    def _documents_listed(self, documents: frozenset[str] | None) -> str:
        """The documents' titles as the Document menu shows them ("" for none)."""
        titles = self._document_titles
        return _listed(frozenset(titles.get(d, d) for d in documents)) if documents else ""

    def _scoped_heading(self, sections: frozenset[str] | None, documents: frozenset[str] | None) -> str:
        """ "Does not appear to address this", said only of the part of the report that was searched."""
        parts = [_listed(sections)] if sections else []
        if documents:
            parts.append(self._documents_listed(documents))
        searched = " of ".join(parts)
        several = (len(sections) if sections else len(documents or ())) > 1
        verb = "do" if several else "does"
        return f"{searched} {verb} not appear to address this. The closest passages there are shown below."

    def _filter_note(self, sections: frozenset[str] | None, documents: frozenset[str] | None) -> str:
        """What a section or document filter left out, in the words of the menus that set it."""
        named = self._documents_listed(documents)
        if sections and named:
            return f"Searched only in {_listed(sections)} of {named}: the rest was left out."
        if named:
            return f"Searched only in {named}: the other documents were left out."
        rest = "every other section of the documents" if self.names_documents else "the rest of the report"
        return f"Searched only in {_listed(sections or frozenset())}: {rest} was left out."

    @staticmethod
    def _follow_up_note(previous: Turn, left_out: int) -> str:
        """Which question a follow-up was read with ("Read as a follow-up to “Who moderated Panel
        4?” (Panel 4)."), and for "tell me more", that the passages shown already are left out."""
        asked = _shortened(previous.asked, 25)
        if left_out:
            shown = "the passage" if left_out == 1 else f"the {left_out} passages"
            return f"More on “{asked}”: {shown} shown before left out, the next closest below."
        return f"Read as a follow-up to “{asked}” ({previous.section})."

    def _mended(self, asked: str) -> spelling.Mended:
        """``asked`` with its typing slips mended, when it reads as English before and after (a
        German "wurden" is no slip of "burden")."""
        if self.speller is None or not mostly_latin(asked):
            return spelling.Mended(asked)
        mended = self.speller.mend(asked)
        if not mended.fixes:  # most questions: the language is judged once, in _read
            return mended
        vocabulary = self.retriever.lexical.vocabulary
        english = looks_english(asked, vocabulary) and looks_english(mended.text, vocabulary)
        return mended if english else spelling.Mended(asked)

    def _read(self, asked: str, previous: Turn | None) -> Reading:
        """How a question is searched: in English, with the previous turn's context when it is a
        follow-up; in another language, with the multilingual model and the report's words found
        for its words, or, for a bare follow-up ("а кто модерировал?"), with those words and the
        previous turn's context alone, as an English follow-up is."""
        latin = mostly_latin(asked)
        # Without the multilingual model a question in Latin letters is read as English, as the
        # best it can get (the cross-encoder included); other scripts get a note.
        english = latin and (self.multilingual is None or looks_english(asked, self.retriever.lexical.vocabulary))
        if english or self.multilingual is None or self.multilingual_vectors is None:
            intent = self.retriever.intent(asked)
            text = resolve(asked, previous, names_section=bool(intent.sections))
            notes = [] if english else [multilingual.MISSING_NOTE]
            floor = self.abstain_rule.floor(multilingual=False)
            follow_up = text != asked
            return Reading(
                text,
                text,
                english,
                latin,
                None,
                floor,
                notes,
                follow_up=follow_up,
                intent=None if follow_up else intent,
            )
        translation = self.translator.translate(asked, self.multilingual.encode) if self.translator else None
        words_intent: QueryIntent | None = None  # of the report's words found for the question
        if translation is not None and translation.words:
            words = translation.words
            words_intent = self.retriever.intent(words)
            names_section = bool(words_intent.sections)
            if previous is not None and not names_section and bare_follow_up(asked):
                # The multilingual model would read the follow-up alone, far from everything.
                searched = resolve(words, previous, names_section=False, follow_up=True)
                return Reading(asked, searched, False, latin, None, 0.0, words=words, follow_up=True)
            # Not turned away on the multilingual model's cosine when it names a section, someone
            # or something the report names ("Что такое Золотые мечты?": 0.13, and Panel 4 answers).
            anchored = names_section or bool(translation.names) or bool(translation.phrases)
            floor = self.abstain_rule.floor(True, translation.matched, anchored)
        else:
            words, floor = "", self.abstain_rule.floor(True, words_matched=0.0)
        dense = self.multilingual_vectors @ self.multilingual.encode([asked])[0]
        return Reading(asked, words or asked, False, latin, dense, floor, words=words, intent=words_intent)

    def _reranked(self, text: str, scored: list[Scored], candidates: int) -> list[Scored]:
        """The first ``candidates`` in the order of the cross-encoder's verdict, blended with the
        first stage's score (``RankingWeights.rerank_first_stage``), the rest after them.

        The cross-encoder reads the passage under its short section label; it cannot know that
        "the 'way forward' panel" is Panel 4 or that a question wants recommendations, which the
        first stage does. Forcing a named section ahead instead buried the second half of
        questions that span two sections; the blend keeps both (measured: docs/quality.md)."""
        top, rest = scored[:candidates], scored[candidates:]
        relevance = np.asarray(self._relevance(text, tuple(s.position for s in top)), dtype=np.float64)
        first = np.array([s.score for s in top], dtype=np.float64)
        share = self.retriever.weights.rerank_first_stage
        blended = (1 - share) * zscore(relevance) + share * zscore(first)
        order = np.argsort(-blended, kind="stable")
        return [replace(top[i], relevance=float(relevance[i])) for i in order] + rest

    def _asked_again(
        self,
        previous: Turn,
        k: int,
        sections: list[str] | None,
        documents: list[str] | None,
        timings: dict[str, float] | None,
    ) -> Answer | None:
        """The previous question asked again, or None when that gives no answer or does not put
        the same passage first (it was asked in another language, or in another section): a note
        about "that" must name the passage the participant read."""
        again = self.ask(previous.search_query, k=k, sections=sections, documents=documents, timings=timings)
        if again.abstained or not again.hits or again.hits[0].chunk.id != previous.passage:
            return None
        return again

    def _attributed(self, asked: str, again: Answer, k: int) -> Answer | None:
        """ "Who said that?" after a recommendation: a session's recommendations are listed as the
        session's, with no speaker, so the answer is the session's people, and the reply says so
        (searched, it put another panel's paragraph first). None for any other passage: a
        paragraph names its speakers itself, and the follow-up search finds them."""
        first = again.hits[0].chunk
        if first.kind != "recommendation":
            return None
        people = next(
            (
                position
                for position, chunk in enumerate(self.index.chunks)
                if chunk.doc == first.doc
                and chunk.section_label == first.section_label
                and self.retriever.lists_people(position)
            ),
            None,
        )
        if people is None:
            return None
        chunk = self.index.chunks[people]
        listing = Hit(chunk=chunk, score=0.0, rank=2, names_document=self.names_documents)
        rest = [
            replace(h, rank=rank)
            for rank, h in enumerate((h for h in again.hits[1:] if h.chunk.id != chunk.id), start=3)
        ]
        note = (
            f"{first.citation} is one of {first.section_label}'s recommendations, which the report gives as the "
            f"session's, not one speaker's: its moderator, speakers and rapporteur are in {listing.citation} "
            "(the second passage below)."
        )
        return replace(again, question=asked, hits=[again.hits[0], listing, *rest][:k], notes=[note])

    @staticmethod
    def _located(asked: str, again: Answer) -> Answer:
        """The previous answer again, saying where its first passage is: "which panel was that
        in?" asks about the passage just read, not for a new search (which gave the panel's list
        of speakers)."""
        first = again.hits[0]
        where = f"That was {first.citation}, in “{first.chunk.section_title}” (the first passage below)."
        return replace(again, question=asked, notes=[where, *again.notes])

    def _query_vector(self, text: str) -> np.ndarray:
        return self._cached_vector(model_text(text))

    def _relevance(self, text: str, positions: tuple[int, ...]) -> np.ndarray:
        return self._cached_relevance(model_text(text), positions)

    def _judge(self, text: str, positions: tuple[int, ...]) -> np.ndarray:
        assert self.reranker is not None
        # The short section label, not the long heading: it carries "Panel 2" in fewer tokens
        # (measured: full headings cost 15% more time and ranked slightly worse).
        chunks = [self.index.chunks[p] for p in positions]
        scores = self.reranker.scores(text, [f"{c.section_label}: {c.text}" for c in chunks])
        scores.setflags(write=False)  # shared by every caller of the cache
        return scores

    @staticmethod
    def _word_translator(index: Index) -> WordTranslator | None:
        """From the report's words and their multilingual vectors; None for an index built
        without them (before parser version 7). Words and vectors out of step are refused: every
        word found for a question would be another's."""
        words = index.manifest.get("lexicon") or []
        vectors = index.extra_vectors.get("lexicon")
        if not words and (vectors is None or len(vectors) == 0):
            return None
        if vectors is None or len(words) != len(vectors):
            count = "no" if vectors is None else len(vectors)
            raise IndexCorrupt(
                f"The index lists {len(words)} words of the report but has {count} vectors for them.", REBUILD_HINT
            )
        rare = index.manifest.get("rare_phrases", [])
        return WordTranslator(list(words), vectors, index.manifest.get("names", []), rare_phrases=rare)

    def _encode_query(self, text: str) -> np.ndarray:
        vector = encode_query(self.embedder, text)
        vector.setflags(write=False)  # shared by every caller of the cache
        return vector
