"""The detector's rules, one behaviour per test, and its answers on bad input."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from staffroom.privacy import detector
from staffroom.privacy.detector import (
    Finding,
    OrgPattern,
    Scan,
    configured_patterns,
    env_patterns,
    scan_text,
)
from staffroom.privacy.detector.context import Context


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
    env_patterns.cache_clear()
    try:
        assert found("Lost QX-1234 somewhere.", "badge_id") == ["QX-1234"]
    finally:
        env_patterns.cache_clear()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([{"kind": "x", "regex": "("}], "JSON list"),
        ([{"kind": "x", "regex": "(a+)+$"}], "repeat inside a repeat"),
    ],
)
def test_a_broken_or_dangerous_setting_stops_with_a_clear_message(settings, value, message):
    settings.PHI_EXTRA_PATTERNS = value
    env_patterns.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match=message):
            configured_patterns()
    finally:
        settings.PHI_EXTRA_PATTERNS = []
        env_patterns.cache_clear()


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


def test_long_text_is_scanned_in_bounded_windows_so_the_cost_stays_linear(monkeypatch):
    # Not a timing test: it checks the property that keeps the cost linear. However text
    # looks, no rule ever sees more than WINDOW characters, and the windows together cover
    # the text about once. (Speed is measured in scripts/bench_phi_scan.py.)
    seen: list[int] = []

    def recording_context(text: str) -> Context:
        seen.append(len(text))
        return Context(text)

    monkeypatch.setattr("staffroom.privacy.detector.Context", recording_context)
    chunk = "pt Ana Ruiz in room 12, MRN 5512345, 94% of patients, Dr. Lee on 5/6. "
    text = (chunk * (1_000_000 // len(chunk) + 1))[:1_000_000]
    scan = scan_text(text)
    assert max(seen) <= detector.WINDOW
    assert sum(seen) <= len(text) * detector.WINDOW / (detector.WINDOW - detector.OVERLAP) + (
        detector.WINDOW
    )
    assert {f.kind for f in scan.findings} >= {"mrn", "patient_name", "room_bed"}


@pytest.mark.parametrize("seam", [detector.WINDOW - 10, detector.WINDOW - 500, 3 * 19_000 + 5])
def test_a_finding_across_a_window_seam_is_found_once(seam: int):
    text = "x " * (seam // 2) + "MRN 5512345 was wrong."
    assert found(text, "mrn") == ["5512345"]


def test_the_end_of_a_megabyte_of_text_is_scanned_too():
    text = "The cafeteria is open. " * 45_000 + "Pt Ana Ruiz, MRN 5512345."
    assert len(text) > 1_000_000
    assert found(text, "mrn") == ["5512345"]


def test_zero_width_characters_do_not_split_a_record_number():
    text = "MRN 44\u200b81923 shows up twice"
    assert found(text, "mrn") == ["44\u200b81923"]
    assert found("MRN 4\u200c4\u2060819\ufeff23 again", "mrn") == ["4\u200c4\u2060819\ufeff23"]


def test_full_width_digits_read_as_digits():
    assert found("ＭＲＮ ４４８１９２３", "mrn") == ["４４８１９２３"]  # noqa: RUF001


@pytest.mark.parametrize(
    "text",
    [
        "Пациент Иван Петров в палате 12, МРН 4481923.",  # noqa: RUF001
        "المريض أحمد في الغرفة ١٢",
        "病人王小明在12号房间。",
        "Ivan Petrov (Иван Петров) спасибо команде!",
    ],
)
def test_other_scripts_get_an_answer(text: str):
    scan = scan_text(text)
    for finding in scan.findings:
        assert text[finding.start : finding.end] == finding.text


def test_binary_junk_gets_an_answer():
    junk = bytes(range(256)).decode("latin-1") * 4000
    scan = scan_text(junk)
    for finding in scan.findings:
        assert junk[finding.start : finding.end] == finding.text


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


# --- Round 2 classes (issue 4): one behaviour each, with a look-alike that stays clean --------


def test_a_handover_list_entry_in_capitals_is_a_patient_name():
    text = "Board:\n1 - HUGHES, Margaret - CAP, on IV abx\n2 - empty"
    assert found(text, "patient_name") == ["HUGHES, Margaret"]


def test_a_rota_entry_in_capitals_is_a_colleague():
    assert not scan_text("Rota: COLLINS, Amy - early; FOSTER, Ben - late").phi
    assert not scan_text("Sepsis leads: HUGHES, Gwen (ED), BELL, Ian (AMU).").phi


def test_surname_first_name_and_age_after_a_bed_is_a_patient_name():
    assert found("Bed 2 \u2013 Evans, Rhys, 81, chest infection", "patient_name") == ["Evans, Rhys"]


def test_an_address_with_a_postcode_a_patient_is_taken_to_is_an_address():
    text = "Transport booked for 3pm to 27 Hawthorn Close, Bolton BL3 4QT, crew aware."
    assert kinds(text) == {"address"}


def test_an_address_with_a_postcode_for_staff_post_is_not_an_address():
    assert not scan_text("Post the signed contracts to HR, 3 Trust Way, Oxford OX3 9DU.").phi
    assert not scan_text("Our social is at The Plough, 3 Green Lane, Leeds LS17 6AB.").phi


def test_ages_spelled_out_are_ages():
    assert kinds("Admitted a ninety-one year old gentleman with a fractured hip.") == {
        "age_over_89"
    }
    assert kinds("A ninety-something lady came in tonight with a UTI.") == {"age_over_89"}


def test_spelled_out_numbers_that_are_not_a_persons_age_stay_clean():
    assert not scan_text("Ninety-four percent of patients rated us good.").phi
    assert not scan_text("The hospital is ninety-five years old this year!").phi


def test_an_age_right_after_my_patient_is_an_age():
    assert kinds("My patient today, 91, asked if I was old enough to be a nurse.") == {
        "age_over_89"
    }


def test_the_writers_own_relative_is_not_a_patient():
    assert not scan_text("My grandad, 93, still beats me at chess.").phi


def test_an_abbreviated_hospital_number_label_is_an_mrn():
    assert found("hosp no. KX0048812 belongs to another pt", "mrn") == ["KX0048812"]
    assert found("Pt no. 00834112 keeps appearing", "mrn") == ["00834112"]


def test_a_common_word_opening_a_sentence_is_not_a_name():
    assert not scan_text("Audit: 88% surgery. Let's get surgery over 90 next month!").phi
    assert not scan_text("Will someone cover my shift on Saturday night?").phi


def test_a_member_of_staffs_own_mobile_is_not_a_patients_phone():
    assert not scan_text("My work mobile is 07700 900 222 if anyone needs the rota.").phi
    assert not scan_text("I'm on call tonight, ring me on 07700 900 111.").phi


def test_a_patients_or_relatives_mobile_is_a_phone():
    assert kinds("Ring the daughter on 07700 900 552 about the care package.") == {"phone"}
    assert kinds("Call her on 07700 900 664 with the results.") == {"phone"}


def test_a_spanish_colleague_from_a_shift_or_department_is_not_a_patient():
    text = "Sra. L\u00f3pez del turno de noche: gracias por ense\u00f1arme a poner v\u00edas."
    assert not scan_text(text).phi
    assert not scan_text("Gracias a la Sra. Gil de enfermer\u00eda por la sesi\u00f3n.").phi


def test_don_or_dona_with_a_name_is_a_patient():
    assert kinds("Do\u00f1a Pilar lleva tres d\u00edas sin comer.") == {"patient_name"}


def test_a_name_in_brackets_after_talk_of_a_patient_is_a_patient_name():
    text = "The chap who came in with the chainsaw injury (Jonno) wants a cuppa."
    assert found(text, "patient_name") == ["Jonno"]


def test_a_department_in_brackets_after_a_name_makes_a_colleague():
    assert not scan_text("Mrs Kapoor (HR) asked everyone to update next of kin details.").phi


def test_a_name_after_a_care_verb_is_a_patient_name():
    text = "Sat with Ivy Marchbanks tonight, she told me about her late husband."
    assert found(text, "patient_name") == ["Ivy Marchbanks"]


def test_admitted_to_a_college_is_not_a_care_admission():
    assert not scan_text("Sarah was admitted to the Royal College of Nursing fellowship!").phi


def test_patient_as_the_name_of_a_service_does_not_make_a_room_a_patients():
    assert not scan_text("Meeting: patient flow, 10am, room 4, bring your bed state.").phi


def test_a_titled_name_whose_relative_is_spoken_of_is_a_patient_name():
    text = "The son of Mr Mbatha is a paramedic and wants to see the ECG."
    assert found(text, "patient_name") == ["Mbatha"]


def test_an_initial_between_a_patient_cue_and_a_surname_does_not_hide_the_cue():
    assert kinds("Pt Y. Nakamura needs a Japanese interpreter tomorrow.") == {"patient_name"}


def test_an_invoice_number_is_a_patients_only_next_to_a_patient_or_relative():
    assert not scan_text("Invoice no. 55092817 for the new chairs is with procurement.").phi
    text = "Can billing fix invoice no. 55092817? The family were charged twice."
    assert found(text, "account_number") == ["55092817"]


def test_a_role_in_apposition_makes_a_titled_name_a_colleague():
    assert not scan_text("Mr Ibrahim, our new stroke consultant, starts next week.").phi
    assert not found("The diabetes nurse, Ms Carroll, runs the clinic.", "patient_name")


def test_ages_of_the_writers_own_relatives_are_not_patients_ages():
    assert not scan_text("Just had to tell my 93 yr old nan I'm working Christmas.").phi


def test_is_and_a_number_is_an_age_only_with_a_patient_or_a_bed_in_the_sentence():
    assert kinds("Sgt. Mullins, the veteran in bed 10, is 97 and still does press-ups.") >= {
        "age_over_89"
    }
    assert not scan_text("Our ward's average patient age is 91 this winter.").phi
