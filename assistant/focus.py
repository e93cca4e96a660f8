"""What a participant's message asks, without what frames it.

Participants wrap questions in words that are about the asking, not the report: "What did the
conference say about ...", "Tell me about ...", "I'm a labour inspector — ...", or a long
message that describes their situation before its one question. Read whole, those words decide
which passages look relevant ("the conference" finds the paragraph about the conference). The
cross-encoder therefore reads the focus: the message's asking sentences, with the frame removed.
The first stage still searches the whole message (measured: searching the focus alone lost as
much as it gained; see docs/quality.md).
"""

from __future__ import annotations

import re

from .sentences import split_sentences

# Who is asking: "I'm a hotel manager —", "As a tobacco leaf buyer,", "NGO staffer here —", "Hi,".
_ASKER = re.compile(
    r"""(?ix)^\s*(?:
        (?:hi|hello|ok(?:ay)?|so|quick\ question)\s*[,:!]\s*
      | (?:i'?m|i\ am|we\ are|we'?re)\ (?:an?|the)\ [^,.;:—–?!]{2,60}?\s*(?:[,.;:—–]|\s-\s)\s*
      | as\ (?:an?|the)\ [^,.;:—–?!]{2,60}?,\s*
      | [^,.;:—–?!]{2,40}?\ here\s*(?:[,.;:—–]|\s-\s)\s*
    )+"""
)
# Asking about the asking: "What did the conference say about", "Is there anything on", ...
_WRAPPER = re.compile(
    r"""(?ix)^\s*(?:
        what\ (?:did|does|do)\ (?:the\ )?(?:conference|report|panels?|panellists|speakers?|participants?|
            document|they|anyone|anybody|it)\ (?:say|said|mention|discuss|note)\ (?:about|on|regarding|concerning)
      | what\ (?:was|were|is)\ (?:said|discussed|mentioned|noted)\ (?:about|on|regarding|concerning)
      | (?:did|does|do)\ (?:any(?:one|body)|the\ (?:report|conference|panels?|speakers?))\ (?:talk|speak)\ about
      | (?:did|does|do)\ (?:any(?:one|body)|the\ (?:report|conference|panels?|speakers?))\ (?:mention|discuss|bring\ up)
      | (?:is|was)\ there\ anything\ (?:in\ (?:here|the\ report)\ )?(?:about|on|regarding)
      | anything\ (?:in\ (?:here|the\ report)\ )?(?:about|on)
      | (?:can\ you\ )?tell\ me\ (?:more\ )?about
    )\s+(?=\S)"""
)
MAX_ASKING_SENTENCES = 2  # a long message's last asking sentences: its question and its lead-in
LONG_MESSAGE_CHARS = 160  # shorter ones are one question, whatever a stop inside says ("Rantsev v. Cyprus")


def question_focus(message: str) -> str:
    """The part of ``message`` that asks: its last asking sentences (or its last sentence), with
    who is asking and "what did the report say about" removed. Never empty: a message that is
    all frame is returned as it is."""
    text = message.strip()
    sentences = split_sentences(text) if len(text) > LONG_MESSAGE_CHARS else [text]
    if len(sentences) > 1:
        asking = [s for s in sentences if s.rstrip("”\"’') ").endswith("?")]
        text = " ".join(asking[-MAX_ASKING_SENTENCES:]) if asking else sentences[-1]
    text = _ASKER.sub("", text, count=1)
    unwrapped = _WRAPPER.sub("", text, count=1)
    focus = unwrapped if re.search(r"\w", unwrapped) else text
    return focus.strip() or message.strip()
