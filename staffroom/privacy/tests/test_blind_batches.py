"""The blind batches: fresh posts written to estimate how the detector generalises.

Batches 2 and 3 were scored before the rules were changed and then used to fix them by
category, so their thresholds here guard against regressions rather than estimate anything.
Batch 4 was written by another engineer without reading the detector and scored once (recall
39/45 = 86.7%, false-positive rate 3/55 = 5.5%); the detector's round 2 then started from its
miss classes, so it too is a regression check now. Batch 5 was written by another engineer
without reading the detector, while the detector's round 2 was under way, and scored once at
17:25 UTC after the round's rules were frozen, with nothing changed after: its thresholds are
exactly what it achieved (recall 47/50 = 94.0%, false-positive rate 3/70 = 4.3%). Raise them
only by rules that generalise, never by fixing its sentences. See
docs/decisions/0011-phi-detector.md.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from staffroom.privacy.detector import scan_text
from staffroom.privacy.tests import (
    blind_batch_2,
    blind_batch_3,
    blind_batch_4,
    blind_batch_5,
    own_cases,
)

CORPUS = Path(settings.BASE_DIR).parent / "shared" / "phi" / "corpus.jsonl"


def _missed(texts: tuple[str, ...]) -> list[str]:
    return [text for text in texts if not scan_text(text).phi]


def _flagged(texts: tuple[str, ...]) -> list[str]:
    return [text for text in texts if scan_text(text).phi]


def test_batch_2_has_60_posts_of_each_kind_and_batch_3_has_30():
    assert (len(blind_batch_2.PHI), len(blind_batch_2.NOT_PHI)) == (60, 60)
    assert (len(blind_batch_3.PHI), len(blind_batch_3.NOT_PHI)) == (30, 30)


def test_batch_4_has_45_posts_with_phi_and_55_without():
    assert (len(blind_batch_4.PHI), len(blind_batch_4.NOT_PHI)) == (45, 55)


def test_batch_5_has_50_posts_with_phi_and_70_without():
    assert (len(blind_batch_5.PHI), len(blind_batch_5.NOT_PHI)) == (50, 70)


def test_the_blind_batches_share_no_post_with_each_other_or_the_older_cases():
    batch_2 = set(blind_batch_2.PHI) | set(blind_batch_2.NOT_PHI)
    batch_3 = set(blind_batch_3.PHI) | set(blind_batch_3.NOT_PHI)
    batch_4 = set(blind_batch_4.PHI) | set(blind_batch_4.NOT_PHI)
    batch_5 = set(blind_batch_5.PHI) | set(blind_batch_5.NOT_PHI)
    older = set(own_cases.PHI) | set(own_cases.NOT_PHI)
    if CORPUS.is_file():
        lines = CORPUS.read_text(encoding="utf-8").splitlines()
        older |= {str(json.loads(line)["text"]) for line in lines if line}
    assert len(batch_2) == 120
    assert len(batch_3) == 60
    assert len(batch_4) == 100
    assert not batch_2 & batch_3
    assert len(batch_5) == 120
    assert not batch_4 & (batch_2 | batch_3)
    assert not batch_5 & (batch_2 | batch_3 | batch_4)
    assert not (batch_2 | batch_3 | batch_4 | batch_5) & older


def test_recall_on_blind_batch_2_is_at_least_95_percent():
    missed = _missed(blind_batch_2.PHI)
    assert 1 - len(missed) / len(blind_batch_2.PHI) >= 0.95, missed


def test_false_positive_rate_on_blind_batch_2_is_at_most_5_percent():
    flagged = _flagged(blind_batch_2.NOT_PHI)
    assert len(flagged) / len(blind_batch_2.NOT_PHI) <= 0.05, flagged


def test_recall_on_blind_batch_3_is_at_least_95_percent():
    # Its four misses were reported by category and the categories fixed in the third round
    # (care nouns, "doña X" cared for, "Bed 3 ... desatted", UK mobiles): regression only.
    missed = _missed(blind_batch_3.PHI)
    assert 1 - len(missed) / len(blind_batch_3.PHI) >= 0.95, missed


def test_false_positive_rate_on_blind_batch_3_is_at_most_5_percent():
    flagged = _flagged(blind_batch_3.NOT_PHI)
    assert len(flagged) / len(blind_batch_3.NOT_PHI) <= 0.05, flagged


def test_recall_on_blind_batch_4_is_at_least_95_percent():
    # First scored at 39/45 (86.7%). Its miss classes were the starting point of the detector's
    # round 2 (fixed by class, on fresh examples): a regression check now, not an estimate.
    missed = _missed(blind_batch_4.PHI)
    assert 1 - len(missed) / len(blind_batch_4.PHI) >= 0.95, missed


def test_false_positive_rate_on_blind_batch_4_is_at_most_5_percent():
    # First scored at 3/55 (5.5%); round 2 fixed the three classes. Regression check only.
    flagged = _flagged(blind_batch_4.NOT_PHI)
    assert len(flagged) / len(blind_batch_4.NOT_PHI) <= 0.05, flagged


def test_blind_batch_5_keeps_the_recall_it_was_first_scored_at():
    missed = _missed(blind_batch_5.PHI)
    assert len(missed) <= 3, missed  # 47/50 = 94.0% when first scored


def test_blind_batch_5_keeps_the_false_positive_rate_it_was_first_scored_at():
    flagged = _flagged(blind_batch_5.NOT_PHI)
    assert len(flagged) <= 3, flagged  # 3/70 = 4.3% when first scored
