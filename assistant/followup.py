"""Resolve a follow-up ("and what did they recommend?", "who said that?") against the previous
turn, without a language model: carry over the previous section and key words when the new
question is short or leans on a pronoun."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexical import PROPERTY_WORDS, STOPWORDS
from .records import Answer

_ANAPHORA = re.compile(
    r"\b(they|them|their|that|this|these|those|it|its|he|she|his|her|there|same|above)\b"
    r"|^\s*(and|but|also|what about|how about|why|who said)\b",
    re.I,
)
_WORD = re.compile(r"[^\W\d_][\w'-]*")


@dataclass(frozen=True)
class Turn:
    """What a follow-up may need from the previous question."""

    search_query: str  # the previous question as it was searched
    section: str  # section label of the previous best passage
    passage: str = ""  # id of the previous best passage ("which panel was that in?" points at it)
    question: str = ""  # the previous question as typed: the follow-up's note names it
    shown: tuple[str, ...] = ()  # ids of the passages shown so far ("tell me more" leaves them out)

    @property
    def asked(self) -> str:
        return self.question or self.search_query


def turn_after(answer: Answer, previous: Turn | None) -> Turn | None:
    """What the next question may lean on: this answer as searched (for another language, the
    report's words found for it) and its best passage's section; an answer with no passage leaves
    the previous turn in place. The chat and the evaluation both go through here."""
    if not answer.hits:
        return previous
    first = answer.hits[0].chunk
    shown = answer.left_out + tuple(hit.chunk.id for hit in answer.hits)
    if previous is not None and (answer.left_out or answer.search_query == previous.search_query):
        # "Tell me more", "which panel was that in?", "who said that?": still the topic of the
        # question that asked it, which the next follow-up's note names.
        return Turn(previous.search_query, first.section_label, first.id, previous.asked, shown)
    return Turn(answer.search_query, first.section_label, first.id, answer.question, shown)


# Asking for more on the previous answer ("tell me more", "go on", "more details please", "anything
# else?"): words that say nothing of a topic, so the previous one is meant.
MORE_WORDS = frozenset(
    """more else details detail please elaborate expand continue further explain tell anything info
    information keep going said say""".split()  # noqa: SIM905
)


def asks_for_more(question: str) -> bool:
    """A message that only asks for more on the previous answer ("tell me more", "go on")."""
    if re.fullmatch(r"(?i)\s*(?:go on|keep going|continue|more)\s*[.!?]*\s*", question):
        return True
    words = [w.lower() for w in _WORD.findall(question)]
    content = content_words(question)
    return (
        bool(content)
        and all(w.lower() in MORE_WORDS for w in content)
        and any(w in {"more", "else", "elaborate", "expand", "details", "further", "continue"} for w in words)
    )


# "Which panel was that in?", "Where does it say that?": where the previous answer is in the
# report, not a new topic. "Where was it held?" asks about a place, not about the report.
_WHERE = re.compile(
    r"""(?ix)^\s*(?:and|so|ok(?:ay)?|sorry)?[,\s]*(?:
        (?:which|what)\s+(?:panel|section|part|chapter|paragraph|page|session)s?
            (?:\s+of\s+the\s+(?:report|document))?\s+(?:was|is|are|were)\s+(?:that|this|it|these|those)\b
      | (?:which|what)\s+(?:panel|section|part|chapter|paragraph|page|session)
            \s+(?:said|says|mentioned|mentions)\s+(?:that|this|it)\b
      | where\s+(?:is|was|are|were)\s+(?:that|this|it|these|those)
            \s+(?:in\s+the\s+(?:report|document)|said|mentioned|written|stated|from)\b
      | where\s+in\s+the\s+(?:report|document)\s+(?:is|was|are|were)\s+(?:that|this|it|these|those)\b
      | where\s+(?:does|did|do)\s+(?:that|this|it|they|the\s+report)\s+(?:say|said|mention|come\s+from)\b
      | (?:which|what)\s+(?:panel|section|part|page)\s*[?.!]*\s*$
    )"""
)


# "Who said that?", "who recommended this?": who is behind the passage just read.
_WHO_SAID = re.compile(
    r"(?i)^\s*(?:and|so|ok(?:ay)?)?[,\s]*who\s+(?:said|says|suggested|recommended|proposed|made|wrote)"
    r"\s+(?:that|this|it|these|those)(?:\s+one)?\s*[?.!]*\s*$"
)


def asks_who_said(question: str) -> bool:
    """A follow-up asking who said the passage just read ("who said that?")."""
    return bool(_WHO_SAID.match(question))


def asks_where(question: str) -> bool:
    """A follow-up asking where in the report the previous answer is ("which panel was that in?")."""
    return bool(_WHERE.search(question)) and len(content_words(question)) <= MAX_FOLLOW_UP_WORDS


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w.lower() not in STOPWORDS and len(w) > 2]


# A question with more content words than this carries its own context, pronouns or not: "Why did
# Ambassador Jarbussynova say ...?" or a pasted paragraph full of "they" and "it" is not a follow-up.
MAX_FOLLOW_UP_WORDS = 5


# "there" after a form of "to be" points at nothing: "Is there anything about the Luxor Protocol?"
_EXISTENTIAL = re.compile(r"\b(?:is|are|was|were|'s)\s+there\b|\bthere\s+(?:is|are|was|were)\b", re.I)


# "this" or "it" that stands for the report a participant is reading, not the previous answer:
# "Is there anything in this for NGO staff like me?", "what does this report say about fees?",
# "does this say anything about hotels?". ("In this panel", "does it mention Brazil?" and "what does
# this mean for us?" still lean on the previous answer.)
_THE_REPORT = re.compile(
    r"""(?ix)
    \bin\ (?:this|here|there|it)\b(?=\s+(?:for|that|about|on|relevant|useful|which|to)\b|\s*[?.!,]|\s*$)
    | \bthis\ (?:report|document|thing|text|material|paper)\b
    | \b(?:does|did|do)\ this\ (?:say|mention|suggest|recommend|expect|want|ask|tell)\b
    """
)


# A name before the first pronoun is what the pronoun stands for: "What is the EICC and what does
# its framework cover?" asks about the EICC, not about the previous answer (it was read as a
# follow-up of the question before it, which the reply then named). A name: an acronym, or a
# capitalised word that does not open the question ("OK, and what did they say?" has none).
_NAME_BEFORE = re.compile(r"\b[A-Z]{2,}s?\b|(?<=[\w,;:'’] )[A-Z][a-z]+")
_OPENING = re.compile(r"(?i)^\s*(?:ok(?:ay)?|hi|hello|so|thanks)\b[\s,.!:]*")


def _named_before_pronoun(question: str) -> bool:
    """A name comes before the question's first pronoun, which then stands for it."""
    text = _OPENING.sub("", question)
    pronoun = _ANAPHORA.search(text)
    return pronoun is not None and pronoun.start() > 0 and bool(_NAME_BEFORE.search(text[: pronoun.start()]))


def is_follow_up(question: str) -> bool:
    """Leans on a pronoun or a connective ("and ...", "who said that?"), or is a bare word or two."""
    words = len(content_words(question))
    text = _THE_REPORT.sub(" ", _EXISTENTIAL.sub(" ", question))
    leans = bool(_ANAPHORA.search(text)) and not _named_before_pronoun(text)
    return words <= 1 or (words <= MAX_FOLLOW_UP_WORDS and leans) or asks_for_more(question)


# Words that ask rather than say what about: a follow-up made of these and pronouns ("and what did
# they recommend?") needs the previous turn's words; one with a word of its own does not.
ASKING_WORDS = frozenset(
    """recommend recommended suggest suggested mention mentioned think mean meant propose proposed add added
    see saw talk talked discuss discussed tell told""".split()  # noqa: SIM905
)


# A pronoun that stands for a thing, mostly the previous topic ("who backed it?", "how much did
# this cost?", "what did their speaker say?": the company asked about), unlike one that stands for
# a person ("what did she say about smugglers?").
_THING = re.compile(r"\b(?:it|its|this|these|those|their|them)\b", re.I)


_NOT_A_TOPIC = ASKING_WORDS | PROPERTY_WORDS
# Who held a role in a session: how a question asked, not what about.
_SESSION_ROLE = re.compile(r"moderat\w*|chair\w*|rapporteurs?|speakers?|spoke|panellists?|panelists?|said|says")


def own_topic(question: str) -> list[str]:
    """The follow-up's own content words, beyond those that only ask ("recommend", "mention") or
    name a property of the previous topic ("deadline", "budget")."""
    return [w for w in content_words(question) if w.lower() not in _NOT_A_TOPIC]


def resolve(question: str, previous: Turn | None, names_section: bool, follow_up: bool | None = None) -> str:
    """The question to search: itself, or itself plus the previous turn's section and key words.

    A question that names its own section stands alone. A follow-up with a topic of its own
    ("what did she say about smugglers?") carries the previous section only: the previous
    turn's words, carried whole, outweighed its own (measured: docs/quality.md). One that points
    at a thing ("who backed it?") points at the previous topic, and carries its words. ``follow_up``
    overrides the English test (:func:`is_follow_up`), for a question in another language judged
    in its own words.
    """
    if follow_up is None:
        follow_up = is_follow_up(question)
    if previous is None or names_section or not follow_up:
        return question
    if own_topic(question) and not _THING.search(question) and not asks_for_more(question):
        return f"{question} ({previous.section})"
    asked = question.lower()
    section = {w.lower() for w in _WORD.findall(previous.section)}
    carried: dict[str, str] = {}  # each word once, whatever its case ("Panel", "panel")
    for word in content_words(previous.search_query):
        lower = word.lower()
        # Only the previous topic: not how it was asked ("moderated" of "Who moderated Panel 4?"
        # made "and what did they recommend?" find the co-moderators), nor the section, carried apart.
        if (
            lower not in asked
            and lower not in section
            and lower not in _NOT_A_TOPIC
            and not _SESSION_ROLE.fullmatch(lower)
        ):
            carried.setdefault(lower, word)
    return f"{question} ({previous.section}) {' '.join(carried.values())}".strip()
