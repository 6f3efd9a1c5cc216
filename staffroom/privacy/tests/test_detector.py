"""The detector's rules, one behaviour per test, and its answers on bad input."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ImproperlyConfigured

from staffroom.privacy.detector import Finding, OrgPattern, Scan, configured_patterns, scan_text


def kinds(text: str) -> set[str]:
    return {f.kind for f in scan_text(text).findings}


def found(text: str, kind: str) -> list[str]:
    return [f.text for f in scan_text(text).findings if f.kind == kind]


# --- The public API ------------------------------------------------------------------------


def test_a_scan_without_findings_is_not_phi():
    scan = scan_text("The cafeteria stays open late on Fridays.")
    assert scan == Scan(findings=())
    assert scan.phi is False


def test_a_finding_names_its_kind_and_the_exact_text_it_covers():
    text = "Reminder: pt Ana Ruiz (MRN 00112233) needs her labs."
    scan = scan_text(text)
    assert scan.phi
    assert Finding(kind="mrn", start=27, end=35, text="00112233") in scan.findings
    for finding in scan.findings:
        assert text[finding.start : finding.end] == finding.text


def test_findings_come_in_text_order_and_never_overlap():
    scan = scan_text(
        "Mr. Diaz, DOB 01/02/1940, MRN 5566778, room 12, call his wife at 555-201-3344."
    )
    starts = [f.start for f in scan.findings]
    assert starts == sorted(starts)
    for a, b in zip(scan.findings, scan.findings[1:], strict=False):
        assert a.end <= b.start


def test_scan_text_refuses_what_is_not_a_string():
    with pytest.raises(TypeError):
        scan_text(b"bytes")  # type: ignore[arg-type]


# --- Identifiers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("MRN 99881234 shows the wrong allergy.", "mrn", "99881234"),
        ("her medical record number is 55-12-889 now", "mrn", "55-12-889"),
        ("Account #55123980 still unpaid.", "account_number", "55123980"),
        ("insurance ID ZX9912345 was rejected", "health_plan_id", "ZX9912345"),
        ("SSN 321-54-9876 on the fax", "ssn", "321-54-9876"),
        ("printed 321-54-9876 on the label", "ssn", "321-54-9876"),
    ],
)
def test_labelled_identifiers_are_found(text: str, kind: str, value: str):
    assert found(text, kind) == [value]


def test_a_record_number_label_without_a_number_is_not_phi():
    assert not scan_text("The MRN format changes next month; update the label printers.").phi


def test_an_ssn_shaped_number_after_an_mrn_label_is_an_mrn():
    assert found("Her MRN is 123-45-6789.", "mrn") == ["123-45-6789"]


# --- Dates ---------------------------------------------------------------------------------


def test_a_date_of_birth_is_phi_but_an_event_date_is_not():
    assert found("the patient born 02/11/1944 on 3 West", "dob") == ["02/11/1944"]
    assert not scan_text("The town hall is on 12/03/2026 in the auditorium.").phi
    assert not scan_text("Welcome our new director, starting 01/05/2027!").phi


def test_a_date_of_a_patients_admission_is_phi():
    assert found("She was admitted on 5/14 with a bleed.", "date") == ["5/14"]


def test_a_birth_year_of_staff_is_not_a_date_of_birth():
    assert not scan_text("Staff born in 1985 or later can join the webinar on 3/3.").phi


# --- Names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "pt Nadia Kovacs is refusing her insulin.",
        "Mrs. Achebe's family asked about her chemo schedule.",
        "We transferred Oscar Lindholm to the ICU with sepsis.",
        "Baby girl Marchetti went home today!",
    ],
)
def test_a_name_in_a_clinical_context_is_a_patient_name(text: str):
    assert "patient_name" in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "Thanks to nurse Maria Lopez for the sepsis audit.",
        "Dr. Osei's talk on stroke care was great.",
        "Kudos to Irene Castro on 3 South for picking up two night shifts.",
        "Thanks to Mr. Ortiz from facilities for fixing the ice machine.",
        "Happy anniversary to Linda Park, unit secretary, from all of us.",
    ],
)
def test_a_colleagues_name_is_not_phi(text: str):
    assert not scan_text(text).phi


def test_a_courtesy_title_with_only_an_initial_still_points_at_a_patient():
    assert kinds("Mr. B in 412 refused his meds again.") == {"patient_name", "room_bed"}


def test_clinical_words_in_the_next_sentence_count_for_a_titled_name():
    assert "patient_name" in kinds("Can someone check on Mrs. Farrow? Her sats dropped to 85.")


@pytest.mark.parametrize(
    "text",
    [
        "Ms. Quarles, our infection prevention lead, will audit isolation signs.",
        "Lena Fischer is the new manager of the dialysis unit.",
        "The Abbott Family Foundation donated chairs to the oncology unit.",
        "Patient Safety Week starts Monday with a sepsis quiz.",
    ],
)
def test_roles_organisations_and_titles_are_not_patient_names(text: str):
    assert not scan_text(text).phi


def test_a_room_described_as_a_room_is_not_phi_even_beside_family_words():
    assert not scan_text("Room 301 is the new family consultation room.").phi
    assert kinds("Room 301 has the patient with the new trach.") == {"room_bed"}


# --- Contacts ------------------------------------------------------------------------------


def test_a_family_members_phone_is_phi_but_a_department_line_is_not():
    assert found("The patient's son left his number 612-555-0101.", "phone") == ["612-555-0101"]
    assert not scan_text("Call the ED desk at 555-0100 for bed status.").phi
    assert not scan_text("Call pharmacy at ext. 4-5521 with questions.").phi


def test_a_patients_email_is_phi_but_a_team_mailbox_is_not():
    assert found("The patient asked us to email j.doe1950@gmail.com.", "email") == [
        "j.doe1950@gmail.com"
    ]
    assert not scan_text("Email wellness@example.org to join the patient safety walk.").phi


def test_a_home_address_is_phi_but_a_clinic_address_is_not():
    assert kinds("He lives at 42 Cedar Lane and needs oxygen at home.") == {"address"}
    assert not scan_text("The new clinic at 250 Main Street opens Monday.").phi


# --- Rooms, beds, ages ---------------------------------------------------------------------


def test_a_room_pointing_at_a_patient_is_phi_but_a_meeting_room_is_not():
    assert found("The patient in room 412 needs a sitter.", "room_bed")
    assert found("The man in bed 3 coded overnight.", "room_bed") == ["bed 3"]
    assert not scan_text("Training in conference room 3B at noon.").phi
    assert not scan_text("Room 210 is booked for the training on Monday.").phi


def test_an_age_over_89_of_a_patient_is_phi_but_younger_ages_and_staff_ages_are_not():
    assert found("Our 96-year-old patient went home.", "age_over_89") == ["96-year-old"]
    assert not scan_text("Our 64-year-old patient went home.").phi
    assert not scan_text("Retired chaplain Ann Lee, 93, still volunteers on Tuesdays.").phi


def test_statistics_are_not_phi():
    assert not scan_text("94% of patients would recommend us; falls down 30%.").phi


# --- Organisation patterns -----------------------------------------------------------------


def test_an_organisation_pattern_passed_in_is_found_with_its_own_kind():
    pattern = OrgPattern(kind="local_mrn", regex=r"\bRH\d{7}\b", label="Riverside MRN")
    scan = scan_text("Label said RH1234567 again.", extra_patterns=[pattern])
    assert [(f.kind, f.text) for f in scan.findings] == [("local_mrn", "RH1234567")]


def test_an_invalid_organisation_pattern_is_refused():
    with pytest.raises(ValueError, match="not a valid regex"):
        OrgPattern(kind="local_mrn", regex="RH(", label="broken")
    with pytest.raises(ValueError, match="lower_snake_case"):
        OrgPattern(kind="Local MRN", regex="RH", label="bad kind")


def test_organisation_patterns_come_from_the_setting(settings):
    settings.PHI_EXTRA_PATTERNS = [{"kind": "badge_id", "regex": r"\bQX-\d{4}\b", "label": "x"}]
    configured_patterns.cache_clear()
    try:
        assert found("Lost QX-1234 somewhere.", "badge_id") == ["QX-1234"]
    finally:
        configured_patterns.cache_clear()


def test_a_broken_setting_stops_with_a_clear_message(settings):
    settings.PHI_EXTRA_PATTERNS = [{"kind": "x", "regex": "("}]
    configured_patterns.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="PHI_EXTRA_PATTERNS"):
            configured_patterns()
    finally:
        settings.PHI_EXTRA_PATTERNS = []
        configured_patterns.cache_clear()


# --- Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "\x00\x01\x02\x1b[31m\x7f" * 1000,
        "".join(chr(c) for c in range(0, 0x3000, 7)),
        "\u202epatient\u202c Ana\u200bRuiz \u2066MRN\u2069 1234567",
        "مريض في الغرفة ١٢ " * 200,
        "患者の名前は山田太郎です。" * 200,
        "\ud800 lone surrogate \udfff",
        "A" * 50_000,
        "Mr. " * 20_000,
        "1" * 100_000,
        "(" * 10_000 + "555" + "-" * 10_000,
    ],
)
def test_odd_input_gets_an_answer_with_true_offsets(text: str):
    scan = scan_text(text)
    for finding in scan.findings:
        assert text[finding.start : finding.end] == finding.text


def test_a_right_to_left_override_does_not_hide_a_record_number():
    text = "MRN\u202e 7730215\u202c was flagged"
    assert found(text, "mrn") == ["7730215"]


def test_a_megabyte_of_text_is_scanned_within_seconds():
    # A generous bound that only a pathological regex would break; speed is benchmarked
    # in scripts/bench_phi_scan.py.
    chunk = "pt Ana Ruiz in room 12, MRN 5512345, 94% of patients, Dr. Lee on 5/6. "
    text = (chunk * (1_000_000 // len(chunk) + 1))[:1_000_000]
    began = time.perf_counter()
    scan = scan_text(text)
    assert time.perf_counter() - began < 30
    assert scan.phi


# --- Rules added after blind batch 2 -------------------------------------------------------


def test_the_last_four_digits_of_an_ssn_are_an_ssn():
    assert found("Her SSN ends in 3390, registration has the wrong one.", "ssn") == ["3390"]
    assert found("Last 4 of his social security: 7715", "ssn") == ["7715"]


def test_four_digits_without_an_ssn_label_are_not_an_ssn():
    assert "ssn" not in kinds("The code for the supply room ends in 3390.")


def test_a_spanish_admission_verb_ties_a_date_to_a_patient():
    assert found("Ingresó el 9 de mayo por una caída en casa.", "date") == ["9 de mayo"]


def test_a_clinical_event_on_a_date_of_hers_is_a_care_date():
    assert found("He had his heart attack on June 2nd and rehab never called.", "date") == [
        "June 2nd"
    ]


def test_a_talk_on_a_clinical_topic_on_a_date_is_not_a_care_date():
    assert not scan_text("She presented her poster on sepsis on March 4 in Chicago.").phi


def test_a_courtesy_title_followed_by_talk_of_that_person_is_a_patient():
    assert found(
        "Can someone sit with Mr. Halvorsen? He keeps asking for his wife.", "patient_name"
    )


def test_a_courtesy_title_with_staff_life_around_it_is_a_colleague():
    assert not scan_text("Ms. Rivera retires on Friday after 40 years.").phi
    assert not scan_text("Our volunteer Mr. Ellis brought his famous cookies today!").phi


def test_the_little_surname_girl_is_a_patient_name():
    assert found("The little Moreau girl finally kept her breakfast down.", "patient_name") == [
        "Moreau"
    ]
