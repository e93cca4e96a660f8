"""What kind of fact a question asks for (a count, an amount of money, a year, a date) and whether
the closest passages give one: a near miss is a question on a topic the report covers that asks
for a fact it does not give ("How many hotels does AccorHotels run in Russia?").

The answer then says so above the passages, which stay visible: a warning, not an abstention,
since a report can also answer "how many" with a list no pattern can count.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from .lexical import FRAMING_WORDS, expand_acronyms, tokenize
from .sentences import split_sentences

_MONTH = "january|february|march|april|may|june|july|august|september|october|november|december"
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_DAY_MONTH = re.compile(rf"(?i)\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH})\b|\b(?:{_MONTH})\s+\d{{1,2}}\b")
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    "|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?"
    "|thousands?|millions?|billions?|trillions?|dozens?|half|third|quarter|twice|double|triple"
    "|majority|minority|most|several|few|many|numerous|percent"
)
_QUANTITY = re.compile(rf"(?i)\b\d[\d,.]*\b|%|\b(?:{_NUMBER_WORDS})\b")
# Quantities that give no number: "hundreds of miners" does not say how many miners.
_VAGUE = frozenset(
    {"hundreds", "thousands", "millions", "billions", "trillions", "dozens"}
    | {"majority", "minority", "most", "several", "few", "many", "numerous"}
)
_CURRENCY = re.compile(
    r"(?i)[$€£₽¥]\s?\d|\d[\d,.]*\s*(?:million|billion|thousand|bn|m)?\s*"
    r"(?:usd|eur|gbp|rub|dollars?|euros?|pounds?|roubles?|rubles?)\b|\b(?:usd|eur|gbp)\s?\d"
)

# How a question asks for each kind of fact. A count names what it counts ("how many hotels").
_COUNT = re.compile(r"(?i)\bhow many\s+(?:of\s+(?:the|its|their)\s+)?((?:[a-z-]+\s+){0,2}?[a-z-]+s)\b")
# Plurals without an "s" ("how many people").
_PEOPLE = re.compile(r"(?i)\bhow many\s+(?:more\s+)?(people|persons|folks|children|men|women|staff|personnel)\b")
# People are counted under many names: "how many employees" is answered by "100,000 staff", "how
# many people attended" by "200 participants". A count of one of these answers a question
# counting another (victims are not among them: a count of workers does not say how many were exploited).
_PEOPLE_NOUNS = frozenset(
    tokenize(
        "people persons folks staff employees workers participants members personnel individuals "
        "children kids men women migrants labourers students trainees attendees delegates guests "
        "residents citizens"
    )
)
# Countries too: "how many states had ratified" is answered by "17 countries", "how many countries
# came" by "40 OSCE participating States".
_COUNTRY_NOUNS = frozenset(tokenize("countries states nations"))
# And the parts of an event: "how many sessions" is answered by "five panels".
_SESSION_NOUNS = frozenset(tokenize("sessions panels meetings workshops discussions"))
# People counted by what they use ("how many phone owners" is answered by "320 million mobile phone
# users"), apart from the people above: a count of users does not say how many workers use it.
_USER_NOUNS = frozenset(tokenize("users owners subscribers customers consumers passengers"))
_SAME_COUNT = (_PEOPLE_NOUNS, _COUNTRY_NOUNS, _SESSION_NOUNS, _USER_NOUNS)
# A share or a rate is answered by a percentage or a fraction, not by any figure: "What interest
# rate does the bank pay?" is not answered by "more than 100 companies".
_SHARE = re.compile(
    r"(?i)\bwhat\s+(?:percent(?:age)?|proportion|share|fraction)\b|\bhow many per\s?cent\b"
    r"|\bby\s+(?:what|how much)\s+(?:percent(?:age)?|per\s?cent|proportion)\b"
    r"|\b(?:what|which)(?:'s|\s+is|\s+are|\s+was|\s+were)?\s+(?:the\s+)?"
    r"(?:(?!(?:of|for|about|on|in|to|with|behind|reasons?|causes?|these|those)\b)[a-z'’-]+\s+){0,5}?rates?\b"
)
_PERCENTAGE = re.compile(
    r"(?i)\d\s*(?:%|per\s?cent\b|percent\b)|\b(?:half|a third|two[- ]thirds|a quarter|three[- ]quarters)\b"
    r"|\bone in (?:\d+|two|three|four|five|six|seven|eight|nine|ten)\b|\b\d+ out of (?:every )?\d+\b"
)
# A phone number is answered by one: seven digits or more, however grouped.
_PHONE = re.compile(
    r"(?i)\b(?:phone|telephone|hotline|helpline|contact|whatsapp)\s+numbers?\b|\bnumber to (?:call|dial|ring)\b"
)
_DIGITS = re.compile(r"\+?\d(?:[\s().-]?\d){6,}")
# Who won a contest is answered by a sentence that says who won it.
_WINNER = re.compile(
    r"(?i)\bwho\s+(?:won|wins|will win|has won|had won|is winning|was the winner)\b"
    r"|\b(?:which|what)\s+(?:[a-z-]+\s+){0,2}?(?:team|country|side|player|nation|club|film|song|company)"
    r"\s+(?:won|wins|will win)\b"
)
# "What are the six steps of the Code?": the items themselves, which a passage gives only as a
# list after the word ("the following pillars - observe, record, ..."), not in "based on six steps".
_LIST = re.compile(
    r"(?i)^\s*(?:(?:can|could|would)\s+you\s+)?(?:please\s+)?(?:what|which|list|name|give|tell|enumerate)\b"
    r".*?\b(?:the|its|their|these|those)\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
    r"\s+([a-z-]+s)\b"
)
_WON = re.compile(
    r"(?i)\b(?:won|wins|winners?|winning|victory|victorious|champions?|prize|awarded|ruled|in favour of)\b"
)
_AMOUNT = re.compile(
    r"(?i)\bhow much\b.*\b(?:cost|costs|pay|paid|earn|earned|earnings|make|made|spend|spent|worth|charge|charged|"
    r"generate|generated|fines?|fined|wages?|salary|salaries|prices?|budgets?|revenues?|profits?|income|money|"
    r"rubles?|roubles?|dollars?|euros?)\b"
    r"|\bwhat\s+(?:fine|penalty|amount|sum|price|fee|budget|salary|wage)\b"
    r"|\bwhat(?:'s|\s+is|\s+was)\s+the\s+(?:[a-z-]+\s+){0,2}?(?:fine|penalty|amount|price|budget|salary|wage|cost)"
    r"(?=\s+(?:of|for|under|in|if|on|to|that|paid)\b|\s*[?,.]|\s*$)"
    r"|\bhow\s+(?:big|large|high|much)\s+(?:is|was|are|were)\s+the\s+(?:fine|penalty|budget|cost|price|fee|salary|wage)s?\b"
    r"|\bhow much (?:money|is the)\b"
    r"|\b(?:share|stock) price\b"
)
_BY_WHEN = re.compile(r"(?i)\bby\s+(?:what|which)\s+(?:year|date)\b|\bby when\b")
_DEADLINE = re.compile(r"(?i)\b(?:by|until|before)\s+(?:(?:the\s+)?end\s+of\s+)?(?:1[89]|20)\d\d\b")
_WHAT_YEAR = re.compile(r"(?i)\b(?:in\s+)?(?:what|which)\s+year\b")
# "When was/will ...?" asks for a time: a year answers it, and so does a day and month without
# one ("the results would be presented on December 13 in Vienna").
_WHEN = re.compile(r"(?i)^\s*when\s+(?:was|were|did|is|will)\b")
_WHAT_DATE = re.compile(r"(?i)\b(?:what|which)\s+(?:exact\s+|precise\s+)?(?:date|day)\b|\bon what day\b")
# "What figure did they give for the number of people in forced labour?": a count of people.
_FIGURE = re.compile(r"(?i)\b(?:what|which)\s+(?:figure|number|statistic)s?\b")
_NUMBER_OF = re.compile(r"(?i)\bnumber of\s+(?:the\s+)?([a-z-]+)")


@dataclass(frozen=True)
class Wanted:
    """The kind of fact asked for, and for a count, the word for what is counted ("hotels")."""

    kind: str  # "number", "amount", "percentage", "winner", "list", "phone number", "year" or "date"
    counted: str = ""
    deadline: bool = False  # "by what year": answered by "by 2025", whatever words stand around it
    when: bool = False  # "when was ...?": a date, answered by a year or by a day and month


def wanted(question: str) -> Wanted | None:
    """What the question asks for, or None for a question that asks for no figure or date."""
    if _AMOUNT.search(question):
        return Wanted("amount")
    listed = _LIST.search(question)
    if listed:
        return Wanted("list", listed.group(1).lower())
    count = _COUNT.search(question)
    people = _PEOPLE.search(question)
    if people and (count is None or people.start() < count.start()):
        return Wanted("number", people.group(1).lower())
    if count:
        return Wanted("number", count.group(1).split()[-1].lower())
    if _PHONE.search(question):
        return Wanted("phone number")
    if _FIGURE.search(question):
        counted = _NUMBER_OF.search(question)
        return Wanted("number", counted.group(1).lower() if counted else "")
    if _SHARE.search(question):
        return Wanted("percentage")
    if re.search(r"(?i)\bhow much\b", question):
        return Wanted("number")
    if _WINNER.search(question):
        return Wanted("winner")
    if _BY_WHEN.search(question):
        return Wanted("year", deadline=True)
    if _WHAT_YEAR.search(question):
        return Wanted("year")
    if _WHEN.search(question):
        return Wanted("date", when=True)
    if _WHAT_DATE.search(question):
        return Wanted("date")
    return None


class FactCheck:
    """Whether passages give the kind of fact a question asks for.

    A year or an amount counts only in a sentence that shares two of the question's rarer words
    (in under a tenth of the report's passages), an amount in the best passage anywhere: nearly
    every passage of this report has a year and the word "trafficking", so a year must sit
    beside the question's own topic ("model draft law") to answer it. A count counts only just
    before what is counted ("160 countries" does not answer "how many hotels")."""

    RARE_SHARE = 0.1

    def __init__(self, passages: list[str], acronyms: dict[str, str] | None = None) -> None:
        """``acronyms``: the report's (GLAA: Gangmasters and Labour Abuse Authority), so that a
        question's "UNGPs" finds the sentence that spells the name out ("In what year did the UNGPs
        become a milestone?": "the United Nations Guiding Principles ... a milestone ... in 2011")."""
        self._texts = list(passages)  # the whole report, for ``given_elsewhere``
        self.acronyms = dict(acronyms or {})
        frequency: Counter[str] = Counter()
        self.words = [frozenset(tokenize(text)) for text in passages]  # each passage's, stemmed: asked per question
        for words in self.words:
            frequency.update(words)
        self._frequency = frequency
        self._passages = max(1, len(passages))
        most = self.RARE_SHARE * self._passages
        self._common = frozenset(word for word, count in frequency.items() if count >= most)

    def rare_words(self, text: str) -> set[str]:
        """The words of ``text`` (stemmed) found in under a tenth of the report's passages, or in
        none; words that frame a question (``FRAMING_WORDS``) aside."""
        return {word for word in tokenize(text) if word not in self._common and word not in FRAMING_WORDS}

    def specificity(self, text: str) -> dict[str, float]:
        """Each rarer word of ``text`` with how specific it is: the log of the report's passages
        over those that use it (a word the report never uses counts as used once)."""
        return {word: math.log(self._passages / max(1, self._frequency[word])) for word in self.rare_words(text)}

    def missing(self, question: str, passages: list[str]) -> Wanted | None:
        """What the question asks for when none of ``passages`` gives it; None when one does, or
        when the question asks for no figure or date."""
        want = wanted(question)
        if want is None:
            return None
        topic = self.rare_words(expand_acronyms(question, self.acronyms))
        asked = _figures_named(question)
        for rank, text in enumerate(passages):
            # A list runs over lines and sentences, and who won is said anywhere in a passage on
            # the contest (the case named in one sentence, "The court awarded ..." in the next):
            # both are read in the whole passage.
            units = [text] if want.kind in ("list", "winner") else split_sentences(text)
            for sentence in units:
                # An amount or a percentage in the best passage needs no shared word: a reworded
                # question ("the gangs who sneak people across borders") shares none with the
                # sentence that answers it, and few passages have an amount at all.
                anywhere = rank == 0 and want.kind in ("amount", "percentage")
                if _gives(want, sentence, None if anywhere else topic, asked):
                    return None
        return want

    def given_elsewhere(self, question: str, want: Wanted) -> bool:
        """Whether a sentence anywhere in the report (the passages this check was made from) gives
        the year, date, amount or percentage ``question`` asks for
        beside most of its rarer words: then the report does give it, though not in the passages
        shown ("By what year should child labour be eliminated?": "by 2025" is in the opening
        addresses, not in the three closest passages). Counts, lists and phone numbers are not
        looked for: a count of something else ("200 participants") is in many passages, and would
        silence every near miss."""
        if want.kind not in ("year", "date", "amount", "percentage", "winner"):
            return False
        strict = replace(want, deadline=False)  # "by 2030" anywhere is no answer without the topic
        topic = self.rare_words(expand_acronyms(question, self.acronyms)) - _ASKED_FOR
        asked = _figures_named(question)
        if not topic:
            return False
        # Most of the topic, not two words of it: "modern slavery ... by 2030" (the ILO's goal) is
        # no answer to "What year did the UK pass the Modern Slavery Act?".
        need = max(min(2, len(topic)), math.ceil(0.6 * len(topic)))
        # Only passages with enough of the topic are split into sentences (``self.words``: each
        # passage's stems): a few of the report's, not all of them at every near miss.
        return any(
            _gives(strict, sentence, None, asked) and len(topic & set(tokenize(sentence))) >= need
            for text, words in zip(self._texts, self.words, strict=True)
            if len(topic & words) >= need
            for sentence in split_sentences(text)
        )


# What a question asks for, not what about: "year" in "What year did ...?" is no topic word.
_ASKED_FOR = frozenset(tokenize("year years date dates month day when time"))


def gives_what_is_asked(question: str) -> Callable[[str], bool] | None:
    """Whether a sentence gives the kind of fact ``question`` asks for (a count, a year, ...),
    wherever it stands; None when it asks for none. The highlighted sentence prefers it."""
    want = wanted(question)
    if want is None:
        return None
    asked = _figures_named(question)
    return lambda sentence: _gives(want, sentence, None, asked)


def _figures_named(question: str) -> set[str]:
    """The counts and years the question names itself: a sentence repeating them gives nothing new."""
    return {q.lower() for q in _QUANTITY.findall(question)} | set(_YEAR.findall(question))


def _lists(noun: str, passage: str) -> bool:
    """``passage`` lists items after ``noun`` (a colon or a dash, then items set apart by commas,
    semicolons or lines): "the following pillars - observe, record, understand and improve"."""
    stem = re.escape(noun[:-1] if noun.endswith("s") else noun)
    return bool(re.search(rf"(?i)\b{stem}\w*\b[^.:;\n]{{0,60}}?\s[:\-–—]\s*[^.]*?[,;\n]", passage)) or bool(
        re.search(rf"(?i)\b{stem}\w*\b[^.;\n]{{0,60}}?:\s*\S[^.]*?[,;\n]", passage)
    )


def _gives(want: Wanted, sentence: str, topic: set[str] | None, asked: set[str]) -> bool:
    """``sentence`` gives the fact; a year or an amount only beside a ``topic`` word (None: anywhere)."""
    if want.kind == "list":
        return _lists(want.counted, sentence)
    if want.kind == "number":
        plain = _DAY_MONTH.sub(" ", _YEAR.sub(" ", sentence))
        counted = tokenize(want.counted)
        for match in _QUANTITY.finditer(plain):
            if match.group().lower() in asked or match.group().lower() in _VAGUE:
                continue
            following = tokenize(" ".join(plain[match.end() :].split()[:4]))
            if not counted or counted[0] in following:
                return True
            if any(counted[0] in nouns and nouns.intersection(following) for nouns in _SAME_COUNT):
                return True
        return False
    # Two of the question's rarer words (one, if it has only one): "Act" alone does not make a
    # sentence about the US Trade Act answer a question about the UK Modern Slavery Act.
    shares_topic = topic is None or len(topic & set(tokenize(sentence))) >= min(2, len(topic))
    if want.kind == "amount":
        return shares_topic and bool(_CURRENCY.search(sentence))
    if want.kind == "percentage":
        return shares_topic and bool(_PERCENTAGE.search(sentence))
    if want.kind == "phone number":
        return bool(_DIGITS.search(sentence))
    if want.kind == "winner":
        return shares_topic and bool(_WON.search(sentence))
    if want.deadline and _DEADLINE.search(sentence):
        return True  # a target year answers a reworded question that shares no word with it
    patterns = (_YEAR, _DAY_MONTH) if want.when else (_YEAR,) if want.kind == "year" else (_DAY_MONTH,)
    return shares_topic and any(found not in asked for pattern in patterns for found in pattern.findall(sentence))


_NAME = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-Z][\w'’-]*[A-Za-z](?:\s+(?:of\s+)?[A-Z][\w'’-]*[A-Za-z])*")


def mentioned(question: str, passages: list[str]) -> list[str]:
    """The question's names (capitalised words after its first) that the passages use: what the
    report does mention, said before what it does not give."""
    text = " ".join(passages)
    names = [m.group() for m in _NAME.finditer(question.strip())]
    return list(dict.fromkeys(n for n in names if n in text))[:3]


def note(
    want: Wanted, mentioned: list[str], where: str = "The report", closest: bool = True, on_topic: bool = True
) -> str:
    """The line shown above the closest passages: what they are about, and what they lack (and,
    unless another line says so already, that the closest passages follow: ``closest``).
    ``on_topic`` False: the question names something the report never mentions ("the Palermo
    Protocol"), so the passages are not said to be on its topic."""
    # Quoted: a name may be an adjective ("mentions “French”"), which reads wrong unquoted.
    quoted = ", ".join(f"“{name}”" for name in mentioned)
    on = "has passages on this topic but" if on_topic else ""
    subject = f"mentions {quoted} but" if mentioned else on
    said = " ".join(part for part in (where, subject, f"does not give the {want.kind} asked for.") if part)
    return f"{said} The closest passages are shown below: check them before quoting one." if closest else said
