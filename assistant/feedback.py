"""Feedback flags ("helpful", "wrong citation") appended to a local JSONL file for the facilitator.

A record holds only what the user typed and was shown: the question, the passages with their
citations, which passage was flagged, the flag and the time. Nothing about who sent it.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .records import Answer

# What the chat's feedback buttons send, and the flag written for each.
FLAGS = {"Like": "helpful", "Dislike": "not helpful", "Wrong citation": "wrong citation"}

_lock = threading.Lock()


def feedback_record(flag: str, answer: Answer, passage: int | None) -> dict[str, Any]:
    """``passage`` is the 0-based hit the flag was given on, or None for the answer as a whole."""
    return {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "flag": flag,
        "question": answer.question,
        "searched_as": answer.search_query,
        "matched_words": answer.matched_words or None,
        "abstained": answer.abstained,
        "flagged_citation": answer.hits[passage].citation if passage is not None else None,
        "passages": [{"citation": h.citation, "text": h.chunk.text} for h in answer.hits],
    }


def append_feedback(path: Path, record: dict[str, Any]) -> None:
    """One JSON line, written whole even when many participants flag at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False) + "\n"
    with _lock, path.open("a", encoding="utf-8") as handle:
        handle.write(line)


class RepeatFilter:
    """Tells a flag's repeat apart from a new flag: Gradio's chat sends a choice made in its
    feedback menu ("Wrong citation") twice for one click (seen in Chromium), and the facilitator's
    summary then counted two complaints. The same flag on the same message from the same browser
    session within ``seconds`` is a repeat; the last ``most`` flags are remembered."""

    def __init__(self, seconds: float = 3.0, most: int = 1000, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.most = most
        self._clock = clock
        self._seen: OrderedDict[Hashable, float] = OrderedDict()
        self._lock = threading.Lock()

    def is_new(self, key: Hashable) -> bool:
        now = self._clock()
        with self._lock:
            last = self._seen.pop(key, None)
            self._seen[key] = now
            while len(self._seen) > self.most:
                self._seen.popitem(last=False)
        return last is None or now - last > self.seconds
