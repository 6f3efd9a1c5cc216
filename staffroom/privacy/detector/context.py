"""What surrounds a match: sentences, nearby words and cue counts, computed once per text."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from staffroom.privacy.detector import terms

SENTENCE_REACH = 400
_WORD = re.compile(r"[^\W_][\w'\u2019-]*")
# A sentence ends at . ! ? or a line break followed by space; abbreviations are checked below.
_BOUNDARY = re.compile(r"[.!?]+[\"'\u201d\u2019)]*\s+|\n\s*")
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "dra",
        "sr",
        "sra",
        "srta",
        "st",
        "pt",
        "rm",
        "no",
        "vs",
        "etc",
        "jr",
        "prof",
        "mt",
        "ft",
        "apt",
        "ext",
        "approx",
        "dept",
    ]
)
_CLINICAL_PHRASES = re.compile(
    "|".join(r"\b" + re.escape(p) + r"\b" for p in terms.CLINICAL_PHRASES)
)


def visible_copy(text: str) -> str:
    """Return `text` with control and format characters (RTL overrides, zero-width marks)
    replaced by spaces, so matching sees words where a reader sees them and every offset
    still points into the original string."""
    if text.isprintable():
        return text
    return "".join(
        " " if (ch not in "\n\t" and unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co"}) else ch
        for ch in text
    )


def _same_length_lower(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters (e.g. "İ") lower to two; keep those as they are so offsets hold.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _normalise_word(word: str) -> str:
    word = word.replace("\u2019", "'")
    if word.endswith("'s"):
        return word[:-2]
    return word.rstrip("'-")


class Context:
    """A text prepared for questions like "is there a clinical word in this sentence?"."""

    def __init__(self, text: str) -> None:
        self.text = visible_copy(text)
        self.lower = _same_length_lower(self.text)
        self.word_starts: list[int] = []
        self.word_ends: list[int] = []
        self.words: list[str] = []
        for match in _WORD.finditer(self.lower):
            self.word_starts.append(match.start())
            self.word_ends.append(match.end())
            self.words.append(_normalise_word(match.group()))
        self.sentence_starts = [0]
        for match in _BOUNDARY.finditer(self.text):
            if match.group().startswith(".") and self._before_is_abbreviation(match.start()):
                continue
            self.sentence_starts.append(match.end())
        clinical = [
            s
            for s, w in zip(self.word_starts, self.words, strict=True)
            if w in terms.CLINICAL_WORDS
        ]
        clinical.extend(m.start() for m in _CLINICAL_PHRASES.finditer(self.lower))
        clinical.sort()
        self._clinical = clinical
        self._patient_nouns = self._positions(terms.PATIENT_NOUNS)
        self._family = self._positions(terms.FAMILY_WORDS)
        self._staff_activity = self._positions(terms.STAFF_ACTIVITY)

    def _positions(self, vocabulary: frozenset[str]) -> list[int]:
        return [s for s, w in zip(self.word_starts, self.words, strict=True) if w in vocabulary]

    def _before_is_abbreviation(self, dot: int) -> bool:
        i = bisect_right(self.word_ends, dot) - 1
        if i < 0 or self.word_ends[i] != dot:
            return False
        word = self.words[i]
        return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())

    # Sentences -------------------------------------------------------------------------

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """The span of the sentence(s) holding text[start:end], at most SENTENCE_REACH
        characters either side (text without full stops must not make every lookup read
        the whole of it)."""
        i = bisect_right(self.sentence_starts, start) - 1
        j = bisect_right(self.sentence_starts, max(start, end - 1))
        s_end = self.sentence_starts[j] if j < len(self.sentence_starts) else len(self.text)
        return (
            max(self.sentence_starts[i], start - SENTENCE_REACH),
            min(s_end, end + SENTENCE_REACH),
        )

    # Words -----------------------------------------------------------------------------

    def words_between(self, start: int, end: int) -> list[str]:
        i = bisect_left(self.word_starts, start)
        j = bisect_left(self.word_starts, end)
        return self.words[i:j]

    def words_before(self, pos: int, count: int) -> list[str]:
        """The `count` words ending before `pos`, nearest last."""
        j = bisect_right(self.word_ends, pos)
        return self.words[max(0, j - count) : j]

    def words_after(self, pos: int, count: int) -> list[str]:
        i = bisect_left(self.word_starts, pos)
        return self.words[i : i + count]

    # Cue counts over a span ------------------------------------------------------------

    @staticmethod
    def _count(positions: list[int], start: int, end: int) -> int:
        return bisect_left(positions, end) - bisect_left(positions, start)

    def clinical(self, start: int, end: int) -> int:
        return self._count(self._clinical, start, end)

    def patient_nouns(self, start: int, end: int) -> int:
        return self._count(self._patient_nouns, start, end)

    def family(self, start: int, end: int) -> int:
        return self._count(self._family, start, end)

    def staff_activity(self, start: int, end: int) -> int:
        return self._count(self._staff_activity, start, end)

    def any_word(self, vocabulary: Iterable[str], start: int, end: int) -> bool:
        wanted = vocabulary if isinstance(vocabulary, frozenset | set) else set(vocabulary)
        return any(w in wanted for w in self.words_between(start, end))

    def patient_context(self, start: int, end: int) -> bool:
        """Does the sentence around text[start:end] talk about one patient's care?"""
        s, e = self.sentence(start, end)
        return bool(self.patient_nouns(s, e) or self.family(s, e) or self.clinical(s, e))
