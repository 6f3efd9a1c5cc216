"""The guard's scan of labelled texts and the highlighted HTML shown to authors and officers."""

from __future__ import annotations

import pytest

from staffroom.privacy.guard import FieldFinding, field_views, highlighted, kind_label, scan_texts

NOTE = "Mr John Carter in bed 4, MRN 4481923, needs his meds reviewed"


def test_findings_name_their_field_kind_and_place_but_carry_no_words() -> None:
    findings = scan_texts({"Title": "Ward news", "Comment": NOTE})
    assert {f.field for f in findings} == {"Comment"}
    assert {"mrn", "patient_name"} <= {f.kind for f in findings}
    mrn = next(f for f in findings if f.kind == "mrn")
    assert NOTE[mrn.start : mrn.end] == "4481923"
    assert "4481923" not in repr(mrn.as_json())


def test_clean_text_has_no_findings() -> None:
    assert scan_texts({"Comment": "Great session on hand hygiene today, thanks all"}) == []
    assert scan_texts({"Comment": "", "Title": "   "}) == []


def test_each_finding_is_marked_and_named_and_everything_else_is_escaped() -> None:
    text = "<b>Note</b>: MRN 4481923 & more"
    findings = [f for f in scan_texts({"Comment": text}) if f.kind == "mrn"]
    html = str(highlighted(text, findings))
    assert html.startswith("&lt;b&gt;Note&lt;/b&gt;")
    assert '<mark class="phi-finding" data-kind="mrn">4481923' in html
    assert '<span class="visually-hidden"> (possible medical record number)</span></mark>' in html
    assert "&amp; more" in html


def test_findings_that_no_longer_fit_the_text_are_skipped_not_raised_on() -> None:
    stale = [
        FieldFinding("Comment", "mrn", 50, 60),
        FieldFinding("Comment", "mrn", 3, 2),
        FieldFinding("Comment", "mrn", 0, 4),
        FieldFinding("Comment", "mrn", 2, 5),  # overlaps the one before
    ]
    html = str(highlighted("short text", stale))
    assert html.count("<mark") == 1
    assert "text" in html


def test_an_organisation_kind_gets_a_readable_label() -> None:
    assert kind_label("mrn") == "possible medical record number"
    assert "local mrn" in kind_label("local_mrn")


@pytest.mark.parametrize(
    "text",
    [
        "x" * 300_000,
        "MRN 4481923 " * 5_000,
        "\x00\x01\x02\x1b[31m MRN 4481923 \x7f",
        "\u202eMRN 4481923\u202c \u200f\u200e\u2066RTL\u2069",
        "患者 山田太郎 MRN 4481923 病室 4 — مريض محمد في السرير 4",
        "\ud800 broken surrogate MRN 4481923",
        "".join(chr(ord(c) + 0xFEE0) for c in "Mr John Carter MRN 4481923" if c != " "),
        "🙂" * 10_000,
        "\n\n\t\r" * 1000,
    ],
)
def test_odd_input_never_crashes_and_highlighting_stays_escaped(text: str) -> None:
    findings = scan_texts({"Comment": text})
    html = str(highlighted(text, findings))
    assert "<script" not in html
    views = field_views({"Comment": text}, findings)
    assert len(views) <= 1


def test_bytes_and_non_strings_are_scanned_as_text() -> None:
    findings = scan_texts({"Comment": b"MRN 4481923 \xff\xfe"})  # type: ignore[dict-item]
    assert [f.kind for f in findings] == ["mrn"]
    assert scan_texts({"Comment": None}) == []  # type: ignore[dict-item]
