"""Prepared questions for a first look at the report, grouped by the section that answers them.

Each group's questions are answered by a different part of its section; a test with the real model
checks that the first passage cited for each question comes from the section it is listed under.
"""

from __future__ import annotations

PREPARED: dict[str, list[str]] = {
    "Welcoming Remarks & Introductory addresses": [
        "What did UNICEF say about children on the move in Europe?",
        "What is the EICC and what does its framework cover?",
    ],
    "Panel 1": [
        "What is the Baltic Sea Labour Forum?",
        "What was said about trafficking on sea vessels?",
    ],
    "Panel 2": [
        "How did the Dutch bank ABN AMRO work with prosecutors?",
        "What did Panel 2 recommend about labour inspections?",
    ],
    "Panel 3": [
        "Who moderated Panel 3?",
        "How can anti-money laundering systems help against trafficking?",
    ],
    "Panel 4": [
        "What is the Golden Dreams app?",
        "What did Panel 4 recommend about technology?",
    ],
    "Concluding remarks": [
        "What did the Russian Federation do, according to Irina Gekht?",
    ],
}
