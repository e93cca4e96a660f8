"""Acronyms found in the report's own text, the tokenizer, acronym expansion and BM25."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.acronyms import asked_meaning, find_acronyms, find_implicit_acronyms
from assistant.lexical import LexicalIndex, expand_acronyms, normalise, tokenize
from assistant.report import parse_report


@pytest.fixture(scope="module")
def report_acronyms(report_text: str) -> tuple[dict[str, str], dict[str, str]]:
    paragraphs = [p.text for s in parse_report(report_text).sections for p in s.paragraphs]
    defined = find_acronyms("\n".join(paragraphs))
    return defined, find_implicit_acronyms(paragraphs, defined)


@pytest.mark.parametrize(
    ("acronym", "long_form"),
    [
        ("THB", "trafficking in human beings"),
        ("GLAA", "Gangmasters Labour Abuse Authority"),
        ("UNGPs", "UN Guiding Principles on Business and Human Rights"),
        ("ECHR", "European Court of Human Rights"),
        ("EICC", "Electronic Industry Citizenship Coalition"),
        ("IRIS", "International Recruitment Integrity System"),
        ("STTI", "Stop the Traffic Initiative"),
        ("OSR/CTHB", "Office of the Special Representative and Co-ordinator for Combating Trafficking in Human Beings"),
        ("PPP", "public private partnerships"),
    ],
)
def test_acronyms_defined_in_the_report(
    report_acronyms: tuple[dict[str, str], dict[str, str]], acronym: str, long_form: str
) -> None:
    defined, _ = report_acronyms
    assert defined[acronym] == long_form


def test_brackets_that_do_not_spell_their_words_are_not_definitions(
    report_acronyms: tuple[dict[str, str], dict[str, str]],
) -> None:
    defined, _ = report_acronyms
    # "The GLAA (UK) is ..." and "... International Relations (MGIMO)" do not spell the words before them.
    assert "UK" not in defined and "MGIMO" not in defined
    assert set(defined) == {
        "BLP",
        "BSLF",
        "CGF",
        "CSR",
        "ECHR",
        "EICC",
        "GLAA",
        "IRIS",
        "OSR/CTHB",
        "PPP",
        "STTI",
        "THB",
        "UNGPs",
    }


def test_implicit_acronym_from_its_spelled_out_neighbour(
    report_acronyms: tuple[dict[str, str], dict[str, str]],
) -> None:
    defined, implicit = report_acronyms
    assert implicit["AML"] == "anti-money laundering"
    assert not set(implicit) & set(defined)
    # "the GLA mandate ... the Gangmasters Labour Abuse Authority (GLAA)": the report never spells
    # out GLA (the older Gangmasters Licensing Authority); the start of GLAA's name is not GLA's
    assert "GLA" not in implicit


def test_find_acronyms_takes_the_shortest_long_form_that_spells_it() -> None:
    text = "Speakers from the well known Gangmasters and Labour Abuse Authority (GLAA) attended."
    assert find_acronyms(text) == {"GLAA": "Gangmasters and Labour Abuse Authority"}


def test_find_acronyms_first_definition_wins_and_needs_two_letters() -> None:
    text = "The Baltic Sea Labour Forum (BSLF) met. Later the Big Silly Long Fight (BSLF) began. A thing (A)."
    assert find_acronyms(text) == {"BSLF": "Baltic Sea Labour Forum"}


def test_find_acronyms_ignores_brackets_that_do_not_spell_the_words() -> None:
    assert find_acronyms("The meeting was held in Vienna (OSCE) on Monday.") == {}


KNOWN = {"GLAA": "Gangmasters Labour Abuse Authority", "CSR": "Corporate Social Responsibility"}


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("What is the GLAA?", "In the report, GLAA stands for Gangmasters Labour Abuse Authority."),
        ("what does csr stand for", "In the report, CSR stands for Corporate Social Responsibility."),
        ("CSR means what?", "In the report, CSR stands for Corporate Social Responsibility."),
        ("What is the GLAA doing about farms?", None),  # asks what it does, not what it stands for
        ("What is a gangmaster?", None),  # not an acronym the report defines
        ("What is CGF?", None),
    ],
)
def test_a_question_asking_what_an_acronym_means_gets_the_reports_long_form(question: str, said: str | None) -> None:
    assert asked_meaning(question, KNOWN) == said


def test_tokenize_stems_drops_stopwords_and_splits_hyphens() -> None:
    tokens = tokenize("The co-operation of the UK’s Gangmasters and Labour Abuse Authority")
    assert {"co", "oper", "cooper", "uk", "gangmast", "labour", "abus", "author"} <= set(tokens)
    assert "the" not in tokens and "of" not in tokens and "and" not in tokens
    assert tokenize("Recommendations recommended") == ["recommend", "recommend"]
    assert tokenize("the of and", keep_stopwords=True) == ["the", "of", "and"]
    assert tokenize("???") == []


def test_tokenize_treats_spelling_variants_alike() -> None:
    assert set(tokenize("cooperation")) <= set(tokenize("co-operation"))
    assert tokenize("Smartphone APPS") == tokenize("smartphone apps")
    assert tokenize("“Break the Chain”") == tokenize('"break the chain"')


def test_normalise_folds_quotes_possessives_and_case() -> None:
    assert normalise("Russia’s “Best” Offer") == 'russia "best" offer'
    assert normalise("ﬁnance") == "finance"  # NFKC ligature


def test_expand_acronyms_both_ways() -> None:
    acronyms = {
        "GLAA": "Gangmasters Labour Abuse Authority",
        "THB": "trafficking in human beings",
        "UN": "United Nations",
    }
    assert expand_acronyms("What does the GLAA do?", acronyms) == (
        "What does the GLAA do? Gangmasters Labour Abuse Authority"
    )
    assert expand_acronyms("Trafficking in human beings in Europe", acronyms).endswith(" THB")
    assert expand_acronyms("Nothing to add", acronyms) == "Nothing to add"


def test_expand_acronyms_matches_whole_acronyms_only() -> None:
    acronyms = {"UN": "United Nations", "THB": "trafficking in human beings"}
    assert expand_acronyms("The UNGPs and UNICEF", acronyms) == "The UNGPs and UNICEF"
    assert expand_acronyms("The OSR/CTHB office", acronyms) == "The OSR/CTHB office"
    assert "United Nations" in expand_acronyms("the UN, in 2011", acronyms)


def test_lexical_index_ranks_the_passage_with_the_words() -> None:
    texts = [
        "Recruitment fees paid by workers to agencies.",
        "Smartphone apps and hotlines let workers report abuse.",
        "The Gangmasters Labour Abuse Authority licenses labour providers.",
    ]
    index = LexicalIndex(texts, {"GLAA": "Gangmasters Labour Abuse Authority"})
    scores = index.scores(index.query_tokens("Which apps did workers use?"))
    assert scores.shape == (3,) and scores.dtype == np.float32
    assert int(np.argmax(scores)) == 1
    assert int(np.argmax(index.scores(index.query_tokens("What is the GLAA?")))) == 2


def test_lexical_index_gives_zero_scores_for_unknown_words() -> None:
    index = LexicalIndex(["Recruitment fees.", "Hotlines."], {})
    assert index.scores(index.query_tokens("zebra quokka")).tolist() == [0.0, 0.0]
    assert index.scores([]).tolist() == [0.0, 0.0]


def test_lexical_index_accepts_a_passage_without_words() -> None:
    index = LexicalIndex(["...", "Hotlines for workers."], {})
    scores = index.scores(index.query_tokens("hotlines"))
    assert scores[0] == 0.0 and scores[1] > 0.0
