"""Patient names: a person's name in a clinical context, not a colleague's.

Candidates are runs of capitalised words. A run counts as a name when a courtesy title or a
patient cue precedes it, or when it has two or more words and one is a known first or last
name (Faker's name lists for English, Spanish and a dozen other locales, loaded once). A name
becomes a *patient* name from its context: a patient cue right before it ("pt", "patient",
"baby girl"), a care verb ("we admitted ..."), an identifier right after it (", DOB", "(MRN"),
"'s family", or clinical words in its sentence outweighing the signs of staff life. A staff
title ("Dr.", "nurse"), a greeting ("thanks to"), or a department or role right after the name
("in transport", ", unit secretary") makes it a colleague.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from functools import cache

from staffroom.privacy.detector import terms
from staffroom.privacy.detector.context import Context
from staffroom.privacy.detector.patterns import Hit

# Locales whose Faker person providers list Latin-script names seen in US and Spanish
# hospitals. Missing locales (older Faker) are skipped.
_NAME_LOCALES = (
    "en_US", "en_GB", "en_IE", "en_IN", "en_NZ", "en_AU", "es_ES", "es_MX", "es_CO", "es_AR",
    "es_CL", "fr_FR", "de_DE", "it_IT", "pt_BR", "pt_PT", "pl_PL", "nl_NL", "vi_VN", "ga_IE",
    "yo_NG", "ig_NG", "ha_NG", "tw_GH", "zu_ZA", "sw", "fil_PH", "tr_TR", "ru_RU",
    "en_KE", "en_NG", "en_PK", "fr_CA", "fr_BE", "de_AT", "de_CH", "nl_BE", "sv_SE", "no_NO",
    "da_DK", "fi_FI", "cs_CZ", "sk_SK", "hu_HU", "ro_RO", "hr_HR", "sl_SI", "lt_LT", "lv_LV",
    "et_EE", "id_ID", "is_IS", "az_AZ", "uz_UZ", "sq_AL",
)  # fmt: skip

# Latin Extended-A/B mixes upper and lower case in one range; a word is only a candidate
# when its first letter is upper case (checked by the run regex on the first letter).
_UPPER = "A-ZÀ-ÖØ-ÞĀ-ɏ"
_LOWER = "a-zà-öø-ÿĀ-ɏ"
_WORD_SHAPE = (
    rf"(?:O['\u2019]|Mc|Mac|D['\u2019])?[{_UPPER}][{_LOWER}]+"
    rf"(?:[-'\u2019][{_UPPER}{_LOWER}][{_LOWER}]+)*"
)
_INITIAL = r"[A-Z]\.(?!\w)"
_RUN = re.compile(rf"(?<![\w-])(?:{_WORD_SHAPE}|{_INITIAL})(?:[ \t]+(?:{_WORD_SHAPE}|{_INITIAL}))*")
_TITLE_INITIAL = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Sr|Sra)\.?\s+([A-Z])(?![\w.'\u2019-])")
_PART = re.compile(rf"{_WORD_SHAPE}|{_INITIAL}")

_STRONG_PATIENT_BEFORE = frozenset(["pt", "patient", "paciente", "named", "baby", "bebé"])
_PATIENT_OWNERS = frozenset(["pt", "patient", "paciente"])
_BABY = frozenset(["baby", "bebé"])
_BABY_SEX = frozenset(["girl", "boy", "niña", "niño"])
_CARE_VERBS = frozenset(
    [
        "admitted",
        "readmitted",
        "discharged",
        "transferred",
        "treated",
        "intubated",
        "extubated",
        "resuscitated",
        "operated",
        "diagnosed",
        "sedated",
        "examined",
        "triaged",
        "ingresamos",
        "trasladamos",
        "operamos",
        "atendimos",
    ]
)
_CHILD_WORDS = frozenset(
    ["child", "baby", "boy", "girl", "kid", "infant", "twins", "family", "toddler"]
)
_AFTER_ID = re.compile(
    r"(?i)^[\s,;(\u2013\u2014-]*(?:dob|d\.o\.b|date of birth|born|mrn|medical record|age\s+\d"
    r"|\d{1,3}\s*y/?o|ssn|fecha de nacimiento|nhc)\b"
)
# "Will Hartley was admitted overnight": a full name as the subject of a care verb.
_AFTER_PASSIVE_CARE = re.compile(
    r"^\s+(?:was|is|has\s+been|got|fue|ha\s+sido)\s+(?:re)?(?:admitted|discharged|intubated"
    r"|extubated|resuscitated|sedated|diagnosed|ingresad[oa]|intubad[oa]|operad[oa])\b"
)
# "when Mr Stavros Petrou arrested in the corridor": a name as the subject of a clinical event.
_AFTER_CLINICAL_EVENT = re.compile(
    r"(?i)^\s+(?:arrested|collapsed|seized|fitted|desatted|desaturated|deteriorated|died"
    r"|passed\s+away|crashed|coded|aspirated|absconded|self-discharged|se\s+ha\s+ca[ií]do"
    r"|falleci[oó])\b"
)
# "was admitted to the Royal College of Nursing fellowship": admitted to a body, not a ward.
_NOT_CARE_ADMISSION = re.compile(
    r"(?i)\b(?:college|university|fellowship|membership|programme|program|course|register"
    r"|society|academy|school|bar|faculty)\b"
)
_ROLE_APPOSITION = re.compile(
    r"(?i)\w,?\s+(?:mr|mrs|ms|miss|mx|sr|sra|srta|don|doña|señor|señora)\.?\s+$"
)
_AFTER_FAMILY = re.compile(
    r"(?i)^['\u2019]s\s+(?:family|wife|husband|daughter|son|mother|father|mom|dad|sister|brother|"
    r"kids|children|parents|grandson|granddaughter|caregiver|nok|next\s+of\s+kin|carer)\b"
)
_AFTER_CREDENTIAL = re.compile(
    r"^\s*,?\s*(?:RN|MD|DO|NP|PA|PA-C|LPN|CNA|BSN|MSN|DNP|PhD|PharmD|RRT|CRNA|MBA|FACS)\b"
)
_AFTER_HEAD_OF = re.compile(
    r"(?i)^\s*[,(\u2013\u2014-]\s*(?:the\s+|our\s+|nuestr[oa]\s+|la\s+|el\s+)?"
    r"(?:head|jefa|jefe|responsable)\s+(?:of|de)\b"
)
_AFTER_BRACKET = re.compile(r"^\s*[(,]\s*(?P<word>[\w-]+)\s*[),]")
_AFTER_DEPARTMENT = re.compile(
    r"(?i)^\s*,?\s+(?:from|in|of|at|with|on|de|del|en)\s+(?:the\s+|la\s+|el\s+)?(?P<word>[\w-]+)"
    r"(?P<more>(?:\s+[\w-]+){0,2})"
)
# Departments named in two words ("from infection control"), or any "... team/office".
_DEPARTMENT_PHRASES = frozenset(
    [
        "infection control",
        "infection prevention",
        "occupational health",
        "tissue viability",
        "human resources",
        "patient experience",
        "bed management",
        "medical records",
        "health records",
        "clinical governance",
        "patient safety",
        "patient flow",
        "medical illustration",
        "information governance",
    ]
)
_TEAM_WORDS = frozenset(["team", "office", "department", "dept", "service", "desk", "equipo"])
_AFTER_ROLE = re.compile(
    r"(?i)^\s*(?:[,(\u2013\u2014-]"
    r"|\s(?:is|was|will\s+be|as|becomes|joins\s+us\s+as|es|será)\s)"
    r"\s*(?:(?:our|the|a|an|new|now|nuestra|nuestro|nueva|nuevo|la|el)\s+)*"
    r"(?P<words>[\w-]+(?:\s+[\w-]+){0,3})"
)
# What a colleague owns: "Maria's sepsis workgroup", "Dr. Lee's stroke research".
_OWNED_BY_STAFF = frozenset(
    terms._words(
        """
        workgroup group project research study trial paper initiative programme program
        pathway protocol guideline guidelines policy bundle rounds service clinic unit ward
        list lab team talk class course session module presentation poster
        """
    )
)
_IN_ROOM = re.compile(
    r"\s+(?:in|from)\s+(?:(?:room|rm|bed|bay|cama|habitaci[oó]n)\s+)?\d{1,4}[A-Za-z]?\b"
    r"(?!\s+(?i:north|south|east|west|wing|tower|floor|hours?|minutes?|days?|weeks?))"
)
# "Don Ramiro, el de la cama 5", "la Sra. Gómez de la habitación 210": a titled name placed
# in a bed is a patient.
_AT_BED = re.compile(
    r"(?i)\s*,?\s*(?:(?:el|la)\s+)?de\s+la\s+(?:cama|habitaci[oó]n|hab\.?)\s*\d"
    r"|\s*,?\s*(?:in|from)\s+(?:bed|bay|cubicle|side\s+room)\s*\d"
    r"|\s*\(\s*(?:bed|bay|cubicle|side\s+room|rm|room|hab\.?|habitaci[oó]n|cama)\s*\d"
)
_NEAR_BED = re.compile(
    r"(?i)[^.!?\n]{0,40}?\b(?:bed|bay|cubicle|side\s+room|cama|box)\s*\d{1,3}[a-z]?\b"
)
_AFTER_IS_PATIENT = re.compile(
    r"(?i)\s+(?:is|was|has\s+been)\s+(?:one\s+of\s+)?(?:our|a|the)\s+(?:\w+\s+)?patients?\b"
    r"(?!\s+(?:safety|experience|flow|partners?|panel|forum|council|champions?|liaison|voice"
    r"|representatives?|leaders?|advocates?))"
)
_BRACKET_CLOSE = re.compile(r"\)|,\s*\d{1,3}\s*(?:y/?o|yrs?)?\)")  # "(Brian)", "(Toby, 6)"
_RELATIVE_OF = re.compile(
    r"(?i)\b(?:son|daughter|wife|husband|partner|family|mother|father|mum|mom|dad|sister|brother"
    r"|niece|nephew|grandson|granddaughter|carer|relatives|hijo|hija|esposa|esposo|familia)"
    r"\s+of\s+(?:the\s+late\s+)?$"
)
_AFTER_AGE = re.compile(r"\s*,\s*\d{1,3}\s*(?:,|a[ñn]os\b|y/?o\b|yrs?\b)")
_INITIAL_BEFORE = re.compile(r"\b[A-Z]\.\s+$")
_SOMETHING = re.compile(r"\s+(?:something|whatever|what's-(?:her|his)-name)\b")
_IN_BED = re.compile(
    r"(?i)\s+(?:in|from)\s+(?:bed|bay|cubicle|side\s+room|cama|box)\s*\d{1,3}[a-z]?\b"
    r"|\s*\(\s*(?:bed|bay|cubicle|side\s+room|cama|box)\s*\d{1,3}[a-z]?\s*\)"
)
_AFTER_OUR = re.compile(
    r"^\s*,\s*(?:our|nuestr[oa])\s+(?P<words>[\w-]+(?:\s+[\w-]+){0,2})", re.IGNORECASE
)
_OUR_APPOSITIVE = re.compile(r"(?i)\b(?:our|nuestr[oa]|vuestr[oa])\s+[^,.;:!?()]{2,50},\s*$")
_POSSESSIVE = re.compile(r"['\u2019]s\s")
_WORD_TITLES = frozenset(["don", "doña", "señor", "señora", "mister", "sir", "madam"])
_ARTICLES = frozenset(["the", "los", "las", "la", "el"])
_ROLE_STOP = terms.ROLE_STOP_WORDS
_ORGANISATION_WORDS = terms.ORGANISATION_WORDS


@cache
def name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, last names) from Faker's person providers, loaded once."""
    first: set[str] = set()
    last: set[str] = set()
    for locale in _NAME_LOCALES:
        try:
            module = importlib.import_module(f"faker.providers.person.{locale}")
        except ImportError:
            continue
        provider = module.Provider
        for attribute in ("first_names", "first_names_male", "first_names_female"):
            first.update(_clean_names(getattr(provider, attribute, ())))
        for attribute in ("last_names", "last_names_male", "last_names_female"):
            last.update(_clean_names(getattr(provider, attribute, ())))
    first -= terms.NOT_NAME_WORDS_TITLE
    last -= terms.NOT_NAME_WORDS_TITLE
    return frozenset(first), frozenset(last)


