"""What people type in the search box, parsed once for both databases.

Syntax: words (all must appear), "a phrase" (these words in this order) and
-word or -"a phrase" (leave out texts that contain it). Words are stemmed
(`failing` finds `failed`) and case does not matter.
"""

import re
from dataclasses import dataclass

from postmortem.domain.errors import ValidationError

MAX_TERMS = 16
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
# A term must hold a letter or digit: the tokenizers drop everything else.
_HAS_WORD = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class Query:
    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    @property
    def positive(self) -> tuple[str, ...]:
        return self.words + self.phrases


def parse(text: str) -> Query:
    """Terms of a search; a search with nothing to look for is refused."""
    words: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    for match in _TOKEN.finditer(text or ""):
        quoted_minus, quoted, minus, word = match.groups()
        term = " ".join((quoted if quoted is not None else word).split())
        if not _HAS_WORD.search(term):
            continue
        if quoted_minus or minus:
            excluded.append(term)
        elif quoted is not None and " " in term:
            phrases.append(term)
        else:
            words.append(term)
    if len(words) + len(phrases) + len(excluded) > MAX_TERMS:
        raise ValidationError({"q": f"use at most {MAX_TERMS} words and phrases"})
    if not (words or phrases):
        raise ValidationError({"q": "needs a word or phrase to look for, "
                                    "not only -exclusions"})
    return Query(tuple(words), tuple(phrases), tuple(excluded))


def fts5(query: Query) -> str:
    """An FTS5 MATCH expression; every term is a quoted string, so nothing
    typed is read as FTS5 syntax."""

    def quoted(term: str) -> str:
        return '"' + term.replace('"', '""') + '"'

    expression = " AND ".join(quoted(term) for term in query.positive)
    if query.excluded:
        expression = (f"({expression}) NOT ("
                      + " OR ".join(quoted(term) for term in query.excluded) + ")")
    return expression
