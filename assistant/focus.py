"""What a participant's message asks, without what frames it.

Participants wrap questions in words that are about the asking, not the report: "What did the
conference say about ...", "Tell me about ...", "I'm a labour inspector — ...", or a long
message that describes their situation before its one question. Read whole, those words decide
which passages look relevant ("the conference" finds the paragraph about the conference). The
cross-encoder therefore reads the focus: the message's asking sentences, with the frame removed
and the asker's role kept as context ("hotel manager: who on my team ...").
The first stage still searches the whole message (measured: searching the focus alone lost as
much as it gained; see docs/quality.md).
"""

from __future__ import annotations

import re

from .lexical import FRAMING_WORDS, tokenize
from .sentences import split_sentences

# A greeting before the question: "Hi,", "OK so,", "Quick question:".
_GREETING = re.compile(r"(?i)^\s*(?:(?:hi|hello|ok(?:ay)?|so|quick\ question)\s*[,:!]?\s+)+")
# Who is asking: "I'm a hotel manager —", "As a tobacco leaf buyer,", "NGO staffer here —"; each
# alternative captures the role alone, without the words around it.
_ASKER = re.compile(
    r"""(?ix)^\s*(?:
        (?:i'?m|i\ am|we\ are|we'?re)\ (?:an?|the)\ (?P<said>[^,.;:—–?!]{2,60}?)\s*(?:[,.;:—–]|\s-\s)\s*
      | as\ (?:an?|the)\ (?P<as>[^,.;:—–?!]{2,60}?),\s*
      | (?P<here>[^,.;:—–?!]{2,40}?)\ here\s*(?:[,.;:—–]|\s-\s)\s*
    )"""
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
# An asking sentence with fewer content words than this (words about the asking aside) names no
# topic of its own ("What can you tell me about it?", "Did the report mention anything like
# that?"): the sentence before it, which says what "it" is, is kept with it.
MIN_TOPIC_WORDS = 2
# Words about the asking rather than a topic ("Did the report mention anything like that?").
_ASKING_ONLY = FRAMING_WORDS | frozenset(tokenize("report conference document like similar kind sort"))
LONG_MESSAGE_CHARS = 160  # shorter ones are one question, whatever a stop inside says ("Rantsev v. Cyprus")


def is_plain_question(message: str) -> bool:
    """A short message that only asks: no situation around it, no "I'm a labour inspector —"."""
    text = _GREETING.sub("", message.strip(), count=1)
    return len(text) <= LONG_MESSAGE_CHARS and not _ASKER.match(text)


def question_focus(message: str) -> str:
    """The part of ``message`` that asks: its last asking sentences (or its last sentence), with
    "what did the report say about" removed and who is asking reduced to their role. Never empty: a message that is
    all frame is returned as it is."""
    text = message.strip()
    sentences = split_sentences(text) if len(text) > LONG_MESSAGE_CHARS else [text]
    if len(sentences) > 1:
        asking = [s for s in sentences if s.rstrip("”\"’') ").endswith("?")]
        chosen = asking[-MAX_ASKING_SENTENCES:] if asking else sentences[-1:]
        first = sentences.index(chosen[0])
        topic = [word for word in tokenize(" ".join(chosen)) if word not in _ASKING_ONLY]
        if first > 0 and len(topic) < MIN_TOPIC_WORDS:
            chosen = [sentences[first - 1], *chosen]
        text = " ".join(chosen)
    text = _GREETING.sub("", text, count=1)
    role = ""
    asker = _ASKER.match(text)
    if asker:
        # Who is asking stays as context ("hotel manager: who on my team ..."): it says which
        # passages matter; the words around it ("I'm a", "here") do not.
        role = next(part for part in asker.groups() if part).strip()
        text = text[asker.end() :]
    unwrapped = _WRAPPER.sub("", text, count=1)
    focus = (unwrapped if re.search(r"\w", unwrapped) else text).strip()
    if role and focus:
        focus = f"{role}: {focus}"
    return focus or message.strip()
