"""A citation asked for that the documents do not have: "Panel 6", "Panel 1, Recommendation 15".

An analyst who asks for a passage by its number quotes what comes back under that number. Without
this, "What does Panel 1, Recommendation 15 say?" (Panel 1 has 14) showed Recommendations 4, 5 and
13 with their sentences highlighted, and "Panel 6, Recommendation 2" showed Panel 2's: read as
the passage asked for. The answer says the citation does not exist and what does.
"""

from __future__ import annotations

import numpy as np

from .records import Chunk
from .structure import PANEL_LABEL, QueryIntent

_NAMES = {"recommendation": ("Recommendation {}", "recommendations"), "paragraph": ("¶{}", "paragraphs")}


def missing_citation(intent: QueryIntent, chunks: list[Chunk], cited: np.ndarray, several: bool) -> str | None:
    """What the question cites that no passage is, as a note; None when it cites nothing by
    number or what it cites exists. ``cited``: the mask of passages it cites (``Retriever.cited``);
    ``several``: more than one document is indexed."""
    whole = "The documents have" if several else "The report has"
    if intent.unknown_panels:
        panels = sorted({int(m.group(1)) for c in chunks if (m := PANEL_LABEL.fullmatch(c.section_label))})
        asked = " or ".join(f"Panel {n}" for n in sorted(intent.unknown_panels))
        return f"{whole} no {asked}: its panels are Panel {panels[0]} to Panel {panels[-1]}."
    if not intent.numbered or cited.any():
        return None
    kind, number = min(intent.numbered)
    if kind not in _NAMES:
        return None
    name, plural = _NAMES[kind]
    asked = name.format(number)
    sections = intent.sections
    numbers = [c.number for c in chunks if c.kind == kind and (not sections or c.section_label in sections)]
    highest = max(numbers, default=0)
    if not sections:
        if not highest:
            return f"{whole} no numbered {plural}."
        return f"No section has a {asked}: the most any section has is {highest}."
    where = ", ".join(sorted(sections))
    verb = "have" if len(sections) > 1 else "has"
    if not highest:
        return f"{where} {verb} no {plural}."
    most = f"its {plural} are numbered 1 to {highest}" if len(sections) == 1 else f"the most any has is {highest}"
    return f"{where} {verb} no {asked}: {most}."
