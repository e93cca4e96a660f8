"""What a question says about the report's structure: which sections it names, whether it asks
for recommendations. The section names come from the parsed report, not from a list."""

from __future__ import annotations

import re
from dataclasses import dataclass

ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}
# Words a participant uses for a heading's words ("closing remarks" for "Concluding remarks").
SYNONYMS = {
    "closing": "concluding",
    "final": "concluding",
    "opening": "welcoming",
    "welcome": "welcoming",
    "intro": "introduction",
}
_RECOMMEND = re.compile(r"\brecommend\w*|\bsuggest\w*|\bshould\b|\bcall(?:ed)? for\b|\badvise\w*", re.I)
_GENERIC_HEADING_WORDS = {"remarks", "addresses", "recommendations", "the", "and"}
_PANEL = re.compile(
    r"\bpanel\s*(?:no\.?\s*)?(\d+|one|two|three|four|five|six)\b"
    r"|\b(first|second|third|fourth|fifth|sixth|1st|2nd|3rd|4th)\s+panel"
)


@dataclass(frozen=True)
class QueryIntent:
    sections: frozenset[str]  # section labels the question names
    wants_recommendations: bool


class SectionMatcher:
    """Finds the sections a question names, from the labels of the indexed sections.

    "Panel 2", "the second panel" name a panel; any other heading is named by one
    of its distinctive words together with its generic word ("closing remarks" for
    "Concluding remarks", "introductory addresses"), or by all its words.
    """

    def __init__(self, labels: list[str]) -> None:
        self.labels = list(dict.fromkeys(labels))
        self._panels = {int(m.group(1)): label for label in self.labels if (m := re.match(r"Panel (\d+)$", label))}
        self._headings = {}
        for label in self.labels:
            if label in self._panels.values():
                continue
            words = set(re.findall(r"[a-z]+", label.lower()))
            self._headings[label] = (words - _GENERIC_HEADING_WORDS, words & _GENERIC_HEADING_WORDS)

    def intent(self, question: str) -> QueryIntent:
        text = question.lower()
        found: set[str] = set()
        for match in _PANEL.finditer(text):
            word = match.group(1) or match.group(2)
            number = int(word) if word.isdigit() else ORDINALS[word]
            if number in self._panels:
                found.add(self._panels[number])
        words = {SYNONYMS.get(w, w) for w in re.findall(r"[a-z]+", text)}
        for label, (distinctive, generic) in self._headings.items():
            if (generic and distinctive & words and generic & words) or (distinctive and distinctive <= words):
                found.add(label)
        return QueryIntent(frozenset(found), bool(_RECOMMEND.search(question)))
