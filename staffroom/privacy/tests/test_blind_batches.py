"""The blind batches: fresh posts written to estimate how the detector generalises.

Batch 2 was scored before the rules were changed and then used to fix them by category, so
its thresholds here guard against regressions rather than estimate anything. Batch 3 was
scored once after the changes; only the threshold it honestly met (false-positive rate) is
asserted. Its recall (86.7%) is below the 95% target and is reported, not asserted, in
docs/decisions/0011-phi-detector.md.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from staffroom.privacy.detector import scan_text
from staffroom.privacy.tests import blind_batch_2, blind_batch_3, own_cases

CORPUS = Path(settings.BASE_DIR).parent / "shared" / "phi" / "corpus.jsonl"


def _missed(texts: tuple[str, ...]) -> list[str]:
    return [text for text in texts if not scan_text(text).phi]


def _flagged(texts: tuple[str, ...]) -> list[str]:
    return [text for text in texts if scan_text(text).phi]


def test_batch_2_has_60_posts_of_each_kind_and_batch_3_has_30():
    assert (len(blind_batch_2.PHI), len(blind_batch_2.NOT_PHI)) == (60, 60)
    assert (len(blind_batch_3.PHI), len(blind_batch_3.NOT_PHI)) == (30, 30)


def test_the_blind_batches_share_no_post_with_each_other_or_the_older_cases():
    batch_2 = set(blind_batch_2.PHI) | set(blind_batch_2.NOT_PHI)
    batch_3 = set(blind_batch_3.PHI) | set(blind_batch_3.NOT_PHI)
    older = set(own_cases.PHI) | set(own_cases.NOT_PHI)
    if CORPUS.is_file():
        lines = CORPUS.read_text(encoding="utf-8").splitlines()
        older |= {str(json.loads(line)["text"]) for line in lines if line}
    assert len(batch_2) == 120
    assert len(batch_3) == 60
    assert not batch_2 & batch_3
    assert not (batch_2 | batch_3) & older


def test_recall_on_blind_batch_2_is_at_least_95_percent():
    missed = _missed(blind_batch_2.PHI)
    assert 1 - len(missed) / len(blind_batch_2.PHI) >= 0.95, missed


def test_false_positive_rate_on_blind_batch_2_is_at_most_5_percent():
    flagged = _flagged(blind_batch_2.NOT_PHI)
    assert len(flagged) / len(blind_batch_2.NOT_PHI) <= 0.05, flagged


def test_false_positive_rate_on_blind_batch_3_is_at_most_5_percent():
    flagged = _flagged(blind_batch_3.NOT_PHI)
    assert len(flagged) / len(blind_batch_3.NOT_PHI) <= 0.05, flagged
