"""What surrounds a match: sentences, nearby words and cue counts, computed once per text."""

from __future__ import annotations

import re
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
# "the 4-year-old in cubicle 9": an age used as a noun is a person.
_YEAR_OLD = re.compile(r"\d{1,3}-(?:year|month|week|day)-old")
_CLINICAL_PHRASES = re.compile(
    "|".join(r"\b" + re.escape(p) + r"\b" for p in terms.CLINICAL_PHRASES)
)


# Invisible format characters (zero-width spaces and joiners, bidi controls, soft hyphens:
# Unicode category Cf) are taken out before matching, so "MRN 44\u200b81923" reads as the
# number a reader sees. Other control, surrogate and private-use characters become spaces.
# Full-width forms ("\uff2d\uff32\uff2e \uff14\uff14") read as ASCII. Every step is one linear pass.
_FORMAT = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]+"
)
_BLANK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ue000-\uf8ff]")
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = 0x20
_CLINICAL_SHAPES = re.compile(terms.CLINICAL_SHAPES)


def visible_copy(text: str) -> tuple[str, list[int] | None]:
    """Return what a reader sees of `text` and, when characters were taken out, the index in
    `text` of each character kept (None when none were: offsets are the same)."""
    if text.isascii():
        return (_BLANK.sub(" ", text) if not text.isprintable() else text), None
    text = _BLANK.sub(" ", text.translate(_FULL_WIDTH))
    if not _FORMAT.search(text):
        return text, None
    origin: list[int] = []
    pieces: list[str] = []
    position = 0
    for m in _FORMAT.finditer(text):
        pieces.append(text[position : m.start()])
        origin.extend(range(position, m.start()))
        position = m.end()
    pieces.append(text[position:])
    origin.extend(range(position, len(text)))
    return "".join(pieces), origin


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
        self.text, self._origin = visible_copy(text)
        self._original_length = len(text)
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
            if w in terms.CLINICAL_WORDS or (w[-1:] == "s" and w[:-1] in terms.CLINICAL_WORDS)
        ]
        clinical.extend(m.start() for m in _CLINICAL_PHRASES.finditer(self.lower))
        clinical.extend(m.start() for m in _CLINICAL_SHAPES.finditer(self.lower))
        clinical.sort()
        self._clinical = clinical
        # "patient flow", "patient experience": "patient" naming a service, not a person.
        self._patient_nouns = [
            s
            for i, (s, w) in enumerate(zip(self.word_starts, self.words, strict=True))
            if (w in terms.PATIENT_NOUNS or _YEAR_OLD.fullmatch(w))
            and not (i + 1 < len(self.words) and self.words[i + 1] in terms.PATIENT_ATTRIBUTE_USES)
        ]
        self._family = self._positions(terms.FAMILY_WORDS)
        self._staff_activity = self._positions(terms.STAFF_ACTIVITY)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Where text[start:end] of the visible copy lies in the original string."""
        if self._origin is None:
            return start, end
        origin = self._origin
        return origin[start], (origin[end - 1] + 1 if end > start else origin[start])

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

    def word_span_before(self, pos: int, count: int) -> tuple[int, int]:
        """The span from the start of the `count`-th word ending at or before `pos` to pos."""
        j = bisect_right(self.word_ends, pos)
        i = max(0, j - count)
        return (self.word_starts[i] if j > i else pos), pos

    def word_span_after(self, pos: int, count: int) -> tuple[int, int]:
        """The span from `pos` to the end of the `count`-th word starting at or after it."""
        i = bisect_left(self.word_starts, pos)
        j = min(i + count, len(self.word_ends))
        return pos, (self.word_ends[j - 1] if j > i else pos)

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