def _clean_names(names: object) -> Iterator[str]:
    if not isinstance(names, list | tuple | dict):
        return  # some providers compute a list through a property
    for name in names:
        if isinstance(name, str) and name[:1].isupper() and " " not in name:
            yield name


def find_patient_names(ctx: Context) -> Iterator[Hit]:
    for run_start, start, end in _candidates(ctx):
        if _is_patient_name(ctx, run_start, start, end):
            yield "patient_name", start, end
    yield from _listed_names(ctx)


# A handover or whiteboard pasted as a list: "1 - PATEL, Hemant - NBM ?obstruction",
# "Bed 22 - Lin, Wei, 67, POD2 lap chole". SURNAME, First (the surname in capitals), or
# Surname, First followed by an age, or after a bed/bay label.
_LIST_NAME = re.compile(
    r"(?<![\w-])(?P<caps>(?:Mc|Mac|O['\u2019])?[A-Z]{2,}(?:[-'\u2019][A-Z]{2,})*),[ \t]*"
    r"(?P<first>[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]\.)(?![\w'])"
    r"|(?<![\w-])(?P<last>[A-Z][a-z]+(?:-[A-Z][a-z]+)?),[ \t]*(?P<first2>[A-Z][a-z]+)"
    r"(?=(?P<age>,[ \t]*\d{1,3}[ \t]*(?:,|y|\s[-\u2013\u2014]))?)"
)
_BED_LABEL_BEFORE = re.compile(
    r"(?i)(?:\b(?:bed|bay|cubicle|side\s+room|room|rm|cama|box)\s*\d{1,3}[a-z]?"
    r"|\b(?:pt|patient)\s*\d{1,3}|(?:^|[:;]|\bhandover|\bboard|\blist)\s*\d{1,2})"
    r"\s*[-\u2013\u2014:.)]\s*$"
)
# What a pasted patient list is introduced by ("Handover:", "the board", "ward list").
_LIST_CUE = re.compile(
    r"(?i)\b(?:handover|hand-over|whiteboard|board|ward\s+list|bay\s+[a-z]\b|bed\s+\d)"
)
_BED_WORDS = frozenset(["bed", "bay", "cubicle", "side", "cama", "box"])


