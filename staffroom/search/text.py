"""What people type, turned into terms both database engines understand, and highlighting.

Only letters and digits ever reach the database's query syntax: every other character (quotes
apart, which mark phrases) separates words. So `"`, `*`, `-`, `(`, `:`, `NEAR` or `OR` can't
make a syntax error or change the meaning of a query — they are words or spaces.

Folding (lower case, accents removed) is the same here, in SQLite's tokenizer
(`remove_diacritics 2`) and in the PostgreSQL index (`normalize()` then the same combining
marks removed), so "cafe" finds "Café" on both, and the highlighter marks what the engine
matched.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# A word: letters and digits of any script. Underscore separates words, as it does in both
# engines' tokenizers.
WORD = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"([^"]*)"?')
MAX_TERMS = 12
MAX_WORD_LENGTH = 60
# A trailing word shorter than this is matched whole: "a*" would touch every word in "a…".
MIN_PREFIX_LENGTH = 3


# Combining accents (U+0300 to U+036F), removed after Unicode decomposition ("é" is "e"
# followed by a combining acute accent).
# The PostgreSQL index strips exactly this range (see backends.postgres).
COMBINING_MARKS = re.compile("[\u0300-\u036f]")


def fold(word: str) -> str:
    """Lower case, accents removed: "Cafetería" → "cafeteria"."""
    if word.isascii():
        return word.lower()  # nothing to decompose: the same answer, without the Unicode work
    return _fold_unicode(word)


@functools.lru_cache(maxsize=8192)
def _fold_unicode(word: str) -> str:
    return COMBINING_MARKS.sub("", unicodedata.normalize("NFD", word)).lower()


@dataclass(frozen=True)
class Term:
    """A word, or a phrase of words in order; `prefix` matches words starting with the last."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)

    # Cached: highlighting asks for every word of every result.
    @functools.cached_property
    def words(self) -> frozenset[str]:
        return frozenset(w for term in self.terms for w in term.words)

    @functools.cached_property
    def prefixes(self) -> tuple[str, ...]:
        return tuple(sorted({term.words[-1] for term in self.terms if term.prefix}))


def _words(text: str) -> list[str]:
    return [fold(w)[:MAX_WORD_LENGTH] for w in WORD.findall(text)]


def parse_query(text: str) -> ParsedQuery:
    """Words (all must match), "phrases in quotes", and a trailing partial word.

    >>> parse_query('ward "hand hygiene" nurs').terms[-1]
    Term(words=('nurs',), prefix=True)
    """
    terms: list[Term] = []
    position = 0
    for match in _PHRASE.finditer(text):
        terms += [Term((w,)) for w in _words(text[position : match.start()])]
        phrase = tuple(_words(match.group(1)))
        if phrase:
            terms.append(Term(phrase))
        position = match.end()
    tail = text[position:]
    tail_words = _words(tail)
    terms += [Term((w,)) for w in tail_words]
    # Someone still typing the last word: "hygi" finds "hygiene".
    if (
        tail_words
        and not tail[-1:].isspace()
        and len(tail_words[-1]) >= MIN_PREFIX_LENGTH
        and terms[-1].words == (tail_words[-1],)
    ):
        terms[-1] = Term(terms[-1].words, prefix=True)
    unique = tuple(dict.fromkeys(terms))
    return ParsedQuery(unique[:MAX_TERMS])


def _matches(word: str, query: ParsedQuery) -> bool:
    folded = fold(word)
    return folded in query.words or bool(query.prefixes and folded.startswith(query.prefixes))


def highlight(text: str, query: ParsedQuery, *, max_words: int | None = None) -> SafeString:
    """`text` escaped, with the words the query matched wrapped in <mark>.

    With `max_words`, only a window of that many words around the first match (or the start),
    with an ellipsis where text was cut. Nothing from `text` is ever trusted as HTML.
    """
    tokens = list(WORD.finditer(text))
    start, end = 0, len(tokens)
    if max_words is not None and len(tokens) > max_words:
        first = next((i for i, t in enumerate(tokens) if _matches(t.group(), query)), 0)
        start = max(0, min(first - max_words // 4, len(tokens) - max_words))
        end = start + max_words
    begin = tokens[start].start() if start > 0 and tokens else 0
    finish = tokens[end - 1].end() if end < len(tokens) else len(text)
    parts: list[str] = ["…"] if begin > 0 else []
    cursor = begin
    for token in tokens[start:end]:
        if _matches(token.group(), query):
            parts.append(escape(text[cursor : token.start()]))
            parts.append(f"<mark>{escape(token.group())}</mark>")
            cursor = token.end()
    parts.append(escape(text[cursor:finish]))
    if finish < len(text):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308  # every piece of text above is escaped


_MARKDOWN = (
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # [text](url), ![alt](src) → text
    (re.compile(r"^\s{0,3}(#{1,6}|>+|[-*+]|\d+[.)])\s+", re.MULTILINE), ""),  # headings, lists
    (re.compile(r"[*_`~]+"), ""),  # emphasis and code marks
    (re.compile(r"\s+"), " "),
)


def plain_text(markdown: str) -> str:
    """Markdown as a reader sees it, near enough for a snippet: marks and URLs dropped."""
    for pattern, replacement in _MARKDOWN:
        markdown = pattern.sub(replacement, markdown)
    return markdown.strip()


def has_match(text: str, query: ParsedQuery) -> bool:
    return any(_matches(t.group(), query) for t in WORD.finditer(text))
