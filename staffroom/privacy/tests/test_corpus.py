"""Recall and false-positive rate on the shared labelled corpus and on our own cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings

from staffroom.privacy.detector import scan_text
from staffroom.privacy.tests.own_cases import NOT_PHI, PHI

CORPUS = Path(settings.BASE_DIR).parent / "shared" / "phi" / "corpus.jsonl"


def _corpus() -> list[dict[str, object]]:
    if not CORPUS.is_file():
        pytest.fail(f"The PHI corpus is missing: expected it at {CORPUS} (beside the project).")
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    assert rows, f"{CORPUS} is empty"
    return rows


def _rates(cases: list[tuple[str, bool]]) -> tuple[float, float, list[str], list[str]]:
    missed = [text for text, phi in cases if phi and not scan_text(text).phi]
    flagged = [text for text, phi in cases if not phi and scan_text(text).phi]
    positives = sum(1 for _, phi in cases if phi)
    negatives = len(cases) - positives
    recall = 1 - len(missed) / positives if positives else 1.0
    fpr = len(flagged) / negatives if negatives else 0.0
    return recall, fpr, missed, flagged


def test_the_corpus_has_both_kinds_of_post():
    rows = _corpus()
    assert any(row["phi"] for row in rows)
    assert any(not row["phi"] for row in rows)


def test_recall_on_the_corpus_is_at_least_95_percent():
    recall, _, missed, _ = _rates([(str(r["text"]), bool(r["phi"])) for r in _corpus()])
    assert recall >= 0.95, f"recall {recall:.1%}; missed: {missed}"


def test_false_positive_rate_on_the_corpus_is_at_most_5_percent():
    _, fpr, _, flagged = _rates([(str(r["text"]), bool(r["phi"])) for r in _corpus()])
    assert fpr <= 0.05, f"false-positive rate {fpr:.1%}; flagged: {flagged}"


def test_our_own_cases_are_many_and_in_both_languages():
    assert len(PHI) + len(NOT_PHI) >= 150
    assert any("paciente" in text for text in PHI)
    assert any("Gracias" in text for text in NOT_PHI)


def test_recall_on_our_own_cases_is_at_least_95_percent():
    recall, _, missed, _ = _rates([(t, True) for t in PHI])
    assert recall >= 0.95, f"recall {recall:.1%}; missed: {missed}"


def test_false_positive_rate_on_our_own_cases_is_at_most_5_percent():
    _, fpr, _, flagged = _rates([(t, False) for t in NOT_PHI])
    assert fpr <= 0.05, f"false-positive rate {fpr:.1%}; flagged: {flagged}"


def test_our_own_cases_share_no_sentence_with_the_corpus():
    corpus = {str(row["text"]) for row in _corpus()}
    assert not corpus & set(PHI + NOT_PHI)