# "Pt 14 - FINNEGAN - ?stroke": a surname alone in capitals after a bed or patient label.
_LIST_SOLO = re.compile(
    r"(?<![\w-])(?:Mc|Mac|O['\u2019])?[A-Z]{3,}(?:[-'\u2019][A-Z]{2,})*"
    r"(?=[ \t]*[-\u2013\u2014:,][ \t])"
)


def _listed_names(ctx: Context) -> Iterator[Hit]:
    text = ctx.text
    first_names, last_names = name_lists()
    for m in _LIST_SOLO.finditer(text):
        line_start = max(text.rfind("\n", 0, m.start()) + 1, m.start() - 300)
        line_end = text.find("\n", m.end())
        line_end = min(len(text) if line_end < 0 else line_end, m.end() + 300)
        if (
            _BED_LABEL_BEFORE.search(text[max(line_start, m.start() - 40) : m.start()])
            and m.group().title() in last_names
            and ctx.clinical(m.end(), line_end)
        ):
            yield "patient_name", m.start(), m.end()
    for m in _LIST_NAME.finditer(text):
        line_start = max(text.rfind("\n", 0, m.start()) + 1, m.start() - 300)
        line_end = text.find("\n", m.end())
        line_end = min(len(text) if line_end < 0 else line_end, m.end() + 300)
        head = text[line_start : m.start()]
        if m.group("caps"):
            surname, first = m.group("caps").title(), m.group("first")
            labelled = bool(_BED_LABEL_BEFORE.search(head))
            known = _known(surname, first_names, last_names) or first in first_names
            if not known and not (
                labelled and _LIST_CUE.search(text, max(0, m.start() - 200), m.start())
            ):
                continue
        else:
            surname, first = m.group("last"), m.group("first2")
            labelled = bool(_BED_LABEL_BEFORE.search(head)) and not head.strip().isdigit()
            if not (m.group("age") or labelled) and not (
                surname in last_names and first in first_names
            ):
                continue
            if surname.lower() in terms.NOT_NAME_WORDS:
                continue
        # Staff life near the entry ("Sepsis leads: HUGHES, Gwen"), not anywhere on the line.
        words = ctx.words_between(max(line_start, m.start() - 60), min(line_end, m.end() + 80))
        aged_case = bool(m.group("age")) and bool(ctx.clinical(m.end(), line_end))
        if not aged_case and any(
            w in terms.STAFF_ACTIVITY
            or w in terms.STAFF_GREETINGS
            or w in terms.STAFF_TITLES
            or w.removesuffix("s") in terms.STAFF_TITLES
            for w in words
        ):
            continue
        if (
            labelled
            or m.group("age")
            or ctx.clinical(line_start, line_end)
            or any(w in _BED_WORDS for w in ctx.words_between(line_start, line_end))
        ):
            yield "patient_name", m.start(), m.end("first") if m.group("caps") else m.end("first2")


