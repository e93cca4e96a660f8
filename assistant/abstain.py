"""When to say the report does not address a question, rather than offer the closest passages as
an answer; and when to warn that the closest passages lack the figure a question asks for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .records import Chunk
from .retrieval import Scored

_NUMBER = re.compile(r"\b\d[\d,.]*\d\b")  # two digits or more: years, counts, amounts
# A question about what happened after the report was written: no report can answer it.
_AFTERWARDS = re.compile(
    r"(?i)\b(?:after|since|following) (?:the|this|that) (?:conference|report|event|meeting|panels?)\b"
    r"|\b(?:eventually|subsequently|in the years? (?:after|since))\b"
)
AFTER_THE_REPORT = "asks what happened after the report"
AFTERWARDS_NOTE = "A report can only tell what was known when it was written, not what happened after it."
# What the answer says about a reason, beyond "does not appear to address this".
EXPLANATIONS = {AFTER_THE_REPORT: AFTERWARDS_NOTE}

# A question asking for a count or an amount, and what counts as one in a passage: figures,
# number words and the words a report uses for rough amounts ("the majority", "a few").
_COUNT = re.compile(
    r"(?i)\bhow (?:many|much)\b|\bwhat (?:number|percent(?:age)?|proportion|share|amount|fraction|portion)\b"
)
_MONTH = "january|february|march|april|may|june|july|august|september|october|november|december"
_DATE = re.compile(
    rf"(?i)\b\d{{1,2}}(?:\s*(?:and|-|–)\s*\d{{1,2}})?\s+(?:{_MONTH})\b|\b(?:{_MONTH})\s+\d{{4}}\b|\b(?:19|20)\d\d\b"
)
_NUMBER_WORDS = (
    "zero|none|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
    "|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred"
    "|thousand|million|billion|trillion|dozen|half|third|quarter|twice|double|triple|percent|majority"
    "|minority|most|several|few|many|numerous"
)
_QUANTITY = re.compile(rf"(?i)\b\d[\d,.]*\b|%|\b(?:{_NUMBER_WORDS})s?\b")
FIGURE_NOTE = (
    "The question asks for a figure, and none of the closest passages gives one: check them before quoting a number."
)


def _quantities(text: str, question: str) -> list[str]:
    """Numbers and amount words in ``text`` that are not dates or years and not in ``question``."""
    asked = {q.lower() for q in _QUANTITY.findall(question)}
    return [q for q in _QUANTITY.findall(_DATE.sub(" ", text)) if q.lower() not in asked]


def lacks_figure(question: str, scored: list[Scored], chunks: list[Chunk], passages: int = 3) -> bool:
    """The question asks for a count or an amount and none of the first ``passages`` gives one.

    A warning, not an abstention: a report also answers "how many" with a list, or with words no
    pattern knows, so this cannot prove the answer is absent (measured on reworded questions).
    """
    if not _COUNT.search(question):
        return False
    return not _quantities(" ".join(chunks[s.position].text for s in scored[:passages]), question)


@dataclass(frozen=True)
class AbstainRule:
    """When to say the report does not address a question (calibrated on the public questions).

    Judged on the first stage's order, on which it was calibrated: the re-ranker may promote short
    passages whose cosine is low although the question matched others well.

    - the top passages are far from the question: their best cosine is under ``min_dense`` (every
      answerable public question scores at least 0.40; unrelated questions score under 0.25), or
      ``min_multilingual`` for the multilingual model. No cosine of that model separates answerable
      questions in other languages from unanswerable ones (on our 50 and 16: 0.16-0.56 and
      0.19-0.41), so its floor only catches questions far from every passage: at 0.20 it wrongly
      abstained on 5 answerable short questions and caught 1 unanswerable one;
    - the question names a number (a year, a count) that none of the top passages contains: the
      report has nothing on that date or figure;
    - the question asks what happened after the report ("after the conference", "eventually").
    """

    min_dense: float = 0.30
    min_multilingual: float = 0.15
    # ...and when fewer than half of the question's words found a word of the report (a recipe,
    # letters typed at random): the floor that held before words were matched.
    min_multilingual_unmatched: float = 0.20
    passages_checked: int = 3

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

    def reasons(self, question: str, scored: list[Scored], chunks: list[Chunk], floor: float) -> list[str]:
        """Why the report does not address ``question`` (none: it does); ``floor`` from :meth:`floor`."""
        if not scored:
            return ["no passage matched"]
        reasons = []
        best = max(s.dense for s in scored[: self.passages_checked])
        if best < floor:
            reasons.append(f"best match {best:.3f} < {floor:.2f}")
        top_text = " ".join(chunks[s.position].text for s in scored[: self.passages_checked])
        panel_numbers = set(re.findall(r"(?i)panel\s+(\d+)", question))
        for number in set(_NUMBER.findall(question)) - panel_numbers:
            if not re.search(rf"(?<![\d]){re.escape(number)}(?![\d])", top_text):
                reasons.append(f"{number} is in no top passage")
        if _AFTERWARDS.search(question):
            reasons.append(AFTER_THE_REPORT)
        return reasons
