"""Search over pages, with Chinese made searchable.

The database search backends (SQLite FTS5, PostgreSQL tsvector with the "simple" parser) cut
text at spaces and punctuation, so a Chinese sentence becomes one long token and a search for a
word inside it finds nothing. Like the CJK analysers of dedicated search engines, every page
also indexes its Chinese text as single characters and overlapping pairs; a query's Chinese
runs are cut the same way and all pairs must match.
"""

from __future__ import annotations

import re

# Longest query we search for; longer input is cut (a search box, not a document).
MAX_QUERY_LENGTH = 100
# CJK Unified Ideographs (with extension A) and compatibility ideographs.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_WORD = re.compile(r"\w+")


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def cjk_index_text(text: str) -> str:
    """The Chinese of ``text`` as characters and character pairs, separated by spaces."""
    tokens: list[str] = []
    for run in _CJK_RUN.findall(text or ""):
        tokens.extend(run)
        if len(run) > 1:
            tokens.extend(_bigrams(run))
    return " ".join(tokens)


def normalise_query(raw: str) -> str:
    """A safe query for the search backend: words only, Chinese cut into pairs.

    Markup, quotes and operators are dropped, so user input can never form query syntax.
    """
    raw = (raw or "")[:MAX_QUERY_LENGTH]
    terms: list[str] = []
    for word in _WORD.findall(raw):
        position = 0
        for match in _CJK_RUN.finditer(word):
            if match.start() > position:
                terms.append(word[position : match.start()])
            terms.extend(_bigrams(match.group()))
            position = match.end()
        if position < len(word):
            terms.append(word[position:])
    seen: set[str] = set()
    unique = [t for t in terms if t and not (t in seen or seen.add(t))]
    return " ".join(unique)
