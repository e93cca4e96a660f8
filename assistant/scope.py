"""Whether the report addresses a question, and what the answer then says above the passages.

The rules are in abstain.py (when to say "does not appear to address this") and asked.py (a
figure or date asked for and not given); this module gathers what they read about the report:
its words and how specific each is, the names it uses, and what it is about as one direction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .abstain import EXPLANATIONS, LOOSE_MATCH_NOTE, TASK_NOTE, AbstainRule, best_relevance
from .asked import FactCheck, mentioned
from .asked import note as lacking_note
from .lexical import PROPERTY_WORDS, tokenize
from .names import NameChecker
from .records import Chunk
from .report import TERMINAL
from .retrieval import Scored

NOT_ADDRESSED = "The report does not appear to address this. The closest passages are shown below."
NOT_ADDRESSED_ANY = "The documents do not appear to address this. The closest passages are shown below."
# "the dates", "the venue": what is asked of a topic, not a topic the report would name.
_PROPERTY_STEMS = frozenset(tokenize(" ".join(PROPERTY_WORDS)))


@dataclass(frozen=True)
class Verdict:
    """Whether the answer abstains, what its passages lack ("number", "year", ... or ""), and the
    notes saying so, shown first."""

    abstained: bool = False
    lacking: str = ""
    notes: list[str] = field(default_factory=list)
    loose: bool = False  # no passage matches closely: none has a sentence marked as the answer


@dataclass(frozen=True)
class Asked:
    """One question as the scope rules read it."""

    text: str  # as searched in English (with a follow-up's context), or as asked
    focus: str  # the part that asks (focus.py)
    english: bool
    floor: float  # the cosine floor for its model (AbstainRule.floor)
    vector: np.ndarray | None = None  # its MiniLM vector, when it has one
    plain: bool = False  # a short question on its own: no follow-up, no situation, no "I'm a ..."


class Scope:
    """Knows the report's words, names and subject once; judges each question against them."""

    def __init__(
        self,
        chunks: list[Chunk],
        vectors: np.ndarray,
        vocabulary: set[str],
        rule: AbstainRule,
        several: bool,
        acronyms: dict[str, str] | None = None,
    ) -> None:
        """``vectors``: the passages' MiniLM vectors; ``vocabulary``: the report's stemmed words;
        ``several``: more than one document is indexed (the notes then say "the documents");
        ``acronyms``: the report's, with their long forms."""
        self.chunks = chunks
        self.rule = rule
        self.several = several
        self.vocabulary = vocabulary
        self.names = NameChecker(vocabulary)
        self.facts = FactCheck([c.text for c in chunks], acronyms)
        # Lines too short to judge a cosine on (AbstainRule.min_words_judged), known once.
        self.short_lines = frozenset(i for i, c in enumerate(chunks) if _is_short_lines(c.text, rule.min_words_judged))
        # What the documents are about, as one direction: a question nearly orthogonal to it is
        # about something else (AbstainRule.off_subject).
        subject = vectors.astype(np.float64).mean(axis=0) if len(vectors) else np.zeros(1)
        norm = float(np.linalg.norm(subject))
        self.subject = (subject / norm).astype(np.float32) if norm > 0 else None

    def judge(self, asked: Asked, first_stage: list[Scored], shown: list[Scored]) -> Verdict:
        """``first_stage`` is the order the distance rule was calibrated on; ``shown`` the order
        served, with the cross-encoder's verdicts."""
        rule = self.rule
        english = asked.english
        specific = self.facts.specificity(asked.focus) if english else {}
        reasons = rule.reasons(
            asked.text,
            first_stage,
            self.chunks,
            asked.floor,
            asking=asked.focus if english else None,
            shown=shown,
            mentioned=english and self.mentioned_outright(asked.focus, specific, first_stage[: rule.passages_checked]),
            unjudged=self.close_by_a_name_only(specific, first_stage),
        )
        if english and not reasons:
            reasons += [reason for reason in [self._elsewhere(asked, shown)] if reason]
        heading = NOT_ADDRESSED_ANY if self.several else NOT_ADDRESSED
        if reasons:
            return Verdict(True, "", [heading] + [EXPLANATIONS[reason] for reason in reasons if reason in EXPLANATIONS])
        if english and rule.asks_for_a_text(asked.focus):
            return Verdict(False, "", [TASK_NOTE])
        if english:
            passages = [self.chunks[s.position].text for s in shown[:3]]
            want = self.facts.missing(asked.text, passages)
            if want is not None and self.facts.given_elsewhere(asked.text, want):
                want = None  # the report gives it, in a passage further down: no "does not give" note
            if want is not None:
                where = "The documents" if self.several else "The report"
                names = mentioned(asked.text, passages)
                similarity = self._subject_similarity(asked)
                if similarity is not None and similarity < self.rule.max_subject_similarity:
                    # A fact the report lacks, about something else than what it is about ("Who won
                    # the 2018 World Cup?"): not a near miss on its topic.
                    return Verdict(True, want.kind, [heading, lacking_note(want, names, where, closest=False)])
                on_topic = not self.names.unknown(asked.focus)  # "the Palermo Protocol": not its topic
                return Verdict(False, want.kind, [lacking_note(want, names, where, on_topic=on_topic)])
            best = best_relevance(shown)
            if asked.plain and best is not None and best < rule.loose_relevance:
                return Verdict(False, "", [LOOSE_MATCH_NOTE], loose=True)
        return Verdict()

    def _subject_similarity(self, asked: Asked) -> float | None:
        """The cosine of the question's vector with what the documents are about (None without a
        vector): under ``AbstainRule.max_subject_similarity`` it is about something else."""
        if asked.vector is None or self.subject is None:
            return None
        return float(asked.vector @ self.subject)

    def _elsewhere(self, asked: Asked, shown: list[Scored]) -> str | None:
        """The reason when the question is off the report's topic or subject, else None."""
        words = tokenize(asked.focus)
        share = self.known_share(words)
        reason = self.rule.off_topic(self.names.unknown(asked.focus), share, best_relevance(shown))
        similarity = self._subject_similarity(asked) if reason is None else None
        if similarity is not None:
            reason = self.rule.off_subject(similarity, share, len(words))
        return reason

    def mentioned_outright(self, focus: str, specific: dict[str, float], closest: list[Scored]) -> bool:
        """The closest passages use the question's rarer words (``specific``: each with how
        specific it is), at least half of them by weight, and the question names nothing the
        report never mentions: it asks about something the report does mention ("bitcoin or
        crypto?"), not about the snow in a city the report names ("snow", "tomorrow" outweigh
        "Moscow", "going")."""
        if not specific or self.names.unknown(focus):
            return False
        used = frozenset().union(*(self.facts.words[s.position] for s in closest))
        return _share_used(specific, used) >= 0.5

    def close_by_a_name_only(self, specific: dict[str, float], scored: list[Scored]) -> frozenset[int]:
        """Short lines that share a word with the question but under half of its rarer words by
        weight (``specific``): "Moscow, 20-21 July 2017" for "Where can I buy a SIM card at
        Moscow airport?". One that shares nothing stays: its closeness is its meaning ("What were
        the dates?" is answered by that line)."""
        return frozenset(
            s.position
            for s in scored
            if s.position in self.short_lines and 0 < _share_used(specific, self.facts.words[s.position]) < 0.5
        )

    def unused_topic(self, focus: str) -> list[str]:
        """The words of ``focus`` (the asking part) that say what it is about, when the report uses
        none of them: "blockchain" in "Anything about blockchain?". Shown as not mentioned, over the
        closest passages, which stay: a participant's word may be a synonym of the report's ("ships"
        for its "sea vessels"), so this is a note, not an abstention."""
        topic = self.facts.rare_words(focus) - _PROPERTY_STEMS
        if not topic or any(word in self.vocabulary for word in topic):
            return []
        unused: list[str] = []
        for word in re.findall(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", focus):
            stems = set(tokenize(word))
            if stems and stems <= topic and word not in unused:
                unused.append(word)
        return unused

    def known_share(self, words: list[str]) -> float:
        """Share of ``words`` (stemmed, stop words aside) that the report uses."""
        return sum(w in self.vocabulary for w in words) / len(words) if words else 1.0


def _is_short_lines(text: str, min_words: int) -> bool:
    """A line under ``min_words`` words, or a passage of lines none of which ends a sentence (the
    title page): each line is searched as its own sentence, so a name it shares is close."""
    lines = text.split("\n")
    return len(text.split()) < min_words or (len(lines) > 1 and not any(TERMINAL.search(x.rstrip()) for x in lines))


def _share_used(specific: dict[str, float], used: frozenset[str]) -> float:
    """The weight of the words of ``specific`` that ``used`` has, as a share of them all (all of
    nothing: 1)."""
    total = sum(specific.values())
    return sum(weight for word, weight in specific.items() if word in used) / total if total > 0 else 1.0