def _candidates(ctx: Context) -> Iterator[tuple[int, int, int]]:
    """(run start, name start, name end) of each run of capitalised words, trimmed of words
    that are never part of a name ("The", "Patient", "Grandpa", "General")."""
    text = ctx.text
    for run in _RUN.finditer(text):
        parts = [
            (run.start() + m.start(), run.start() + m.end()) for m in _PART.finditer(run.group())
        ]
        while parts and _not_name(text[parts[0][0] : parts[0][1]]):
            parts.pop(0)
        # "Don Ramiro", "Doña Carmen": a spelled-out title opening the run is a title.
        if len(parts) > 1 and text[parts[0][0] : parts[0][1]].lower() in _WORD_TITLES:
            parts.pop(0)
        while parts and _not_name(text[parts[-1][0] : parts[-1][1]]):
            parts.pop()
        if not parts:
            continue
        # "the Smith Family Foundation" is an organisation, unless the run owns a clinical
        # thing ("Eun-ji Park's tube feed": Park is a surname too).
        if not any(
            text[s:e].lower() in _ORGANISATION_WORDS for s, e in parts_all(run, text)
        ) or _possessive_clinical(ctx, parts[-1][1]):
            yield run.start(), parts[0][0], parts[-1][1]
    # "Mr. B in 412": a courtesy title and a bare initial.
    for m in _TITLE_INITIAL.finditer(text):
        yield m.start(1), m.start(1), m.end(1)


