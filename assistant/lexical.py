"""Lexical search: a tokenizer that knows the report's acronyms, quotes and possessives, and BM25."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np

STOPWORDS = frozenset(
    """a an and are as at be been by can could did do does for from had has have he her his how i
    if in into is it its me my of on or our she should so than that the their them then there these
    they this those to was we were what when where which who whom why will with would you your
    about also any all after before between during other such not no only own same too very just
    according said say says""".split()  # noqa: SIM905
)
_TOKEN = re.compile(r"[^\W_]+(?:[-/][^\W_]+)*")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    from snowballstemmer import stemmer

    return str(stemmer("english").stemWord(word)) if word.isascii() else word


def normalise(text: str) -> str:
    """NFKC, straight quotes, no possessive 's, lower case."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = re.sub(r"(?<=\w)'s\b", "", text)
    return text.lower()


def tokenize(text: str, keep_stopwords: bool = False) -> list[str]:
    """Stemmed word tokens; "co-operation" also gives "co", "operation", "cooperation"."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(normalise(text)):
        word = match.group()
        parts = re.split(r"[-/]", word)
        forms = [word, *parts, "".join(parts)] if len(parts) > 1 else [word]
        for form in dict.fromkeys(forms):
            if keep_stopwords or (form not in STOPWORDS and len(form) > 1):
                tokens.append(_stem(form))
    return tokens


# Words that frame a question, not its topic ("What happened to ...", "Was ... mentioned?", "Did
# anyone bring up ...", "anything like that?"), stemmed: rare in a report, they would count as
# specific, and a question would look far from a passage that names all it is about.
FRAMING_WORDS = frozenset(
    tokenize(
        "happen happened mention mentioned talk talked discuss discussed bring brought raise raised come came "
        "tell told know anything anybody anyone something somebody someone thing things stuff give gave"
    )
)


# Words for a property of whatever was asked about, not a topic of their own: "by when? is there a
# deadline?", "and the budget?", "any results?" ask about the previous topic; "What were the
# dates?" is answered by a title page that never says "dates".
PROPERTY_WORDS = frozenset(
    """deadline deadlines date dates year years budget cost costs result results outcome outcomes target
    targets goal goals aim aims purpose details detail example examples venue place location""".split()  # noqa: SIM905
)


@lru_cache(maxsize=16)
def _acronym_patterns(acronyms: tuple[tuple[str, str], ...]) -> list[tuple[re.Pattern[str], str, str, str]]:
    """Each acronym's pattern and normalised long form, made once: they cost a third of a query."""
    return [
        (re.compile(rf"(?<![\w/]){re.escape(acronym)}(?![\w/])"), acronym, long_form, normalise(long_form))
        for acronym, long_form in acronyms
    ]


def expand_acronyms(text: str, acronyms: dict[str, str]) -> str:
    """Append the long form of every acronym in ``text`` (and the acronym of every long form)."""
    extra = []
    lowered = normalise(text)
    for pattern, acronym, long_form, folded in _acronym_patterns(tuple(acronyms.items())):
        if pattern.search(text):
            extra.append(long_form)
        elif folded in lowered:
            extra.append(acronym)
    return f"{text} {' '.join(extra)}" if extra else text


class LexicalIndex:
    """BM25 (bm25s) over the chunks' indexed text."""

    def __init__(self, texts: list[str], acronyms: dict[str, str]) -> None:
        import bm25s

        self.acronyms = acronyms
        self._bm25 = bm25s.BM25(k1=1.2, b=0.75)
        self._bm25.index([tokenize(expand_acronyms(t, acronyms)) or ["\x00"] for t in texts], show_progress=False)
        self.vocabulary = set(self._bm25.vocab_dict)

    def query_tokens(self, question: str) -> list[str]:
        return tokenize(expand_acronyms(question, self.acronyms))

    def scores(self, tokens: list[str]) -> np.ndarray:
        known = [t for t in tokens if t in self.vocabulary]
        if not known:
            return np.zeros(self._bm25.scores["num_docs"], dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
