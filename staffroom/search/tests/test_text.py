from __future__ import annotations

from staffroom.search.backends.postgres import tsquery
from staffroom.search.backends.sqlite import fts_match
from staffroom.search.text import Term, fold, highlight, parse_query, plain_text


def test_words_phrases_and_a_trailing_partial_word_are_understood() -> None:
    query = parse_query('Ward "Hand  Hygiene" nurs')
    assert query.terms == (
        Term(("ward",)),
        Term(("hand", "hygiene")),
        Term(("nurs",), prefix=True),
    )


def test_a_word_followed_by_a_space_is_matched_whole() -> None:
    assert parse_query("nurse ").terms == (Term(("nurse",)),)


def test_a_short_trailing_word_is_matched_whole() -> None:
    assert parse_query("ed").terms == (Term(("ed",)),)


def test_punctuation_separates_words_and_never_reaches_the_engine() -> None:
    query = parse_query("NEAR(a:b) -x* ^y 'z'")
    assert all(w.isalnum() for w in query.words)
    assert fts_match(query) == '"near" "a" "b" "x" "y" "z"'


def test_an_unclosed_quote_is_a_phrase_to_the_end() -> None:
    assert parse_query('"night shift').terms == (Term(("night", "shift")),)


def test_repeated_words_count_once_and_the_number_of_terms_is_bounded() -> None:
    assert len(parse_query("a a a").terms) == 1
    assert len(parse_query(" ".join(f"w{i}" for i in range(50))).terms) == 12


def test_queries_are_written_for_each_engine() -> None:
    query = parse_query('ward "hand hygiene" nurs')
    assert fts_match(query) == '"ward" "hand hygiene" "nurs"*'
    assert tsquery(query) == "'ward' & ('hand' <-> 'hygiene') & 'nurs':*"


def test_folding_removes_accents_and_case_one_character_for_one() -> None:
    assert fold("ÉLÈVE Ñandú Über") == "eleve nandu uber"


def test_highlighting_escapes_everything_and_marks_only_matches() -> None:
    html = highlight('<img src=x onerror="alert(1)"> alert', parse_query("alert"))
    assert html == (
        "&lt;img src=x onerror=&quot;<mark>alert</mark>(1)&quot;&gt; <mark>alert</mark>"
    )


def test_highlighting_marks_words_starting_with_a_partial_word() -> None:
    assert highlight("Vaccination drive", parse_query("vacc")) == "<mark>Vaccination</mark> drive"


def test_snippets_show_markdown_as_a_reader_sees_it() -> None:
    markdown = "# Heading\n\n- **Bold** point with [the policy](https://intranet/p) and `code`\n"
    assert plain_text(markdown) == "Heading Bold point with the policy and code"
