"""When to say the report does not address a question, rather than offer the closest passages as
an answer. (Whether they lack the figure or date a question asks for: asked.py.)"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .records import Chunk
from .retrieval import Scored
from .structure import cited_numbers

_NUMBER = re.compile(r"\b\d[\d,.]*\d\b")  # two digits or more: years, counts, amounts
# A question about what happened after the report was written, or about this very moment ("right
# now", "this weekend"): no report can answer it. ("Today" and "currently" are left out: "What are
# the risks today?" asks what the report says.)
_AFTERWARDS = re.compile(
    r"(?i)\b(?:after|since|following) (?:the|this|that) (?:conference|report|event|meeting|panels?)\b"
    r"|\b(?:eventually|subsequently|in the years? (?:after|since))\b"
    r"|\b(?:right now|tonight|tomorrow|yesterday|this (?:week|weekend|evening|month)|next (?:week|weekend|month))\b"
    # The same in Russian, the workshops' other language ("Какая погода в Москве завтра?"): the
    # words found for it in English lose the time ("завтра" is nearest the report's "today").
    r"|(?<!\w)(?:завтра|вчера|прямо сейчас|сегодня вечером|на (?:этой|следующей) неделе"
    r"|в (?:эти|ближайшие) выходные|на выходных|в (?:этом|следующем) месяце)(?!\w)"
)
# A question about the occasion the assistant is used at (a workshop's wifi, lunch, certificates,
# room): participants type them into the same box. None of these words is the report's.
# Certificates only as the participants' own ("do we get a certificate?"): the report has the
# certification of recruitment agencies.
_THIS_OCCASION = re.compile(
    r"(?i)\b(?:wi-?fi|password|coffee break|lunch|toilets?|restrooms?|cloakroom)\b"
    r"|\b(?:we|i)\s+(?:get|receive|be given)\s+(?:an?\s+|our\s+|the\s+)?certificates?\b"
    r"|\bcertificates? of (?:attendance|participation|completion)\b"
    r"|\btoday'?s (?:workshop|training|session|seminar|course|class|programme|program|agenda|schedule)\b"
    r"|\b(?:the|our|this) (?:workshop|training|seminar) (?:room|venue|building)\b"
    r"|\b(?:the|our|this) (?:workshop|seminar) (?:schedule|agenda)\b"
)
# A request for a text the assistant would have to write ("help me write a cover letter", "draft
# an email", "how do you say ... in Spanish?", "a recipe for ..."): it only finds the report's
# passages. "What did the report write about ...?" is a question, not a request.
_TASK = re.compile(
    r"(?i)(?:^|\b(?:you|me|us|please|pls|to)\s+|[.!?,:;]\s*)(?:help\s+(?:me\s+|us\s+)?)?"
    r"(?:write|draft|compose|rewrite|proofread|translate)\b"
    r"|\bhow (?:do|would|can|could) (?:you|i|we) say\b|\brecipes?\b"
)
# Numbers as a report may spell them ("around two hundred participants"), for the number rule.
_UNITS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_SPELLED = re.compile(
    rf"(?i)\b(?:(a|{'|'.join(_UNITS)})|({'|'.join(_TENS)})(?:[- ]({'|'.join(_UNITS[:9])}))?)"
    rf"(?:\s+({'|'.join(_SCALES)}))?\b"
)


def spelled_numbers(text: str) -> set[str]:
    """The numbers ``text`` spells out, as digits: "two hundred" gives "200", "forty-five" "45"."""
    found = set()
    for unit, tens, tens_unit, scale in _SPELLED.findall(text):
        if unit.lower() == "a" and not scale:
            continue  # "a" alone is no number; "a hundred" is
        value = 1 if unit.lower() == "a" else (_UNITS.index(unit.lower()) + 1 if unit else 0)
        if tens:
            value = (_TENS.index(tens.lower()) + 2) * 10 + (_UNITS.index(tens_unit.lower()) + 1 if tens_unit else 0)
        found.add(str(value * _SCALES.get(scale.lower(), 1)))
    return found


AFTER_THE_REPORT = "asks what happened after the report"
ABOUT_THIS_OCCASION = "asks about the event it is asked at"
OCCASION_NOTE = (
    "For the event you are at (times, rooms, wifi, certificates), ask its organisers: "
    "this assistant answers from the report only."
)
AFTERWARDS_NOTE = (
    "A report can only tell what was known when it was written, not what happened after it or what is happening now."
)
ASKS_FOR_A_TEXT = "asks for a text to be written, about nothing the report has"
TASK_NOTE = "This assistant does not write or translate texts: it finds what the report says, in its own words."
# Over passages shown as an answer when the cross-encoder judged none of them close (see
# ``AbstainRule.loose_relevance``): not a claim about the report, a reason to read before quoting.
LOOSE_MATCH_NOTE = "None of these passages matches the question closely: read them before quoting."
OFF_TOPIC = "names what the report never mentions, in words it mostly does not use"
OFF_SUBJECT = "is far from everything the report is about, in words it mostly does not use"
# What the answer says about a reason, beyond "does not appear to address this".
EXPLANATIONS = {AFTER_THE_REPORT: AFTERWARDS_NOTE, ABOUT_THIS_OCCASION: OCCASION_NOTE, ASKS_FOR_A_TEXT: TASK_NOTE}


def best_relevance(shown: list[Scored]) -> float | None:
    """The cross-encoder's best verdict on the passages served (None: they were not re-ranked)."""
    verdicts = [s.relevance for s in shown if s.relevance is not None]
    return max(verdicts) if verdicts else None