def parts_all(run: re.Match[str], text: str) -> list[tuple[int, int]]:
    """Every word of a run, including the ones trimmed from its ends."""
    return [(run.start() + m.start(), run.start() + m.end()) for m in _PART.finditer(run.group())]


def _is_patient_name(ctx: Context, run_start: int, start: int, end: int) -> bool:
    text = ctx.text
    tokens = text[start:end].split()
    before = ctx.words_before(start, 3)
    if _INITIAL_BEFORE.search(text, max(0, start - 4), start):
        before = ctx.words_before(start, 4)[:-1]  # "pt Y. Nakamura": look past the initial
    previous = before[-1] if before else ""
    honorific = previous in terms.HONORIFICS
    # "Retired GP Dr Alan Hurst is one of our patients this week": said to be a patient.
    said_patient = bool(_AFTER_IS_PATIENT.match(text, end))
    if not said_patient and (
        previous in terms.STAFF_TITLES
        or _introduced_as_ours(ctx, start, honorific)
        or (honorific and _role_in_apposition(ctx, start, before))
    ):
        return False
    after = text[end : end + 60]
    first_names, last_names = name_lists()
    known = any(_known(t, first_names, last_names) for t in tokens)
    # "Let's get surgery over 90%": one unknown word opening a sentence owns nothing.
    owner = known or honorific or len(tokens) > 1 or not _sentence_start(ctx, start)
    strong = (
        said_patient
        or _strong_patient_cue(before, after)
        or (honorific and _after_bed_label(ctx, start))
        or (honorific and _relative_of(ctx, start))
        or (honorific and _seen_by_staff(ctx, start))
        or (honorific and _owns_belonging(ctx, end))
        or (
            (len(tokens) > 1 or honorific)
            and _looked_after(ctx, start)
            and not _owns_next(ctx, end)
        )
        or ((honorific or (len(tokens) > 1 and known)) and _cared_for_after(ctx, end))
        or (
            (len(tokens) > 1 or known)
            and bool(_AFTER_PASSIVE_CARE.match(after))
            and not _NOT_CARE_ADMISSION.search(after)
        )
        or ((len(tokens) > 1 or honorific) and bool(_AFTER_CLINICAL_EVENT.match(after)))
        or (honorific and (_cared_for(ctx, start) or bool(_AT_BED.match(text, end))))
        or (owner and _possessive_clinical(ctx, end))
    )
    if not strong and (_staff_after(after) or any(w in terms.STAFF_GREETINGS for w in before)):
        return False
    # "Patient Safety Week": a capitalised cue inside a title-cased run is no cue.
    if start > run_start and previous in _STRONG_PATIENT_BEFORE and not known:
        strong = strong and _sentence_start(ctx, run_start)
    family_name = False
    if len(tokens) == 1:
        # "the Nguyen girl", "the little Nguyen boy": an article, maybe one adjective.
        article = previous in _ARTICLES or (
            len(before) >= 2
            and before[-2] in _ARTICLES
            and previous.isalpha()
            and previous not in terms.STAFF_TITLES
        )
        family_name = (
            previous in {"familia", "family"}
            or (article and bool(set(ctx.words_after(end, 1)) & _CHILD_WORDS))
            # "The Harrisons in the family room ... their son": a family by its surname.
            or (
                previous in _ARTICLES
                and tokens[0].endswith("s")
                and tokens[0][:-1] in name_lists()[1]
                and not _staff_titles_near(ctx, start, end)
            )
        )
        # "the chap who came in with the chainsaw injury (Jonno)": a name in brackets after
        # talk of a patient, known to the lists or not.
        window = ctx.word_span_before(start, 12)
        bracketed = (
            text[start - 1 : start] == "("
            and bool(_BRACKET_CLOSE.match(text, end))
            and (
                any(w in terms.PATIENT_NOUNS for w in ctx.words_before(start, 12))
                or (
                    ctx.clinical(*window)
                    and not ctx.any_word(terms.STAFF_TITLES | terms.DEPARTMENTS, *window)
                )
            )
            and token_is_plain(tokens[0])
        )
        # "Dolores in 4B": a first name placed in a room or bed; "pt in 7 (Brian)".
        placed = bracketed or (
            known
            and (
                bool(_IN_ROOM.match(text, end))
                or (
                    text[start - 1 : start] == "("
                    and any(
                        w in terms.PATIENT_NOUNS or w in _BED_WORDS or w.isdigit()
                        for w in ctx.words_before(start, 3)
                    )
                    and any(w in terms.PATIENT_NOUNS for w in ctx.words_before(start, 6))
                )
            )
        )
        # "Jamie something, early 20s, went to theatre": a half-remembered patient.
        half_named = known and bool(_SOMETHING.match(text, end))
        bedded = token_is_plain(tokens[0]) and bool(_IN_BED.match(text, end))
        name_like = honorific or strong or family_name or placed or half_named or bedded
    else:
        name_like = honorific or strong or known
    if not name_like:
        return False
    if strong:
        return True
    s, e = ctx.sentence(start, end)
    if e < len(text) and (
        honorific
        or _starts_with_pronoun(ctx, e)
        or (family_name and ctx.words_after(e, 1) == ["their"])
    ):
        # "Can someone check on Mr. Grey? His sats dropped": the next sentence counts too.
        e = ctx.sentence(e, e + 1)[1]
    clinical = ctx.clinical(s, e)
    evidence = clinical + ctx.patient_nouns(s, e) + ctx.family(s, e)
    staff = ctx.staff_activity(s, e)
    # "Mrs. Fitzgerald ... while she waited": staff posts call colleagues by first name or
    # "Dr."; a courtesy title followed by talk of that person, with no sign of staff life
    # (work words, a greeting, a staff title just before), is a patient. (Round 2 tried
    # dropping the pronoun: recall 12/12 but 7/15 false alarms on a fresh set. Kept.)
    talked_of = (
        honorific
        and not staff
        and not _greeted(ctx, s, start)
        and not any(w in terms.STAFF_TITLES for w in ctx.words_before(start, 4))
        and ctx.any_word(terms.PERSON_PRONOUNS, end, e)
    )
    # A full name beside "the patient" needs no clinical word, unless staff life is there too.
    # "The Okafor family requested no visitors for their father": a family named by its
    # surname, with more talk of relatives or care than the word "family" itself.
    family_named = family_name and not staff and evidence >= 2
    # "Caso: Pedro Álvarez, 79, EPOC reagudizado": a full name and an age, then care words.
    aged = (
        len(tokens) > 1
        and bool(_AFTER_AGE.match(text, end))
        and bool(clinical)
        and not staff
        and not _greeted(ctx, s, start)
    )
    # "Leonard in bay 2 has finished his jigsaw": a first name in a bed or bay (not a room,
    # which may be an office) is a patient unless staff life is in the sentence.
    in_bed = (
        len(tokens) == 1
        and not staff
        and bool(_IN_BED.match(text, end))
        and (known or token_is_plain(tokens[0]))
    )
    # "Mrs Akinola's wedding ring, bay 3": a titled name with a bed or bay just after.
    in_bed = in_bed or (
        honorific and not staff and not _greeted(ctx, s, start) and bool(_NEAR_BED.match(text, end))
    )
    # "Doña Pilar lleva tres días sin comer": Spanish staff posts call colleagues by first
    # name or "Sra."; "don/doña" with a name and no staff sign is a patient or relative.
    spanish_elder = previous in {"don", "doña"} and not staff and not _greeted(ctx, s, start)
    if not (
        family_named
        or aged
        or in_bed
        or spanish_elder
        or talked_of
        or clinical
        or (honorific and evidence)
        or (ctx.patient_nouns(s, e) and not staff)
    ):
        return False
    return (
        family_named
        or aged
        or in_bed
        or spanish_elder
        or talked_of
        or evidence > staff
        or (honorific and evidence >= staff)
    )


