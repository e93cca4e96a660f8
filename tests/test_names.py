"""Names a question uses that the report never mentions are pointed out, not silently ignored."""

from __future__ import annotations

import pytest

from assistant.engine import Assistant
from assistant.formatting import format_answer
from assistant.lexical import tokenize
from assistant.names import unknown_names

VOCABULARY = set(tokenize("The European Court of Human Rights ruled on Greece; ILO and Sakhalin Energy's policy."))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did the ECHR decide in Smith v. Ruritania?", ["ECHR", "Smith", "Ruritania"]),
        ("What did the European Court of Human Rights decide about Greece?", []),
        ("Which policy did Sakhalin Energy adopt?", []),  # "Which" opens the question: grammar
        ("Did the ILO help? Which Ruritanian agency did?", ["Ruritanian"]),  # "Which" opens a sentence
        ("How did Sakhalin Energy’s policy compare with Gazprom's?", ["Gazprom's"]),
        ("what did the panel say about forced labour?", []),
        ("Что сказал Ранцев?", []),  # another script: not checked against English words
        ("Did Ruritania and Ruritania agree?", ["Ruritania"]),  # once each
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
