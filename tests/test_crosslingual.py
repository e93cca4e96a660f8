"""Questions in other languages: which questions count as English, and how their words become the
report's English words (a fake encoder here; the real multilingual model in the engine tests)."""

from __future__ import annotations

import json
from itertools import pairwise
from typing import Any

import numpy as np
import pytest

from assistant.config import PROJECT_ROOT
from assistant.crosslingual import WordTranslator, looks_english, report_names, report_phrases, report_words
from assistant.engine import Assistant
from assistant.records import Answer
from assistant.store import Index

EVAL_DIR = PROJECT_ROOT / "eval"
PUBLIC = PROJECT_ROOT.parent / "shared" / "eval" / "questions.jsonl"


def _questions(*names: str, public: bool = False) -> list[dict[str, str]]:
    """The questions of our evaluation files ``names``, and of the public set where this machine has it."""
    paths = [EVAL_DIR / name for name in names]
    if public and PUBLIC.is_file():
        paths.append(PUBLIC)
    return [json.loads(line) for path in paths for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_report_words_are_the_reports_own_words_lower_case_once_each() -> None:
    words = report_words(["The GLAA's co-operation in 2017 was praised.", "the Panel praised it"])
    assert words == sorted(set(words))
    assert {"glaa", "co-operation", "praised", "panel"} <= set(words)
    # Short stop words are kept ("кто" must be able to become "who"); other short words and numbers are not.
    assert {"the", "in", "it"} <= set(words)
    assert "2017" not in words and "s" not in words


class WordVectors:
    """A fake multilingual model: each word has a fixed unit vector; unlisted words are orthogonal."""

    def __init__(self, table: dict[str, list[float]], dimension: int = 4) -> None:
        self.table = {w: np.asarray(v, dtype=np.float32) / np.linalg.norm(v) for w, v in table.items()}
        self.dimension = dimension
        self.asked: list[list[str]] = []

    def encode(self, words: list[str]) -> np.ndarray:
        self.asked.append(list(words))
        rows = [self.table.get(w, np.zeros(self.dimension, dtype=np.float32)) for w in words]
        return np.vstack(rows)


def test_translation_keeps_report_words_and_numbers_and_replaces_the_others() -> None:
    model = WordVectors(
        {
            "chains": [1, 0, 0, 0],
            "panel": [0, 1, 0, 0],
            "цепочки": [0.9, 0.1, 0, 0],  # close to "chains"
            "панели": [0.1, 0.95, 0, 0],  # close to "panel"
            "иванов": [0, 0, 1, 0],  # a name the report does not have: near nothing
        }
    )
    report = ["chains", "panel"]
    translator = WordTranslator(report, model.encode(report))
    translation = translator.translate("Цепочки поставок Иванов, панели 4 и chains", model.encode)
    assert translation.words == "chains panel 4 chains"
    assert translation.matched == 3 / 5  # of цепочки, поставок, иванов, панели, chains ("и" is not looked up)
    # Only the words the report does not use were sent to the model, once each.
    assert model.asked[-1] == ["цепочки", "поставок", "иванов", "панели"]


def test_a_cyrillic_name_is_spelled_in_latin_letters_before_any_vector_is_asked() -> None:
    model = WordVectors({"mitchell": [1, 0, 0, 0], "gekht": [0, 1, 0, 0]})
    words = ["mitchell", "gekht", "east"]
    translator = WordTranslator(words, model.encode(words), names=["mitchell", "gekht", "east"])
    translation = translator.translate("Митчелла и Гехт", model.encode)  # inflected, and as written
    assert translation.words == "mitchell gekht"
    assert translation.names == ("mitchell", "gekht")
    assert model.asked == [words]  # only the report's own words were ever encoded
    # Not a name: a lower-case word, an acronym, a capitalised word with no close spelling, and a
    # short one not spelled exactly ("есть" is "est", near "east").
    assert translator.translate("митчелл МИТЧЕЛЛ Кто Есть", model.encode).names == ()


def test_a_word_below_the_similarity_floor_is_dropped_not_guessed() -> None:
    model = WordVectors({"chains": [1, 0, 0, 0], "цепи": [0.5, 0.85, 0, 0]})  # cosine 0.51
    translator = WordTranslator(["chains"], model.encode(["chains"]), min_similarity=0.65)
    assert translator.translate("цепи", model.encode).words == ""
    lenient = WordTranslator(["chains"], model.encode(["chains"]), min_similarity=0.5)
    assert lenient.translate("цепи", model.encode).words == "chains"


def test_report_phrases_are_neighbouring_words_of_a_clause() -> None:
    phrases = report_phrases(["Banks fight money laundering, and the recruitment fees (paid by workers) matter."])
    assert {"banks fight", "fight money", "money laundering", "recruitment fees"} <= set(phrases)
    assert "paid workers" not in phrases  # "by" stands between them
    assert "laundering recruitment" not in phrases  # a comma parts them
    assert not [p for p in phrases if p.split()[0] in {"the", "and"}]


def test_a_word_matching_no_single_word_is_read_through_a_phrase_beside_it() -> None:
    model = WordVectors(
        {
            "money": [1, 0, 0, 0],
            "laundering": [0, 1, 0, 0],
            "money laundering": [0, 0, 1, 0],
            "денег": [0.95, 0, 0.3, 0],  # "money"
            "отмывание": [0, 0.5, 0, 0.86],  # alone, too far from "laundering" (0.5)
            "отмывание денег": [0, 0.1, 0.95, 0.2],  # the phrase: close to "money laundering"
            "про отмывание": [0, 0, 0.9, 0.4],  # "про" is a function word: never paired
        }
    )
    entries = ["laundering", "money", "money laundering"]
    translator = WordTranslator(entries, model.encode(entries), min_similarity=0.65)
    assert translator.words == ["laundering", "money"] and translator.phrases == ["money laundering"]
    translation = translator.translate("Что говорили про отмывание денег?", model.encode)
    assert translation.words.split()[-3:] == ["money", "laundering", "money"]
    assert "отмывание денег" in model.asked[-1] and "про отмывание" not in model.asked[-1]
    # A word a single word matched keeps it: no phrase is looked for.
    model.asked.clear()
    assert translator.translate("денег", model.encode).words == "money"
    assert all(" " not in text for texts in model.asked for text in texts)
    # A phrase of the report among the words found is said (it anchors the question, as a name does).
    rare = WordTranslator(entries, model.encode(entries), min_similarity=0.65, rare_phrases=["money laundering"])
    assert rare.translate("отмывание денег", model.encode).phrases == ("money laundering",)
    assert translator.translate("отмывание денег", model.encode).phrases == ()  # not among the rare ones
    # Below the phrase floor the word is dropped, as before.
    strict = WordTranslator(entries, model.encode(entries), min_similarity=0.65, min_phrase_similarity=0.99)
    assert "laundering" not in strict.translate("отмывание денег", model.encode).words


def test_words_and_vectors_must_match() -> None:
    with pytest.raises(ValueError, match="2 words for 1 vectors"):
        WordTranslator(["a", "b"], np.zeros((1, 4), dtype=np.float32))


def test_every_english_evaluation_question_is_read_as_english(fake_assistant: Assistant) -> None:
    vocabulary = fake_assistant.retriever.lexical.vocabulary
    english = [
        q for q in _questions("english_extra.jsonl", public=True) if q["type"] not in {"russian", "other-language"}
    ]
    assert len(english) >= 25
    assert [q["id"] for q in english if not looks_english(q["question"], vocabulary)] == []


@pytest.mark.parametrize(
    "question",
    [
        "Welche Rolle spielen Banken?",  # short, and every noun capitalised
        "¿Quién moderó el Panel 3?",
        "Wie viele Unternehmen haben sich dem Verhaltenskodex angeschlossen?",
        "Pourquoi la France a-t-elle adopté sa loi sur le devoir de vigilance ?",
        "¿Qué es la aplicación «Golden Dreams» y quién la puso en marcha?",
        "Chi ha moderato il terzo panel della conferenza?",
    ],
)
def test_questions_in_other_latin_languages_are_not_read_as_english(fake_assistant: Assistant, question: str) -> None:
    assert not looks_english(question, fake_assistant.retriever.lexical.vocabulary)


@pytest.mark.parametrize(
    "question",
    [
        "What did Rantsev v Cyprus and Russia decide about compensation?",  # names are not counted
        "lorry drivers truckstops awareness training",  # words the report lacks, but none of another language
        "weather forecast vienna tomorrow morning",
        "pls summarise panel 2 quickly",
        "Who moderated Panel 3?",
    ],
)
def test_english_questions_with_names_or_few_words_stay_english(fake_assistant: Assistant, question: str) -> None:
    assert looks_english(question, fake_assistant.retriever.lexical.vocabulary)


def test_other_language_evaluation_questions_are_not_read_as_english(fake_assistant: Assistant) -> None:
    vocabulary = fake_assistant.retriever.lexical.vocabulary
    files = ("multilingual_heldout.jsonl", "multilingual_scope.jsonl")
    latin = [q for q in _questions(*files) if not any("а" <= ch <= "я" for ch in q["question"].lower())]
    assert len(latin) >= 9  # German, French and Spanish; the Russian ones are not mostly Latin
    assert [q["id"] for q in latin if looks_english(q["question"], vocabulary)] == []


# --- the engine, with the real multilingual model (MiniLM is the fake embedder) -------------------


@pytest.fixture(scope="module")
def _translating_build(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from conftest import FakeEmbedder, make_settings

    from assistant import multilingual
    from assistant.indexing import build_index

    if not multilingual.available():
        pytest.skip(f"optional package {multilingual.PACKAGE} is not installed")
    settings = make_settings(tmp_path_factory.mktemp("translating"))
    embedder = FakeEmbedder()
    return settings, embedder, build_index(settings, embedder, show_progress=False)


@pytest.fixture
def translating(multilingual_on: None, _translating_build) -> Assistant:  # type: ignore[no-untyped-def]
    settings, embedder, index = _translating_build
    return Assistant(index, embedder, settings)


def _matched_note(answer: Answer) -> str:
    return next((n for n in answer.notes if n.startswith("Matched with the report's English words:")), "")


def test_the_index_keeps_the_reports_words_with_their_multilingual_vectors(translating: Assistant) -> None:
    words = translating.index.manifest["lexicon"]
    assert len(words) == len(translating.index.extra_vectors["lexicon"]) > 1000
    assert {"trafficking", "panel", "moderated", "who"} <= set(words)
    assert {"mitchell", "gekht", "jarbussynova"} <= set(translating.index.manifest["names"])  # made at build


def test_a_russian_question_is_searched_with_the_reports_english_words(translating: Assistant) -> None:
    question = "Кто модерировал третью панель?"
    answer = translating.ask(question)
    note = _matched_note(answer)
    assert "third panel" in note and "who" in note  # the section intent and the people boost read these
    assert "Panel 3, ¶1" in [h.citation for h in answer.hits[:3]]  # "... was moderated by ..."
    assert not answer.abstained
    assert answer.search_query == answer.matched_words  # searched as the report's words: a follow-up carries them
    assert answer.to_json()["matched_words"] == answer.matched_words and "third panel" in answer.matched_words
    # The multilingual model alone (an index without the report's words) does not find it.
    alone = Assistant(_without_lexicon(translating.index), translating.embedder, translating.settings)
    assert "Panel 3, ¶1" not in [h.citation for h in alone.ask(question).hits]


def test_a_german_question_takes_the_multilingual_path(translating: Assistant) -> None:
    answer = translating.ask("Wie viele Kinder wurden in Malawi dank des Projekts eingeschult?")
    assert _matched_note(answer)
    assert any("6,414 in Malawi" in h.chunk.text for h in answer.hits[:3])


def test_an_english_question_is_not_translated(translating: Assistant) -> None:
    assert _matched_note(translating.ask("Who moderated Panel 3?")) == ""


def test_without_the_multilingual_model_a_latin_question_is_read_as_english(fake_assistant: Assistant) -> None:
    """The best it can get: BM25, MiniLM and the re-ranker read it; only other scripts get the note."""
    from assistant import multilingual

    german = fake_assistant.ask("Wie viele Kinder wurden in Malawi dank des Projekts eingeschult?")
    assert multilingual.MISSING_NOTE not in german.notes and _matched_note(german) == ""
    assert multilingual.MISSING_NOTE in fake_assistant.ask("Сколько детей пошли в школу в Малави?").notes


class RecordingReranker:
    """Says which text the cross-encoder was given; keeps the first stage's order."""

    def __init__(self) -> None:
        self.questions: list[str] = []

    def scores(self, question: str, passages: list[str]) -> np.ndarray:
        self.questions.append(question)
        return -np.arange(len(passages), dtype=np.float32)


def test_the_cross_encoder_and_the_highlight_read_the_english_words(translating: Assistant) -> None:
    reranker = RecordingReranker()
    assistant = Assistant(translating.index, translating.embedder, translating.settings, reranker=reranker)  # type: ignore[arg-type]
    answer = assistant.ask("Кто был докладчиком первой панели?")
    assert reranker.questions and "rapporteur" in reranker.questions[0] and "first panel" in reranker.questions[0]
    first_panel = next(h for h in answer.hits if h.citation == "Panel 1, ¶1")
    highlighted = " ".join(first_panel.chunk.text[start:end] for start, end in first_panel.evidence)
    assert "was the rapporteur of Panel 1" in highlighted


def test_a_cyrillic_name_is_found_by_its_latin_spelling(translating: Assistant) -> None:
    assert translating.translator is not None and translating.multilingual is not None
    translation = translating.translator.translate("Кто такой Боб Митчелл?", translating.multilingual.encode)
    assert translation.names == ("bob", "mitchell")
    answer = translating.ask("Что говорил Митчелла о Brexit?")  # an inflected name, and one the report lacks
    assert "mitchell" in _matched_note(answer)
    assert "Not mentioned anywhere in the report: Brexit." in answer.notes
    assert "Panel 3, ¶1" in [h.citation for h in answer.hits]  # "... Bob Mitchell, ..." among the speakers


def test_a_section_filter_does_not_make_an_answered_question_abstain(translating: Assistant) -> None:
    """The multilingual cosine of a short question is low; judged inside one section it fell under
    the floor although the section's first passage was the answer."""
    answer = translating.ask("Кто модерировал третью панель?", sections=["Panel 3"])
    assert answer.hits[0].citation.startswith("Panel 3")
    assert not answer.abstained


@pytest.mark.parametrize("question", ["Что такое Золотые мечты?", "Что говорили про отмывание денег?"])
def test_a_question_naming_a_phrase_of_the_report_is_not_turned_away(translating: Assistant, question: str) -> None:
    """A facilitator's walkthrough: "What are the Golden Dreams?" and "What was said about money
    laundering?" were told the report does not address them. The multilingual model places both
    far from every passage (cosine 0.13, under its floor of 0.15), but the words found for them
    hold a phrase of the report ("golden dreams", "money laundering"): like a name, it says the
    question is about something the report names."""
    answer = translating.ask(question)
    assert not answer.abstained, answer.notes
    assert {"golden dreams", "money laundering"} & set(
        " ".join(pair) for pair in pairwise(answer.matched_words.split())
    )


def test_unrelated_text_in_another_script_still_abstains(translating: Assistant) -> None:
    for nonsense in ("Рецепт борща с говядиной", "Ααα βββ γγγ δδδ"):
        assert translating.ask(nonsense).abstained, nonsense


@pytest.mark.parametrize(
    "question",
    [
        "Какая погода в Москве завтра?",
        "Где в Москве поужинать в эти выходные?",
        "Что идёт в Большом театре сегодня вечером?",
    ],
)
def test_a_russian_question_about_this_very_moment_is_not_answered(translating: Assistant, question: str) -> None:
    """The words found for it in English lose the time ("завтра" is nearest "today"): the rule
    reads the Russian words themselves."""
    from assistant.abstain import AFTERWARDS_NOTE

    answer = translating.ask(question)
    assert answer.abstained
    assert AFTERWARDS_NOTE in answer.notes


def test_a_russian_question_on_what_happened_in_the_end_is_still_answered(translating: Assistant) -> None:
    """ "В итоге" ("in the end") asks what the report concluded, not what happened after it."""
    assert not translating.ask("Что в итоге посоветовала посол Джарбусынова правительствам?").abstained


def test_the_abstention_floor_for_other_languages() -> None:
    from assistant.abstain import AbstainRule

    rule = AbstainRule()
    assert rule.floor(multilingual=False) == rule.min_dense
    assert rule.floor(True, words_matched=0.75) == rule.min_multilingual
    assert rule.floor(True, words_matched=0.25) == rule.min_multilingual_unmatched > rule.min_multilingual
    assert rule.floor(True, words_matched=0.25, anchored=True) == 0.0


def test_abstention_on_a_translated_question_is_judged_on_the_multilingual_order(translating: Assistant) -> None:
    """The English words move passages up whose multilingual cosine is lower, and a section filter
    narrows the list; the floor was set on the multilingual model's own order over the report."""
    from assistant.abstain import AbstainRule
    from assistant.records import Chunk
    from assistant.retrieval import Scored

    question = "Какие рекомендации дала вторая панель о стимулах для компаний?"
    judged: list[list[int]] = []

    class Recording(AbstainRule):
        def reasons(
            self, question: str, scored: list[Scored], chunks: list[Chunk], floor: float, **context: Any
        ) -> list[str]:
            judged.append([s.position for s in scored])
            return super().reasons(question, scored, chunks, floor, **context)

    assistant = Assistant(translating.index, translating.embedder, translating.settings, abstain=Recording())
    answer = assistant.ask(question, k=10, sections=["Panel 2"])
    alone = Assistant(_without_lexicon(translating.index), translating.embedder, translating.settings)
    assert judged == [[translating.index.chunks.index(h.chunk) for h in alone.ask(question, k=10).hits]]
    assert {h.chunk.section_label for h in answer.hits} == {"Panel 2"}
    assert {translating.index.chunks[p].section_label for p in judged[0]} != {"Panel 2"}


def test_words_and_vectors_out_of_step_are_refused(translating: Assistant) -> None:
    from assistant.errors import IndexCorrupt

    index = translating.index
    broken = Index(
        index.chunks,
        index.vectors,
        index.manifest,
        {**index.extra_vectors, "lexicon": index.extra_vectors["lexicon"][:-1]},
    )
    with pytest.raises(IndexCorrupt, match="vectors for them"):
        Assistant(broken, translating.embedder, translating.settings)


RUSSIAN_GUIDE = """# Памятка для инспекторов труда

## Рекомендации

Работодатель должен возмещать сборы за трудоустройство, которые заплатили работники.

Кооперативы должны ежегодно проверять кадровые агентства.
"""


def test_a_document_in_russian_is_found_by_its_own_words(multilingual_on: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Its words are the report's own: kept as they are, not replaced by the nearest English ones."""
    from conftest import FakeEmbedder, make_settings

    from assistant.indexing import build_index

    settings = make_settings(tmp_path)
    (settings.corpus_dir / "pamyatka.md").write_text(RUSSIAN_GUIDE, encoding="utf-8")
    embedder = FakeEmbedder()
    index = build_index(settings, embedder, show_progress=False)
    words = index.manifest["lexicon"]
    assert len(words) == len(index.extra_vectors["lexicon"])
    assert {"кооперативы", "агентства", "trafficking"} <= set(words)
    answer = Assistant(index, embedder, settings).ask("Кто должен возмещать сборы за трудоустройство?")
    assert "возмещать сборы" in answer.hits[0].chunk.text


def _without_lexicon(index: Index) -> Index:
    """The index as an older build made it, without the report's words."""
    manifest = {k: v for k, v in index.manifest.items() if k != "lexicon"}
    extra = {k: v for k, v in index.extra_vectors.items() if k != "lexicon"}
    return Index(index.chunks, index.vectors, manifest, extra)


def test_an_index_without_the_reports_words_still_answers_other_languages(translating: Assistant) -> None:
    assistant = Assistant(_without_lexicon(translating.index), translating.embedder, translating.settings)
    answer = assistant.ask("Кто модерировал третью панель?")
    assert assistant.translator is None and _matched_note(answer) == ""
    assert len(answer.hits) == 5


def test_a_follow_up_in_russian_carries_the_previous_turn(translating: Assistant) -> None:
    """The follow-up is recognised in the report's words found for it ("а кто модерировал?" ->
    "who") and searched with the previous turn's section and words."""
    from assistant.followup import Turn

    previous = Turn("what recommended second panel", "Panel 2")  # as the chat keeps a Russian turn
    answer = translating.ask("А кто модерировал?", previous=previous)
    assert answer.search_query == "who (Panel 2) second"  # the section, not how the turn asked
    assert "Read as a follow-up to “what recommended second panel” (Panel 2)." in answer.notes
    assert "Panel 2, ¶1" in [h.citation for h in answer.hits[:3]]  # "This panel was moderated by ..."
    assert not answer.abstained  # the bare follow-up is far from everything; the turn it leans on is not
    alone = translating.ask("А кто модерировал?")
    assert not any(n.startswith("Read as a follow-up") for n in alone.notes)


def test_the_chat_keeps_a_russian_turn_in_the_reports_words(translating: Assistant) -> None:
    from assistant.chat import ALL, respond

    chat, _, conversation = respond("Что рекомендовала вторая панель?", [], ALL, None, translating)
    assert conversation.previous is not None
    assert conversation.previous.search_query == conversation.answers[-1].matched_words
    assert "second panel" in conversation.previous.search_query
    # An English follow-up to it with no topic of its own carries the report's words, not the
    # Russian ones.
    chat, _, conversation = respond("and who said that?", chat, ALL, conversation, translating)
    english = conversation.answers[-1]
    assert english.matched_words == ""
    assert english.search_query.startswith("and who said that? (") and "second panel" in english.search_query


def test_report_names_are_words_written_as_names() -> None:
    text = (
        "Alternatively, the panel heard Bob Mitchell. Later, Irina Gekht spoke for the ILO. "
        "Bank staff met. The bank agreed. Arguably this mattered."
    )
    names = report_names([text])
    assert {"bob", "mitchell", "irina", "gekht"} <= names  # "Bob" starts no sentence, but precedes a name
    assert not names & {"alternatively", "arguably", "ilo", "bank", "the", "later"}


@pytest.mark.parametrize("question", ["car washes", "van drivers", "el salvador", "los angeles"])
def test_two_word_keyword_queries_stay_english(fake_assistant: Assistant, question: str) -> None:
    assert looks_english(question, fake_assistant.retriever.lexical.vocabulary)


def test_a_standalone_russian_question_after_a_turn_is_not_a_follow_up(translating: Assistant) -> None:
    """ "Что такое ...?" ("what is ...?") has "такое", which the words found for it make "that"."""
    from assistant.followup import Turn

    previous = Turn("who second panel", "Panel 2")
    for question in ("Что такое закон о современном рабстве?", "Сколько стоит билет на поезд?"):
        after, alone = translating.ask(question, previous=previous), translating.ask(question)
        assert not any(n.startswith("Read as a follow-up") for n in after.notes), question
        assert [h.citation for h in after.hits] == [h.citation for h in alone.hits]
        assert after.abstained == alone.abstained


def test_a_panel_named_by_a_russian_ordinal_is_found(translating: Assistant) -> None:
    answer = translating.ask("Кто модерировал четвёртую панель?")
    assert "fourth panel" in answer.matched_words  # "fourth" is not in the report: the intent's own word
    assert "Panel 4, ¶1" in [h.citation for h in answer.hits[:3]]
    assert not answer.abstained


def test_a_russian_follow_up_to_an_english_turn_reads_the_previous_section(translating: Assistant) -> None:
    from assistant.followup import Turn

    answer = translating.ask("а что они рекомендовали?", previous=Turn("Who moderated Panel 3?", "Panel 3"))
    assert answer.search_query.startswith("what they recommended (Panel 3)")
    assert "Read as a follow-up to “Who moderated Panel 3?” (Panel 3)." in answer.notes
    assert {h.chunk.section_label for h in answer.hits[:3]} == {"Panel 3"}
    assert all(h.chunk.kind == "recommendation" for h in answer.hits[:3])
