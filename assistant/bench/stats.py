"""Small pure helpers of the benchmark: percentiles, summaries and the printed table."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100), linear between the two nearest ranks, as numpy's default."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    """Median, p95, mean and max in milliseconds, and the count."""
    ms = [1000 * s for s in seconds]
    return {
        "n": len(ms),
        "median_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "mean_ms": sum(ms) / len(ms) if ms else math.nan,
        "max_ms": max(ms) if ms else math.nan,
    }


def fmt(value: Any, unit: str = "") -> str:
    """A figure for the table: 3 significant digits, or the value as text."""
    if isinstance(value, bool) or value is None:
        return {True: "yes", False: "no", None: "n/a"}[value]
    if isinstance(value, int):
        return f"{value:,}{unit}"
    if isinstance(value, float):
        if math.isnan(value):
            return "n/a"
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
        return f"{text}{unit}"
    return f"{value}{unit}"


def table(rows: list[tuple[str, str, str]], headers: tuple[str, str, str] = ("measure", "value", "target")) -> str:
    """A Markdown table; a row whose value is "" is a section heading."""
    lines = [f"| {headers[0]} | {headers[1]} | {headers[2]} |", "|---|---:|---|"]
    for name, value, target in rows:
        if value == "" and target == "":
            lines.append(f"| **{name}** | | |")
        else:
            lines.append(f"| {name} | {value} | {target} |")
    return "\n".join(lines)