@dataclass(frozen=True)
class AbstainRule:
    """When to say the report does not address a question (calibrated on the public questions).

    Judged on the first stage's order, on which it was calibrated: the re-ranker may promote short
    passages whose cosine is low although the question matched others well.

    - the top passages (short lines aside, see ``min_words_judged``) are far from the question: their
      best cosine is under ``min_dense`` (every answerable question of the first public set scores
      at least 0.40, unrelated ones under 0.25; questions asking whether something came up in
      passing score 0.28-0.30, hence ``mentioned`` in :meth:`reasons`), or
      ``min_multilingual`` for the multilingual model. No cosine of that model separates answerable
      questions in other languages from unanswerable ones (on our 50 and 16: 0.16-0.56 and
      0.19-0.41), so its floor only catches questions far from every passage: at 0.20 it wrongly
      abstained on 5 answerable short questions and caught 1 unanswerable one;
    - the question names a number (a year, a count) that none of the top passages contains: the
      report has nothing on that date or figure;
    - the asking part of the question asks what happened after the report ("after the
      conference", "eventually") or about this very moment ("right now", "this weekend"), or about
      the event it is asked at (the workshop's wifi, lunch, certificates).
    """

    min_dense: float = 0.30
    min_multilingual: float = 0.15
    # ...and when fewer than half of the question's words found a word of the report (a recipe,
    # letters typed at random): the floor that held before words were matched.
    min_multilingual_unmatched: float = 0.20
    passages_checked: int = 3
    # A line shorter than this (the title page's "Moscow, 20-21 July 2017") is close to any question
    # that shares its one name; the engine leaves it out of the cosine judgment when that name is
    # all it shares (``unjudged`` in :meth:`reasons`).
    min_words_judged: int = 8
    # Off topic: the question names something the report never mentions, fewer than this share of
    # its words are the report's, and the cross-encoder judges even its best passage irrelevant
    # (a logit under ``max_relevance``). Each alone also fits answerable questions: a paraphrase
    # in other words ("people-trading ... rackets"), a court named differently ("the Strasbourg
    # ruling"), a reworded question the cross-encoder misjudges. All three together did not.
    max_known_share: float = 0.5
    max_relevance: float = 0.0
    # Off the report's subject: the question's vector is nearly orthogonal to the mean of the
    # passages' vectors (cosine under this) and under ``max_known_share`` of its words are the
    # report's. Unrelated questions score -0.04 to 0.04 ("the weather forecast for Moscow this
    # weekend", whose "Moscow" and date the cross-encoder matched with the title page); the
    # answerable ones of the public sets 0.06 and above, paraphrases included.
    max_subject_similarity: float = 0.05
    min_words_subject: int = 3
    # A request for a text (``asks_for_a_text``) is turned away when even the best passage is
    # judged far from it (a logit under this: a cover letter for a marketing job, -11); a text on
    # the report's topic ("help me draft a supplier code on forced labour", +1.9; "write a summary
    # of the recommendations for governments", -2.5) gets only the note, over its passages.
    max_task_relevance: float = -5.0
    # A plain question (short, not a follow-up, not saying who asks) whose best passage the
    # cross-encoder judges this far off (a logit under this) gets LOOSE_MATCH_NOTE over passages it
    # still answers with. Measured on the fourteen read sets: 15 English questions score under
    # -8; 6 are out of scope ("What's the capital of Kazakhstan?", "euro to ruble exchange rate
    # today?"), 6 have their answer 3rd to 5th and 3 first. Long messages and role questions are
    # left out: the cross-encoder misjudges them (22 of the 29 answerable questions under -8).
    loose_relevance: float = -8.0

    def floor(self, multilingual: bool, words_matched: float = 1.0, anchored: bool = False) -> float:
        """The cosine under which the closest passages are too far from the question.

        For a question in another language: ``words_matched`` is the share of its words that
        found a word of the report, and ``anchored`` whether it names a section or someone the
        report names: then there is no floor, as the multilingual model places a short question
        far from the passage that answers it (0.135 for "Кто такой Боб Митчелл?", 0.14 for "Кто
        модерировал вторую панель?", whose answers come first)."""
        if not multilingual:
            return self.min_dense
        if anchored:
            return 0.0
        return self.min_multilingual if words_matched >= 0.5 else self.min_multilingual_unmatched

    def reasons(
        self,
        question: str,
        scored: list[Scored],
        chunks: list[Chunk],
        floor: float,
        *,
        asking: str | None = None,
        shown: list[Scored] | None = None,
        mentioned: bool = False,
        unjudged: frozenset[int] = frozenset(),
    ) -> list[str]:
        """Why the report does not address ``question`` (none: it does); ``floor`` from :meth:`floor`.

        ``scored`` is the first stage's order. The number rule reads ``asking``, the part of the
        message that asks (the "60 rooms" of a hotel manager's story are not what is asked), and
        looks for its numbers in the first passages of ``scored`` and of ``shown``, the order
        served: the re-ranker may bring up the passage that has the year. ``mentioned``: the
        closest passages use the question's own rarer words and it names nothing the report
        lacks; the cosine floor then does not apply ("Was there anything on bitcoin?" is far in
        cosine from the long passage that mentions bitcoins in passing, yet that passage answers it).
        ``unjudged``: positions left out of the cosine judgment (see ``min_words_judged``).
        """
        if not scored:
            return ["no passage matched"]
        reasons = []
        judged = [s for s in scored if s.position not in unjudged] or scored
        best = max(s.dense for s in judged[: self.passages_checked])
        if best < floor and not mentioned:
            reasons.append(f"best match {best:.3f} < {floor:.2f}")
        top = scored[: self.passages_checked] + (shown or [])[: self.passages_checked]
        top_text = " ".join(chunks[s.position].text for s in top)
        asking = question if asking is None else asking
        # "Panel 4", "Recommendation 10", "¶12" cite the report's parts, not a figure to find in them.
        cited = set(re.findall(r"(?i)panel\s+(\d+)", asking))
        cited |= {digits for _, digits in cited_numbers(asking)}
        numbers = sorted(set(_NUMBER.findall(asking)) - cited)
        spelled = spelled_numbers(top_text) if numbers else set()
        for number in numbers:
            if number.replace(",", "") in spelled:
                continue  # "200 participants" and the report's "two hundred participants"
            if not re.search(rf"(?<![\d]){re.escape(number)}(?![\d])", top_text):
                reasons.append(f"{number} is in no top passage")
        if _AFTERWARDS.search(asking):
            reasons.append(AFTER_THE_REPORT)
        if _THIS_OCCASION.search(asking):
            reasons.append(ABOUT_THIS_OCCASION)
        best_verdict = best_relevance(shown or [])
        if self.asks_for_a_text(asking) and best_verdict is not None and best_verdict < self.max_task_relevance:
            reasons.append(ASKS_FOR_A_TEXT)
        return reasons

    @staticmethod
    def asks_for_a_text(asking: str) -> bool:
        """Whether the asking part of a message asks for a text to be written or translated."""
        return bool(_TASK.search(asking))

    def off_subject(self, subject_similarity: float, known_share: float, words: int) -> str | None:
        """The reason when a question of ``words`` content words is about something else
        altogether (see ``max_subject_similarity``), else None. One or two words say too little:
        "What were the dates?" has one, which the report does not use, and the title page answers it."""
        if words < self.min_words_subject:
            return None
        if subject_similarity < self.max_subject_similarity and known_share < self.max_known_share:
            return OFF_SUBJECT
        return None

    def off_topic(self, unknown_names: list[str], known_share: float, best_relevance: float | None) -> str | None:
        """The reason when a question is off the report's topic (see ``max_known_share``), else
        None. Without a cross-encoder's verdict it never is: names and words alone are too weak."""
        if not unknown_names or best_relevance is None:
            return None
        if known_share < self.max_known_share and best_relevance < self.max_relevance:
            return OFF_TOPIC
        return None
