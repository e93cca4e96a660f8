"""One browser tab's conversation and the chat's handlers, as plain functions the tests call.

Each answer is shown as a notes message (when there is something to say) followed by one message
per passage, so a click or a feedback flag on a message names exactly one passage. The
conversation keeps the chat itself: the message numbers it maps to passages are always those of
the chat it returned, even when one tab sends two questions at once.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from typing import Any

from .engine import Assistant
from .errors import AssistantError
from .feedback import FLAGS, feedback_record
from .followup import Turn, turn_after
from .formatting import escape, format_hit, format_notes
from .questions import visible_text
from .records import Answer, Hit

ALL = "All sections"
ALL_DOCUMENTS = "All documents"
MAX_ANSWERS = 1000  # per tab; then the participant is asked to export and clear the chat
SHOWN_QUESTION_CHARS = 500
FULL = (
    f"⚠️ This chat holds {MAX_ANSWERS:,} answers. Export the handout if you need them, then clear the "
    "chat (the bin icon above it) to go on."
)


@dataclass
class Conversation:
    """What one tab asked and was shown; kept in Gradio's per-session state, never on disk."""

    history: list[dict[str, Any]] = field(default_factory=list)  # the chat as shown
    answers: list[Answer] = field(default_factory=list)
    # chat message index -> (answer index, passage index, or None for the notes message)
    messages: dict[int, tuple[int, int | None]] = field(default_factory=dict)
    previous: Turn | None = None  # what a follow-up refers to
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def __deepcopy__(self, memo: dict[int, Any]) -> Conversation:
        # Gradio copies a session's initial state; a lock cannot be copied, a new one is right.
        return Conversation(
            copy.deepcopy(self.history, memo),
            list(self.answers),
            dict(self.messages),
            self.previous,
        )

    def at(self, message: int) -> tuple[Answer, int | None] | None:
        """The answer shown as chat message ``message``, and which of its passages (None: its notes)."""
        where = self.messages.get(message)
        if where is None or where[0] >= len(self.answers):
            return None
        return self.answers[where[0]], where[1]

    def opened_at(self, message: int) -> tuple[Answer, Hit] | None:
        """The answer shown as chat message ``message`` and the passage a click on it opens (the
        first one for a notes message)."""
        found = self.at(message)
        if found is None:
            return None
        answer, passage = found
        if passage is None:
            return (answer, answer.hits[0]) if answer.hits else None
        return answer, answer.hits[passage]

    def hit_at(self, message: int) -> Hit | None:
        """The passage a click on chat message ``message`` opens (the first one for a notes message)."""
        opened = self.opened_at(message)
        return opened[1] if opened is not None else None


def shown_question(message: str | None) -> str:
    """The question as echoed in the chat: control characters removed, long ones cut, escaped."""
    text = visible_text(message)
    if len(text) > SHOWN_QUESTION_CHARS:
        # Its start and its end: a long message describes a situation and asks at the end.
        head = SHOWN_QUESTION_CHARS * 2 // 5
        text = text[:head].rstrip() + " … " + text[len(text) - (SHOWN_QUESTION_CHARS - head) :].lstrip()
    return escape(text or "(empty question)")


def respond(
    message: str | None,
    history: list[dict[str, Any]] | None,
    section: str | None,
    conversation: Conversation | None,
    assistant: Assistant,
    document: str | None = None,
) -> tuple[list[dict[str, Any]], str, Conversation]:
    """Add the question and its cited passages to the chat; a bad question gets a clear reply.

    ``history`` (the chat the browser shows) is not trusted: the conversation's own copy is
    extended and returned. ``section`` and ``document`` narrow the search (``ALL`` or None:
    everything). Returns the new chat, an empty question box and the conversation.
    """
    conversation = conversation or Conversation()
    sections = [section] if section and section != ALL else None
    documents = [document] if document and document != ALL_DOCUMENTS else None
    with conversation.lock:
        chat = conversation.history
        chat.append({"role": "user", "content": shown_question(message)})
        if len(conversation.answers) >= MAX_ANSWERS:
            chat.append({"role": "assistant", "content": escape(FULL)})
            return list(chat), "", conversation
        try:
            answer = assistant.ask(
                message or "", sections=sections, documents=documents, previous=conversation.previous
            )
        except AssistantError as error:
            chat.append({"role": "assistant", "content": f"⚠️ {escape(str(error))}"})
            return list(chat), "", conversation
        number = len(conversation.answers)
        conversation.answers.append(answer)
        notes = format_notes(answer)
        if notes is not None:
            conversation.messages[len(chat)] = (number, None)
            chat.append({"role": "assistant", "content": notes})
        for position, hit in enumerate(answer.hits):
            conversation.messages[len(chat)] = (number, position)
            chat.append({"role": "assistant", "content": format_hit(hit, not answer.abstained)})
        conversation.previous = turn_after(answer, conversation.previous)
        return list(chat), "", conversation


def flag(conversation: Conversation | None, message: int, value: Any) -> dict[str, Any] | None:
    """The feedback record for a flag on chat message ``message``, or None if it names no answer."""
    if conversation is None or not isinstance(value, str) or value not in FLAGS:
        return None
    found = conversation.at(message)
    if found is None:
        return None
    answer, passage = found
    return feedback_record(FLAGS[value], answer, passage)