def _role_in_apposition(ctx: Context, start: int, before: list[str]) -> bool:
    """ "The diabetes nurse, Ms Carroll, runs ...": a role right before the title."""
    return (
        len(before) >= 2
        and before[-2] in terms.STAFF_TITLES
        and before[-2] not in terms.FAMILY_WORDS
        and bool(_ROLE_APPOSITION.search(ctx.text, max(0, start - 30), start))
    )


def _introduced_as_ours(ctx: Context, start: int, honorific: bool) -> bool:
    """ "Our nursing home liaison, Mr. Quinn, ...": a person introduced by what they are to
    us is a colleague, unless what they are is a patient ("our 94-year-old, Mr. X")."""
    name_start = start
    if honorific:
        name_start = ctx.word_span_before(start, 1)[0]
    head = ctx.text[max(0, name_start - 60) : name_start]
    m = _OUR_APPOSITIVE.search(head)
    if not m:
        return False
    words = ctx.words_between(name_start - len(head) + m.start(), name_start)
    # "our new chap in estates, Mr X": an informal noun with a department is a colleague.
    if any(
        w in terms.DEPARTMENTS or w in terms.STAFF_ACTIVITY or w in terms.STAFF_TITLES
        for w in words
    ):
        return True
    return not any(
        w in terms.PATIENT_NOUNS
        or w in terms.FAMILY_WORDS
        or w in terms.PATIENT_DESCRIPTORS
        or any(c.isdigit() for c in w)
        for w in words
    )


