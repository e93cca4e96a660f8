"""Acronyms the report defines itself, e.g. "Gangmasters and Labour Abuse Authority (GLAA)".

Built from the text at index time, never typed in: participants ask with the
short form, the report often uses the long one (or the other way round).
"""

from __future__ import annotations

import re

_DEFINITION = re.compile(r"((?:[\w’'-]+\s+){1,14}?)?([\w’'-]+)\s+\(([A-Z][A-Za-z0-9/&.-]{1,14})\)")
_STOP = {"of", "the", "and", "for", "in", "on", "to", "a", "an", "&"}


def _initials(word: str) -> str:
    """Letters a word contributes to an acronym: "UN" -> "UN", "Co-ordinator" -> "C"."""
    if word.isupper():
        return word
    parts = [p for p in re.split(r"[-/]", word) if p]
    return "".join(p[0] for p in parts if p[0].isupper()) or word[0]


def _is_subsequence(letters: str, words: list[str]) -> bool:
    position = 0
    for word in words:
        for letter in _initials(word).upper():
            if position < len(letters) and letter == letters[position]:
                position += 1
    return position == len(letters)


def find_acronyms(text: str) -> dict[str, str]:
    """Map each defined acronym to its long form (the shortest that spells it)."""
    found: dict[str, str] = {}
    for match in _DEFINITION.finditer(text):
        acronym = match.group(3)
        letters = re.sub(r"[^A-Z]", "", re.sub(r"s$", "", acronym))
        if len(letters) < 2 or acronym in found:
            continue
        words = ((match.group(1) or "") + match.group(2)).split()
        for start in range(len(words) - 1, -1, -1):
            candidate = words[start:]
            first = candidate[0]
            if first.lower() in _STOP or _initials(first)[0].upper() != letters[0]:
                continue
            if _is_subsequence(letters, candidate):
                found[acronym] = " ".join(candidate).strip(' ,;:“”"')
                break
    return found


_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")


def _part_initials(word: str) -> str:
    """Initials of a word in a spelled-out form; small words like "of" contribute none."""
    if word.lower() in _STOP:
        return ""
    return "".join(p[0] for p in re.split(r"[-/]", word) if p).upper()


def _inside(phrase: str, known: dict[str, str]) -> bool:
    """The phrase only begins a longer defined name: "Gangmasters Labour Abuse" in "Gangmasters
    Labour Abuse Authority (GLAA)" does not spell out GLA."""
    start = phrase.lower() + " "
    return any(name.lower().startswith(start) for name in known.values())


def find_implicit_acronyms(paragraphs: list[str], known: dict[str, str]) -> dict[str, str]:
    """Acronyms used without brackets next to their spelled-out form in the same paragraph.

    "... anti-money laundering frameworks, because indicators of AML ..." gives
    AML -> "anti-money laundering": a run of words whose initials spell it exactly.
    """
    found: dict[str, str] = {}
    for text in paragraphs:
        words = re.findall(r"[\w’'-]+", text)
        for acronym in set(_ACRONYM.findall(text)) - set(known) - set(found):
            for start in range(len(words)):
                initials = ""
                for end in range(start, min(start + len(acronym), len(words))):
                    initials += _part_initials(words[end])
                    if not acronym.startswith(initials):
                        break
                    complete = initials == acronym and words[end].lower() not in _STOP
                    if complete and (end > start or "-" in words[start]):
                        phrase = " ".join(words[start : end + 1])
                        if words[start] != acronym and words[start].lower() not in _STOP and not _inside(phrase, known):
                            found[acronym] = phrase
                        break
                if acronym in found:
                    break
    return found


def asked_meaning(question: str, acronyms: dict[str, str]) -> str | None:
    """The line saying what an acronym stands for in the report, when the question asks it
    ("What is THB?", "what does eicc stand for"): a participant new to the field meets the short
    form in every passage, and the passage that spells it out is rarely the one ranked first."""
    folded = {acronym.casefold(): acronym for acronym in acronyms}
    for match in _ASKS_MEANING.finditer(question):
        acronym = folded.get(next(group for group in match.groups() if group).casefold())
        if acronym:
            return f"In the report, {acronym} stands for {acronyms[acronym]}."
    return None


_SHORT_FORM = r"([A-Za-z][A-Za-z0-9/&.-]{1,14})"
_ASKS_MEANING = re.compile(
    rf"(?i)^\s*(?:what|who)(?:'s|\s+is|\s+are)\s+(?:an?\s+|the\s+)?{_SHORT_FORM}\s*\??\s*$"
    rf"|\bwhat\s+(?:does|do|did)\s+(?:the\s+)?{_SHORT_FORM}\s+(?:stand\s+for|mean|refer\s+to)\b"
    rf"|\b{_SHORT_FORM}\s+(?:stands\s+for|is\s+short\s+for|means)\s+what\b"
    rf"|\bwhat\s+is\s+{_SHORT_FORM}\s+short\s+for\b"
)
