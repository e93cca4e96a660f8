"""Names a question uses that the report never mentions are pointed out, not silently ignored."""

from __future__ import annotations

import pytest

from assistant.engine import Assistant
from assistant.formatting import format_answer
from assistant.lexical import tokenize
from assistant.names import unknown_names

VOCABULARY = set(
    tokenize(
        "The European Court of Human Rights ruled on Greece; ILO and Sakhalin Energy's policy. "
        "Ms Konecna, Mr Fisslberger and Dr Shahinian spoke of Brazil, Uzbekistan and the SDGs of Panel 2."
    )
)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did the court decide in Smith v. Ruritania?", ["Smith", "Ruritania"]),  # "v." ends no sentence
        ("What did the European Court of Human Rights decide about Greece?", []),
        ("Which policy did Sakhalin Energy adopt?", []),  # "Which" opens the question: grammar
        ("Did the ILO help? Which Ruritanian agency did?", ["Ruritanian"]),  # "Which" opens a sentence
        ("How did Sakhalin Energy’s policy compare with Gazprom's?", ["Gazprom"]),
        ("what did the panel say about forced labour?", []),
        ("Что сказал Ранцев?", []),  # another script: not checked against English words
        ("Did Ruritania and Ruritania agree?", ["Ruritania"]),  # once each
        # accents and ß are folded, and a whole word is checked, not its first letters
        ("What did Ms Konečná and Tichy Fißlberger say?", ["Tichy"]),
        ("What did Ms Nestorová say?", ["Nestorová"]),
        # a demonym is taken as its country: the report names Brazil and Uzbekistan
        ("What is the Brazilian list? Which Uzbek crop?", []),
        # acronyms (the report may spell them out), titles, roman numerals and "I" are not names
        ("What did the UNGPs, the CoE and Dr Shahinian say? I've read Panel II.", []),
        ("What did Prof. Ruritanian say?", ["Ruritanian"]),  # "Prof." ends no sentence
        ("Tell me about Panel 2. Summarise its recommendations.", []),  # "2." does
    ],
)
def test_unknown_names(question: str, expected: list[str]) -> None:
    assert unknown_names(question, VOCABULARY) == expected


def test_the_answer_says_which_names_the_report_never_mentions(fake_assistant: Assistant) -> None:
    answer = fake_assistant.ask("What compensation did the Court award to Ruritanian workers in Zembla?")
    assert "Not mentioned anywhere in the report: Ruritanian, Zembla." in answer.notes
    shown = format_answer(answer)[0]
    assert "Ruritanian" in shown and "Zembla" in shown  # in the notes message, before the passages
    known = fake_assistant.ask("What did Sakhalin Energy say about the UN Guiding Principles?")
    assert not any(note.startswith("Not mentioned") for note in known.notes)


def test_no_word_of_the_report_is_called_unmentioned(fake_assistant: Assistant) -> None:
    """Every capitalised word of the report itself, put in a question, is known (stemming and all)."""
    import re

    text = " ".join(chunk.text for chunk in fake_assistant.index.chunks)
    words = sorted(set(re.findall(r"(?<![\w'’.-])[A-Z][a-z]+(?![\w'’-])", text)))
    assert len(words) > 300
    claimed = [w for w in words if fake_assistant.names.unknown(f"What about the {w} here?")]
    assert claimed == []
