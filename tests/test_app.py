"""The chat handler and the running Gradio app, driven through its API with gradio_client."""

from __future__ import annotations

import pytest
from conftest import last_turn

from assistant.chat import ALL as ALL_SECTIONS
from assistant.chat import respond
from assistant.followup import Turn, is_follow_up, resolve


def test_reply_carries_citations_one_passage_per_message(fake_assistant):
    history, box, conversation = respond("Who moderated Panel 3?", [], ALL_SECTIONS, None, fake_assistant)
    assert box == ""
    assert history[0] == {"role": "user", "content": "Who moderated Panel 3?"}
    replies = last_turn(history)[1]
    assert replies[0].startswith("**[1] Panel 3, ¶1**")
    assert "John Morrison" in replies[0]
    assert [r.startswith(f"**[{n}] ") for n, r in enumerate(replies, start=1)] == [True] * 5
    assert conversation.previous is not None and conversation.previous.section == "Panel 3"
    # each passage message maps back to its hit, so a click or a flag names exactly one passage
    clicked = conversation.hit_at(1)
    assert clicked is not None and clicked.citation == "Panel 3, ¶1"
    assert conversation.hit_at(0) is None  # the question itself


def test_passages_that_do_not_answer_have_no_sentence_marked_as_the_answer(fake_assistant):
    history, _, _ = respond("Who moderated Panel 3?", [], ALL_SECTIONS, None, fake_assistant)
    assert "<mark>" in last_turn(history)[1][0]
    history, _, _ = respond("What happened in 1999?", [], ALL_SECTIONS, None, fake_assistant)
    notes, *passages = last_turn(history)[1]
    assert "does not appear to address this" in notes
    assert passages and not any("<mark>" in passage for passage in passages)


def test_section_filter_limits_the_reply(fake_assistant):
    history, _, _ = respond("recruitment fees", [], "Panel 1", None, fake_assistant)
    cited = [r.splitlines()[0] for r in last_turn(history)[1] if r.startswith("**[")]
    assert cited and all("Panel 1, " in line for line in cited)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("", "Please type a question"),
        ("   ", "Please type a question"),
        ("?!...", "no words to search for"),
        ("x" * 2500, "limit is 2,000"),
    ],
)
def test_bad_questions_get_a_clear_reply(fake_assistant, question, expected):
    history, _, conversation = respond(question, [], ALL_SECTIONS, None, fake_assistant)
    assert expected in history[1]["content"].replace("\\", "")
    assert conversation.previous is None and conversation.answers == []
    assert len(history[0]["content"]) < 600  # a huge question is not echoed whole


def test_a_long_message_is_echoed_with_its_question_at_the_end(fake_assistant):
    """A long message tells a situation, then asks: cut in the middle, not at the end, so the
    participant sees what was asked."""
    story = "We run a mid-size hotel chain and recruit seasonal staff through agencies abroad. " * 12
    message = story + "Who should pay the recruitment fees?"
    history, _, _ = respond(message, [], ALL_SECTIONS, None, fake_assistant)
    shown = history[0]["content"].replace("\\", "")
    assert shown.startswith("We run a mid") and shown.endswith("Who should pay the recruitment fees?")
    assert " … " in shown and len(shown) < len(message)


@pytest.mark.parametrize(
    "question",
    ["<img src=x onerror=alert(1)>", "<script>alert(1)</script> procurement", "[click](javascript:alert(1))"],
)
def test_markup_in_questions_is_shown_as_text(fake_assistant, question):
    history, _, _ = respond(question, [], ALL_SECTIONS, None, fake_assistant)
    shown = history[0]["content"]
    assert "<" not in shown and "](" not in shown
    assert "&lt;" in shown or "\\[" in shown


def test_follow_up_is_read_with_the_previous_turn(fake_assistant):
    history, _, conversation = respond(
        "What did Panel 2 say about procurement?", [], ALL_SECTIONS, None, fake_assistant
    )
    history, _, conversation = respond(
        "and what did they recommend?", history, ALL_SECTIONS, conversation, fake_assistant
    )
    replies = last_turn(history)[1]
    assert "Read as a follow\\-up" in replies[0]
    assert any("Panel 2, Recommendation" in r for r in replies[1:])
    assert len(conversation.answers) == 2


def test_follow_up_rules():
    previous = Turn("What did Panel 2 say about procurement?", "Panel 2")
    assert is_follow_up("who said that?")
    assert is_follow_up("and what did they recommend?")
    assert not is_follow_up("Which organisations developed the Children's Rights and Business Principles?")
    assert resolve("who said that?", None, names_section=False) == "who said that?"
    resolved = resolve("and what did they recommend?", previous, names_section=False)
    assert "(Panel 2)" in resolved and "procurement" in resolved
    standalone = "Which organisations developed the Children's Rights and Business Principles?"
    assert resolve(standalone, previous, names_section=False) == standalone
    pasted = (
        "They said it is important that the private sector sees the advantages in addressing THB "
        "throughout its operations and supply chains"
    )
    assert not is_follow_up(pasted)  # a long question carries its own context, pronouns or not


def test_two_questions_at_once_from_one_tab_are_both_kept_and_mapped(fake_assistant, monkeypatch):
    import threading
    import time

    from assistant.chat import Conversation
    from assistant.engine import Assistant

    slow = Assistant(fake_assistant.index, fake_assistant.embedder, fake_assistant.settings)
    original = slow.ask

    def ask(*args, **kwargs):
        time.sleep(0.2)
        return original(*args, **kwargs)

    monkeypatch.setattr(slow, "ask", ask)
    conversation = Conversation()
    questions = ["Who moderated Panel 3?", "What is the employer pays model?"]
    threads = [threading.Thread(target=respond, args=(q, [], ALL_SECTIONS, conversation, slow)) for q in questions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    asked = [m["content"] for m in conversation.history if m["role"] == "user"]
    assert sorted(asked) == sorted(questions) and len(conversation.answers) == 2
    for index in conversation.messages:
        found = conversation.at(index)
        assert found is not None
        answer, passage = found
        assert passage is not None
        hit = answer.hits[passage]
        assert conversation.history[index]["content"].startswith(f"**[{hit.rank}] {hit.citation}**")