def _cared_for(ctx: Context, start: int) -> bool:
    """ "caring for Mr. X", "por cuidar tan bien a doña X": a titled name that is the object
    of a care verb is a patient even inside a thank-you."""
    before = ctx.words_before(start, 6)
    return (
        bool(before)
        and before[-1] in terms.HONORIFICS
        and any(w in terms.CARE_OBJECT_VERBS for w in before[:-1])
    )


# "I looked after Henrietta Bloomfield today", "we nursed X", "sat with X".
_LOOKED_AFTER = re.compile(
    r"(?i)\b(?:looked\s+after|looking\s+after|look\s+after|cared\s+for|caring\s+for"
    r"|keep\s+an\s+eye\s+on|check\s+on|look\s+in\s+on|(?:born|delivered)\s+(?:[\w-]+\s+){0,4}to"
    r"|nursed|nursing|sat\s+with|sitting\s+with|cuidamos\s+a|cuidando\s+a|cuidé\s+a)\s+$"
)


def _looked_after(ctx: Context, start: int) -> bool:
    if ctx.words_before(start, 1)[-1:] and ctx.words_before(start, 1)[0] in terms.HONORIFICS:
        start = ctx.word_span_before(start, 1)[0]  # "keep an eye on Mr Abara"
    return bool(_LOOKED_AFTER.search(ctx.text, max(0, start - 25), start))


# "Funeral for Mr Pennington ... the team who nursed him": cared for, later in the sentence.
_CARED_FOR_PRONOUN = re.compile(
    r"(?i)\b(?:nursed|cared\s+for|looked\s+after|sat\s+with|treated|washed|fed|resuscitated"
    r"|cuidaron|cuidamos|atendimos|atendieron)\s+(?:him|her|them|le|la|lo)\b"
    r"|\b(?:held|holding|hold)\s+(?:her|his)\s+hand\b"
)


def _cared_for_after(ctx: Context, end: int) -> bool:
    _, e = ctx.sentence(end, end + 1)
    return bool(_CARED_FOR_PRONOUN.search(ctx.text, end, e))


# "Bed 6 - Mr Castle - refused breakfast": a titled name labelled with a bed.
_BED_LABEL_THEN_TITLE = re.compile(
    r"(?i)\b(?:bed|bay|cubicle|side\s+room|cama|box)\s*\d{1,3}[a-z]?\s*[-\u2013\u2014:,]\s*$"
)


def _after_bed_label(ctx: Context, start: int) -> bool:
    title_start = ctx.word_span_before(start, 1)[0]
    return bool(_BED_LABEL_THEN_TITLE.search(ctx.text, max(0, title_start - 20), title_start))


def _staff_titles_near(ctx: Context, start: int, end: int) -> bool:
    """ "The Fitzgeralds (our two theatre nurses)": a role, singular or plural, in apposition."""
    if ctx.text[end : end + 3].lstrip()[:1] not in ("(", ","):
        return False
    return any(
        w in terms.STAFF_TITLES or w.removesuffix("s") in terms.STAFF_TITLES
        for w in ctx.words_after(end, 5)
    )


# "Can we get a dietitian to see Mr Mahlangu?": the titled person is the one being seen.
_SEEN = re.compile(r"(?i)\b(?:to\s+)?(?:see|review|assess|visit|examine|reassess)\s+$")


def _seen_by_staff(ctx: Context, start: int) -> bool:
    title_start = ctx.word_span_before(start, 1)[0]
    if not _SEEN.search(ctx.text, max(0, title_start - 15), title_start):
        return False
    return any(w in terms.STAFF_TITLES for w in ctx.words_before(title_start, 4))


def _relative_of(ctx: Context, start: int) -> bool:
    """ "The son of Mr Mbatha is a paramedic": a titled name whose relative is spoken of."""
    title_start = ctx.word_span_before(start, 1)[0]
    return bool(_RELATIVE_OF.search(ctx.text, max(0, title_start - 30), title_start))


