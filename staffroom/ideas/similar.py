"""Similar ideas, found while someone types a new one, so they can vote or comment instead
of proposing the same thing twice.

The lookup reads the search index (search.backends: each shown idea has a document of kind
`idea` — title, problem as summary, proposal as body — kept by database triggers) and asks
for ideas holding ANY of the typed words, ranked by the engine's relevance (SQLite FTS5
bm25, PostgreSQL ts_rank; a document's title weighs most).

Its cost is bounded whatever the data, because it answers on every pause in typing:
- only significant words are asked for: stop words, one- and two-letter words and repeats
  are dropped, and at most MAX_WORDS are read from the text;
- each word's number of ideas is read first (one query, capped), and the rarest words are
  kept while the ideas they match stay within MATCH_BUDGET: rare words are what make two
  ideas alike, and a word in every other idea would make the engine rank half the table;
- the engine ranks at most MATCH_BUDGET matching ideas (the newest) and returns the best few;
- the page then loads those few ideas (status, votes), shown ones only.
Three queries in all, at any size.
"""

from __future__ import annotations

from django.db import connection

from staffroom.ideas.models import Idea
from staffroom.search.backends import backend_for
from staffroom.search.text import WORD, fold

MIN_WORD_LENGTH = 3
# Words read from what was typed (title first), and asked of the engine at most.
MAX_WORDS = 12
MAX_QUERY_WORDS = 8
# Matching ideas the engine ranks at most; word counts are read up to this.
MATCH_BUDGET = 2000
# Candidates read back from the engine for each idea shown (room for the ones left out).
CANDIDATES_PER_RESULT = 4
# How much a candidate gains for sharing the typed title's words in its own title: the
# title says what an idea is about; the problem says much else besides.
TITLE_BOOST = 1.0

# Words too common to tell one idea from another (English and Spanish: staff write both).
STOP_WORDS = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "and",
        "any",
        "are",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "can",
        "cannot",
        "could",
        "did",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "get",
        "gets",
        "got",
        "had",
        "has",
        "have",
        "having",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "into",
        "its",
        "itself",
        "just",
        "more",
        "most",
        "much",
        "must",
        "need",
        "needs",
        "not",
        "now",
        "off",
        "once",
        "only",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "too",
        "under",
        "until",
        "very",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "make",
        "makes",
        "made",
        "use",
        "used",
        "using",
        "one",
        "two",
        "lot",
        "lots",
        "really",
        "every",
        "still",
        "even",
        "idea",
        "ideas",
        "problem",
        "problems",
        "change",
        "changes",
        "propose",
        "proposal",
        "think",
        "like",
        "algo",
        "como",
        "con",
        "cual",
        "cuando",
        "del",
        "desde",
        "donde",
        "dos",
        "el",
        "ella",
        "ellas",
        "ellos",
        "en",
        "entre",
        "era",
        "eran",
        "esa",
        "esas",
        "ese",
        "eso",
        "esos",
        "esta",
        "estaba",
        "estan",
        "este",
        "esto",
        "estos",
        "fue",
        "hay",
        "las",
        "los",
        "mas",
        "muy",
        "nos",
        "para",
        "pero",
        "por",
        "porque",
        "que",
        "quien",
        "sin",
        "sobre",
        "son",
        "su",
        "sus",
        "tambien",
        "tiene",
        "tienen",
        "todo",
        "todos",
        "una",
        "uno",
        "unos",
        "unas",
    ]
)


def significant_words(text: str, *, limit: int = MAX_WORDS) -> list[str]:
    """The words of `text` that can tell ideas apart, folded as the index folds them (lower
    case, accents removed), in order of first appearance, without repeats."""
    words: list[str] = []
    seen: set[str] = set()
    for match in WORD.finditer(text):
        word = fold(match.group())
        if len(word) < MIN_WORD_LENGTH or word in STOP_WORDS or word.isdigit() or word in seen:
            continue
        seen.add(word)
        words.append(word)
        if len(words) >= limit:
            break
    return words


def choose_words(counts: dict[str, int], order: list[str]) -> list[str]:
    """The rarest words (ties: the earlier typed) whose matches stay within MATCH_BUDGET;
    always the rarest one, if any idea holds it."""
    position = {word: i for i, word in enumerate(order)}
    present = sorted(
        (w for w in order if counts.get(w, 0) > 0), key=lambda w: (counts[w], position[w])
    )
    chosen: list[str] = []
    total = 0
    for word in present:
        if len(chosen) >= MAX_QUERY_WORDS:
            break
        if chosen and total + counts[word] > MATCH_BUDGET:
            continue
        chosen.append(word)
        total += counts[word]
    return chosen


def similar_ideas(
    *, text: str, limit: int = 5, exclude_id: int | None = None, title: str = ""
) -> list[Idea]:
    """Shown ideas most like `text` (the typed title, then the problem), best first, with
    `status`, `vote_count` and `campaign` (whether votes are still open) loaded. `title`,
    when given, is the typed title alone: ideas whose titles share its words come first.
    Never held, hidden, removed or merged ideas."""
    words = significant_words(text)
    if not words or limit < 1:
        return []
    backend = backend_for(connection)
    counts = backend.idea_word_counts(connection, words, MATCH_BUDGET)
    chosen = choose_words(counts, words)
    if not chosen:
        return []
    ranked = backend.rank_ideas(
        connection,
        chosen,
        newest=MATCH_BUDGET,
        limit=limit * CANDIDATES_PER_RESULT + (1 if exclude_id is not None else 0),
    )
    scores = {idea_id: score for idea_id, score in ranked if idea_id != exclude_id}
    if not scores:
        return []
    ideas = list(
        Idea.objects.shown()
        .filter(pk__in=list(scores))
        .select_related("campaign")
        .only(
            "id",
            "title",
            "status",
            "vote_count",
            "visibility",
            "merged_into",
            "campaign__title",
            "campaign__opens_at",
            "campaign__closes_at",
        )
    )
    title_words = set(significant_words(title))

    def final_score(idea: Idea) -> tuple[float, int]:
        score = scores[idea.pk]
        if title_words:
            shared = title_words & set(significant_words(idea.title))
            score *= 1 + TITLE_BOOST * len(shared) / len(title_words)
        return (score, idea.pk)

    ideas.sort(key=final_score, reverse=True)
    return ideas[:limit]
