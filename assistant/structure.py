"""What a question says about the report's structure: which sections it names, whether it asks
for recommendations. The section names come from the parsed report, not from a list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from .lexical import tokenize

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
_LAST = ("last", "final")  # "the last panel": the highest-numbered one of the report
# The words the section intent reads, beyond the report's own: a question in another language may
# be matched to them ("четвёртой" -> "fourth"), so they are among the words it can be matched to.
INTENT_WORDS = frozenset(
    [w for w in ORDINALS if w.isalpha()]
    + list(_LAST)
    + ["panel", "session", "recommend", "recommended", "moderated", "moderator", "rapporteur", "speaker", "chaired"]
)
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
# A question describing a section by its topic says which kind of section it means.
_NAMING_WORD = re.compile(r"\b(?:panel|session|discussion)s?\b", re.I)
PANEL_LABEL = re.compile(r"Panel (\d+)")  # a panel's section label: "Panel 2"
_PANEL = re.compile(
    r"\bpanel\s*(?:no\.?\s*)?(\d+|one|two|three|four|five|six)\b"
    r"|\b(first|second|third|fourth|fifth|sixth|1st|2nd|3rd|4th|last|final)\s+panel"
)


# A question about who held a role in a session: the passage that lists its people answers it.
_ROLE = re.compile(
    r"(?i)\b(?:moderat\w*|chair(?:ed|s|ing|person|man|woman)?|rapporteurs?|speakers?|panellists?|panelists?)\b"
)
_WHO = re.compile(r"(?i)\bwho\b|\bwhich (?:person|people)\b")
# A question about the whole document ("What is this report about?", "give me a summary", "overview
# please"): its introduction answers it; no passage shares its words, so none was found by them.
_WHOLE = re.compile(
    r"""(?ix)\b(?:what(?:'s|’s|\s+is|\s+was)\s+(?:this|the)(?:\s+(?:report|document|paper|text|thing))?
        \s+(?:all\s+)?about\b
      | summary | overview | gist | summari[sz]e | tl;?dr )"""
)
_WHOLE_WORDS = frozenset(tokenize("report document paper text summary overview gist summarise summarize please give"))
# Where or when the event the report is about took place ("Where and when was this conference
# held?", and the report's words found for "Где и когда проходила эта конференция?"): its title
# page and introduction say so, and no passage shares the question's words but "conference".
_EVENT = re.compile(
    r"(?i)^\W*(?:where|when)\b(?:\s+and\s+(?:where|when)\b)?.*\b(?:this|the)\s+(?:conference|event|meeting)\b"
)
_EVENT_WORDS = frozenset(tokenize("conference event meeting held hold take took place happen happened did"))
# A passage cited by its number, as the answers cite them: "Recommendation 10", "recommendation
# no. 3", "the 4th recommendation", "¶12", "paragraph 5".
NUMBERED = re.compile(
    r"""(?ix)
    \b(?:recommendations?|rec\.)\s*(?:no\.?\s*|number\s*|\#\s*)?(?P<rec_n>\d{1,3})\b
    | \b(?P<rec_th>\d{1,3})(?:st|nd|rd|th)\s+recommendation\b
    | (?:¶\s*|\bparagraphs?\s*(?:no\.?\s*|number\s*)?|\bpara\.?\s*)(?P<par_n>\d{1,3})\b
    """
)
_OPENING_SECTION = re.compile(r"(?i)\b(?:front matter|introduction|summary|overview)\b")  # the title page too


@dataclass(frozen=True)
class QueryIntent:
    sections: frozenset[str]  # section labels the question names
    wants_recommendations: bool
    wants_people: bool = False  # asks who moderated, chaired, spoke or reported
    about_whole: bool = False  # asks about the document as a whole (what about, where and when): its opening answers
    # Passages cited by number: ("recommendation", 10), ("paragraph", 12).
    numbered: frozenset[tuple[str, int]] = frozenset()
    # The panels named by number or ordinal ("Panel 2", "the first panel"): certain, unlike a
    # section named by its topic's words (the closing session's "ways forward" is not Panel 4's).
    by_number: frozenset[str] = frozenset()
    # Panels named by number that the documents do not have ("Panel 6" of a report with four).
    unknown_panels: frozenset[int] = frozenset()


class SectionMatcher:
    """Finds the sections a question names, from the labels of the indexed sections.

    "Panel 2", "the second panel" name a panel; any other heading is named by one
    of its distinctive words together with its generic word ("closing remarks" for
    "Concluding remarks", "introductory addresses"), or by all its words. A panel is also
    named by its topic: "the panel on international and national norms", "the 'way forward'
    session" share two consecutive words with one section's full title and no other's, words
    that are rare in the passages themselves ("human trafficking" names no panel).
    """

    def __init__(self, labels: list[str], topics: dict[str, list[list[str]]] | None = None) -> None:
        """``topics``: each section's naming word pairs, from :func:`topic_pairs` (kept in the
        index's manifest: finding them reads every passage, which is build work, not start-up)."""
        self.labels = list(dict.fromkeys(labels))
        self._title_pairs = {label: {(a, b) for a, b in pairs} for label, pairs in (topics or {}).items()}
        self._panels = {int(m.group(1)): label for label in self.labels if (m := PANEL_LABEL.fullmatch(label))}
        self._headings = {}
        for label in self.labels:
            if label in self._panels.values():
                continue
            words = set(re.findall(r"[a-z]+", label.lower()))
            self._headings[label] = (words - _GENERIC_HEADING_WORDS, words & _GENERIC_HEADING_WORDS)

    def intent(self, question: str) -> QueryIntent:
        text = question.lower()
        found: set[str] = set()
        unknown: set[int] = set()
        for match in _PANEL.finditer(text):
            word = match.group(1) or match.group(2)
            number = self._panel_number(word)
            if number in self._panels:
                found.add(self._panels[number])
            elif self._panels:
                unknown.add(number)
        by_number = frozenset(found)
        # "the final panel" names a panel, not the concluding remarks ("final remarks")
        words = {SYNONYMS.get(w, w) for w in re.findall(r"[a-z]+", _PANEL.sub(" ", text))}
        for label, (distinctive, generic) in self._headings.items():
            if (generic and distinctive & words and generic & words) or (distinctive and distinctive <= words):
                found.add(label)
        if _NAMING_WORD.search(question):
            pairs = _word_pairs(question)
            found.update(label for label, own in self._title_pairs.items() if own & pairs)
        words_asked = set(tokenize(question))
        whole = not found and (
            (bool(_WHOLE.search(question)) and words_asked <= _WHOLE_WORDS)
            or (bool(_EVENT.search(question)) and words_asked <= _EVENT_WORDS)
        )
        if whole:
            found.update(label for label in self.labels if _OPENING_SECTION.search(label))
        wants_people = bool(_ROLE.search(question) and _WHO.search(question))
        recommendations = bool(_RECOMMEND.search(question))
        return QueryIntent(
            frozenset(found),
            recommendations,
            wants_people,
            about_whole=whole and bool(found),
            numbered=numbered(question),
            by_number=by_number,
            unknown_panels=frozenset(unknown),
        )

    def _panel_number(self, word: str) -> int:
        """The panel ``word`` names: "2", "second", or "last" for the highest-numbered one."""
        if word in _LAST:
            return max(self._panels, default=0)
        return int(word) if word.isdigit() else ORDINALS[word]


def cited_numbers(text: str) -> list[tuple[str, str]]:
    """The passages ``text`` cites by number, as (kind, digits as written): ("recommendation", "10")."""
    found = []
    for match in NUMBERED.finditer(text):
        recommendation = match.group("rec_n") or match.group("rec_th")
        if recommendation:
            found.append(("recommendation", recommendation))
        elif match.group("par_n"):
            found.append(("paragraph", match.group("par_n")))
    return found


def numbered(question: str) -> frozenset[tuple[str, int]]:
    """The passages ``question`` cites by number, as (kind, number): ("recommendation", 10)."""
    return frozenset((kind, int(digits)) for kind, digits in cited_numbers(question))


def _word_pairs(text: str) -> set[tuple[str, str]]:
    """Consecutive content words, stemmed: ("nation", "norm") for "national norms"."""
    words = tokenize(text)
    return set(pairwise(words))


def topic_pairs(titles: dict[str, str], passages: list[str]) -> dict[str, list[list[str]]]:
    """Each title's word pairs that no other title has and that few passages use: "national
    norms" names Panel 2; "private sector" (two titles, 44 passages) names no panel. As lists,
    sorted, for the index's manifest."""
    pairs = {label: _word_pairs(title) for label, title in titles.items() if title.strip() != label}
    in_passages = [_word_pairs(text) for text in passages]
    most = max(3, len(passages) // 50)  # passages a pair may occur in and still name a section

    def distinctive(pair: tuple[str, str], label: str) -> bool:
        if any(pair in other for name, other in pairs.items() if name != label):
            return False
        return sum(pair in found for found in in_passages) <= most

    return {label: sorted([a, b] for a, b in own if distinctive((a, b), label)) for label, own in pairs.items()}