def _owns_belonging(ctx: Context, end: int) -> bool:
    """ "Mr Abernethy's glasses are in the drawer": a titled name owning a patient's things."""
    if not _POSSESSIVE.match(ctx.text, end):
        return False
    following = ctx.words_after(end + 2, 2)
    return bool(following) and (
        following[0] in terms.BELONGINGS
        or (len(following) > 1 and following[1] in terms.BELONGINGS)
    )


def _owns_next(ctx: Context, end: int) -> bool:
    """ "looked after Sarah Jones's bay": the name owns what was looked after."""
    return bool(_POSSESSIVE.match(ctx.text, end))


def _possessive_clinical(ctx: Context, end: int) -> bool:
    """ "Rosalind Achebe's potassium", "Mr Odhiambo's nebuliser": a name owning a clinical
    thing, with no staff-life word after it ("Maria's sepsis audit")."""
    if not _POSSESSIVE.match(ctx.text, end):
        return False
    following = ctx.word_span_after(end + 2, 2)
    if not ctx.clinical(*following):
        return False
    span = ctx.word_span_after(end + 2, 4)
    return not ctx.staff_activity(*span) and not ctx.any_word(_OWNED_BY_STAFF, *span)


def _strong_patient_cue(before: list[str], after: str) -> bool:
    previous = before[-1] if before else ""
    # "Eileen, our lovely regular from the renal unit, ...": introduced as a patient.
    m = _AFTER_OUR.match(after)
    if m and any(
        w in terms.PATIENT_DESCRIPTORS or w in terms.PATIENT_NOUNS
        for w in m.group("words").lower().split()
    ):
        return True
    # "pt's husband, Raj": a relative named right after the patient is named.
    if len(before) >= 2 and previous in terms.FAMILY_WORDS and before[-2] in _PATIENT_OWNERS:
        return True
    # "the patient's mother, Mrs Coates,": the same with a courtesy title.
    if (
        len(before) >= 3
        and previous in terms.HONORIFICS
        and before[-2] in terms.FAMILY_WORDS
        and before[-3] in _PATIENT_OWNERS
    ):
        return True
    return (
        previous in _STRONG_PATIENT_BEFORE
        or (len(before) >= 2 and before[-2] in _BABY and previous in _BABY_SEX)
        or previous in _CARE_VERBS
        or bool(_AFTER_ID.match(after))
        or bool(_AFTER_FAMILY.match(after))
    )


def _greeted(ctx: Context, sentence_start: int, start: int) -> bool:
    return any(w in terms.STAFF_GREETINGS for w in ctx.words_between(sentence_start, start))


def _starts_with_pronoun(ctx: Context, pos: int) -> bool:
    return bool(set(ctx.words_after(pos, 1)) & terms.PERSON_PRONOUNS)


def _sentence_start(ctx: Context, pos: int) -> bool:
    s, _ = ctx.sentence(pos, pos + 1)
    return not ctx.text[s:pos].strip()


def token_is_plain(token: str) -> bool:
    """A word that could be a nickname: not a department, ward word or common capital."""
    word = token.lower()
    return word not in terms.DEPARTMENTS and word not in terms.NOT_NAME_WORDS


def _not_name(token: str) -> bool:
    word = token.lower().rstrip(".")
    # "Readmitted Percival Oakes ...": a capitalised care verb opening the run is a cue,
    # not part of the name (it stays in the words before the name).
    return word in terms.NOT_NAME_WORDS or word in _CARE_VERBS


def _known(token: str, first_names: frozenset[str], last_names: frozenset[str]) -> bool:
    if token.endswith("."):
        return False
    if token in first_names or token in last_names:
        return True
    return any(
        part in first_names or part in last_names
        for part in re.split(r"[-'\u2019]", token)
        if len(part) > 1
    )


def _staff_after(after: str) -> bool:
    if _AFTER_CREDENTIAL.match(after):
        return True
    if _AFTER_HEAD_OF.match(after):
        return True  # "Mrs. Ortega, the head of catering,"
    m = _AFTER_BRACKET.match(after)
    if m and m.group("word").lower() in terms.DEPARTMENTS:
        return True  # "Mrs Kapoor (HR)", "Mr Ali, pharmacy,"
    m = _AFTER_DEPARTMENT.match(after)
    if m:
        word = m.group("word").lower()
        more = m.group("more").lower().split()
        if (
            word in terms.DEPARTMENTS
            or word.removesuffix("s") in terms.DEPARTMENTS
            or " ".join([word, *more[:1]]) in _DEPARTMENT_PHRASES
            or any(w in _TEAM_WORDS for w in more)
        ):
            return True
    m = _AFTER_ROLE.match(after)
    if m:
        for word in m.group("words").lower().split():
            if word in _ROLE_STOP:
                break
            if word in terms.STAFF_TITLES:
                return True
    return False
