"""Identifiers and the like: numbers, dates, contact details, rooms and ages, with their
context rules. Every regex is compiled once, at import, and written so it cannot backtrack
badly on long input (no nested unbounded repeats)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from staffroom.privacy.detector import terms
from staffroom.privacy.detector.context import Context

Hit = tuple[str, int, int]  # (kind, start, end) into the original text

# --- Record, account and plan numbers ------------------------------------------------------

_ID = r"(?P<id>[A-Za-z0-9](?:[A-Za-z0-9]|[-.](?=[A-Za-z0-9])){3,24})(?![A-Za-z0-9])"
_LINK = r"(?:\s*(?:is|was|es|number|no\.?|num|nr|#|:|=|of|de)\s*){0,3}\s*"

_MRN = re.compile(
    r"(?i)\b(?:mrn|mr\s?#|mr\s?no\.?|med(?:ical)?\s+rec(?:ord)?s?(?:\s+(?:number|no\.?|num|#))?"
    r"|chart\s+(?:number|no\.?|#)|record\s+(?:number|no\.?|#)|hospital\s+number"
    r"|patient\s+(?:id|number|no\.?|#)|n[uú]mero\s+de\s+historia(?:\s+cl[ií]nica)?"
    r"|historia\s+cl[ií]nica|nhc)" + _LINK + _ID
)
_ACCOUNT = re.compile(
    r"(?i)\b(?:account|acct\.?|acc\.?|encounter|visit|fin|har|invoice|claim|cuenta|factura)"
    r"(?:\s+(?:number|no\.?|num|#|id))?" + _LINK + _ID
)
_HEALTH_PLAN = re.compile(
    r"(?i)\b(?:health\s*plan|member|insurance|policy|subscriber|medicaid|medicare|beneficiary"
    r"|group|plan|tarjeta\s+sanitaria|afiliaci[oó]n|cip|nss|p[oó]liza|aseguradora)"
    r"(?:\s+(?:member\s+)?(?:id|number|no\.?|num|#|card))+" + _LINK + _ID
)

# --- SSN and national ids ----------------------------------------------------------------

_SSN_SHAPE = re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])")
_SSN_LABELLED = re.compile(
    r"(?i)\b(?:ssn|ss\s?#|social\s+security(?:\s+(?:number|no\.?|#))?|dni|nie)"
    + _LINK
    + r"(?P<id>\d{3}[- ]?\d{2}[- ]?\d{4}|\d{8}[- ]?[A-Za-z]|[XYZxyz]\d{7}[A-Za-z])(?![\w-])"
)
# "SSN ends in 4471", "last four of her social security: 4471": a partial SSN is still one.
_SSN_PARTIAL = re.compile(
    r"(?i)\b(?:ssn|ss\s?#|social(?:\s+security)?(?:\s+(?:number|no\.?|#))?)"
    r"\s+(?:ends?|ending)\s+(?:in|with)\s*:?\s*(?P<id>\d{4})(?![\w-])"
    r"|\blast\s+(?:4|four)(?:\s+digits)?\s+(?:of|on)\s+(?:(?:his|her|their|the|pt'?s|patient'?s)\s+)?"
    r"(?:ssn|ss\s?#|social(?:\s+security)?)(?:\s+(?:number|no\.?|#))?"
    r"(?:\s*(?:is|are|was|were|:|=)\s*)*(?P<id2>\d{4})(?![\w-])"
)

# --- Phones and email --------------------------------------------------------------------

_PHONE = re.compile(
    r"(?<![\w.+-])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w-])"
    r"|(?<![\w.+-])\d{3}-\d{4}(?![\w-])"
    r"|(?<![\w.+-])(?:\+?34[\s.-]?)?[6789]\d{2}(?:[\s.-]?\d{3}[\s.-]?\d{3}|(?:[\s.-]\d{2}){3})(?![\w-])"
)
_EXTENSION_BEFORE = re.compile(r"(?i)(?:\bext|\bx|\bextension|\bpager|\bbeeper)\.?\s*#?\s*$")
_PERSONAL_PHONE_CUES = frozenset(
    ["cell", "mobile", "home", "móvil", "celular", "callback", "call-back"]
)
_POSSESSIVES = frozenset(["her", "his", "their", "su"])
_NUMBER_WORDS = frozenset(["number", "phone", "teléfono", "número"])

_EMAIL = re.compile(
    r"(?<![\w.+-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+-]{0,63})@"
    r"(?P<domain>[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8})"
)

# --- Street addresses --------------------------------------------------------------------

_STREET_TYPES = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl"
    r"|Terrace|Ter|Circle|Cir|Highway|Hwy|Parkway|Pkwy|Trail|Trl|Square|Sq|Crescent|Close"
)
_ADDRESS = re.compile(
    r"\b\d{1,6}\s+(?:[NSEW]\.?\s+)?(?:[A-Z][A-Za-z'\u2019-]*\.?\s+){1,3}(?:"
    + _STREET_TYPES
    + r")\b\.?"
    r"(?:,?\s*(?:Apt|Apartment|Unit|Suite|#)\.?\s*[A-Za-z0-9-]{1,6})?"
    r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?(?:,?\s*[A-Z]{2}\b)?(?:\s+\d{5}(?:-\d{4})?)?"
    r"|\b(?:[Cc]alle|C/|[Aa]venida|[Aa]vda\.|[Pp]aseo|[Pp]laza|[Cc]amino|[Cc]arrera)\s+"
    r"(?:(?:de|del|la|los|las)\s+){0,2}[A-ZÁÉÍÓÚÑ][\wáéíóúñ]*(?:\s+[A-ZÁÉÍÓÚÑ][\wáéíóúñ]*){0,3}"
    r",?\s*(?:n[ºo°]\.?\s*|#\s*)?\d{1,5}"
)

# --- Dates -------------------------------------------------------------------------------

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
    r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre"
    r"|noviembre|diciembre"
)
_DATE = re.compile(
    r"(?i)(?<![\w/.-])(?:"
    r"\d{1,2}/\d{1,2}(?:/\d{2,4})?|\d{1,2}-\d{1,2}-\d{2,4}|\d{1,2}\.\d{1,2}\.\d{2,4}"
    r"|\d{4}-\d{2}-\d{2}"
    r"|(?:" + _MONTHS + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:de\s+)?(?:" + _MONTHS + r")\.?(?:,?\s+(?:de\s+)?\d{4})?"
    r")(?![\w/-]|\.\d)"
)
_DOB_CUE = re.compile(
    r"(?i)(?:\bdob|\bd\.o\.b\.?|date\s+of\s+birth|birth\s*date|birthdate|birthday|\bborn(?:\s+on)?"
    r"|fecha\s+de\s+nacimiento|\bf\.?\s?nac\.?|nacid[oa](?:\s+el)?)"
    r"[\s:#(,-]*(?:(?:is|was|es|of)\s+)?[(\s]*$"
)
_CARE_DATE_CUE = re.compile(
    r"(?i)(?:admission|admit|discharge|surgery|procedure|transfer|service|dos|ingreso|alta)"
    r"\s+date[\s:#(-]*$|date\s+of\s+(?:admission|discharge|service|surgery|death)[\s:#(-]*$"
    r"|fecha\s+de\s+(?:ingreso|alta)[\s:#(-]*$"
)
_DOB_YEAR = re.compile(
    r"(?i)\b(?:dob|d\.o\.b\.?|date\s+of\s+birth)[\s:#(-]*(?P<id>(?:19|20)\d{2})\b"
)

# --- Rooms and beds ----------------------------------------------------------------------

_ROOM = re.compile(
    r"(?i)\b(?:room|rm|habitaci[oó]n|hab|cuarto|box)\b\.?\s*#?\s*"
    r"(?P<id>\d{1,4}[A-Za-z]?(?:-\d{1,3}[A-Za-z]?)?|\d[A-Za-z]-?\d{1,3})(?!\w)"
)
_BED = re.compile(r"(?i)\b(?:bed|cama)\b\s*#?\s*(?P<id>\d{1,3}[A-Za-z]?|(?<=\s)[A-Za-z])(?![\w%])")
_UNIT_BED = re.compile(r"(?<![\w-])\d{1,2}[A-Z]-\d{1,3}(?![\w-])")
_PERSON_IN = re.compile(
    r"(?i)\b(?:patient|pt|man|woman|gentleman|lady|child|boy|girl|baby|paciente|señor|señora"
    r"|(?-i:(?:Mr|Mrs|Ms|Miss)\.?\s+[A-Z][a-z]*))"
    r"\s+in\s+(?:room\s+|bed\s+)?(?P<id>\d{2,4}[A-Za-z]?)(?![\w%])"
)

# --- Ages --------------------------------------------------------------------------------

_AGE_NUMBER = r"(?P<age>9\d|1[0-2]\d)"
_AGE = re.compile(
    r"(?i)\b" + _AGE_NUMBER + r"(?:[- ]?(?:years?|yrs?|year)[- ](?:old|of\s+age)|[- ]?y/?o\b"
    r"|\s+años)"
    r"|\b(?:age|aged|edad(?:\s+de)?)\s+(?P<age2>9\d|1[0-2]\d)\b(?![%.,]\d)"
)
_COMPARISONS = frozenset(
    ["over", "under", "than", "above", "below", "to", "from", "mayores", "menores", "más"]
)
_AGE_AFTER_NAME = re.compile(
    r"[A-Za-z], (?P<age>9\d|1[0-2]\d),"
    r"|(?i:\b(?:pt|patient|he|she|who|paciente)\s+(?:is|was|turned|turns|tiene)\s+(?:now\s+)?)"
    r"(?P<age_is>9\d|1[0-2]\d)"
    r"(?!\s*(?:%|percent|por|of|de|[.,]\d))\b"
)


_STAFF_WORDS = terms.STAFF_ACTIVITY | terms.STAFF_TITLES


def _sentence_has(ctx: Context, vocabulary: frozenset[str], start: int, end: int) -> bool:
    s, e = ctx.sentence(start, end)
    return ctx.any_word(vocabulary, s, e)


def _has_digits(value: str, minimum: int) -> bool:
    return sum(c.isdigit() for c in value) >= minimum


def find_identifiers(ctx: Context) -> Iterator[Hit]:
    """MRNs, account and health-plan numbers, SSNs: a label followed by an id."""
    for regex, kind, digits in (
        (_MRN, "mrn", 4),
        (_HEALTH_PLAN, "health_plan_id", 4),
        (_ACCOUNT, "account_number", 5),
    ):
        for m in regex.finditer(ctx.text):
            if _has_digits(m.group("id"), digits):
                yield kind, m.start("id"), m.end("id")
    for m in _SSN_LABELLED.finditer(ctx.text):
        yield "ssn", m.start("id"), m.end("id")
    for m in _SSN_SHAPE.finditer(ctx.text):
        yield "ssn", m.start(), m.end()
    for m in _SSN_PARTIAL.finditer(ctx.text):
        group = "id" if m.group("id") else "id2"
        yield "ssn", m.start(group), m.end(group)


def find_contacts(ctx: Context) -> Iterator[Hit]:
    """A phone, email or street address of a patient or their family (not a department's)."""
    for m in _PHONE.finditer(ctx.text):
        if _EXTENSION_BEFORE.search(ctx.text, max(0, m.start() - 12), m.start()):
            continue
        if _is_personal_contact(ctx, m.start(), m.end()):
            yield "phone", m.start(), m.end()
    for m in _EMAIL.finditer(ctx.text):
        local = m.group("local").lower()
        if re.split(r"[._+-]", local)[0] in terms.ROLE_MAILBOXES:
            continue
        if _is_personal_contact(ctx, m.start(), m.end()):
            yield "email", m.start(), m.end()
    for m in _ADDRESS.finditer(ctx.text):
        s, e = ctx.sentence(m.start(), m.end())
        residence = ctx.any_word(terms.RESIDENCE_WORDS, s, e)
        home = ctx.any_word(terms.RESIDENCE_WORDS - _WEAK_RESIDENCE, s, e)
        organisation = ctx.any_word(terms.ORG_PLACE_WORDS, s, e)
        if (organisation or ctx.any_word(terms.EVENT_WORDS, s, e)) and not home:
            continue
        if residence or ctx.patient_nouns(s, e) or ctx.family(s, e):
            yield "address", m.start(), m.end()


def _is_personal_contact(ctx: Context, start: int, end: int) -> bool:
    near_before = max(0, start - 45)
    before_words = ctx.words_between(near_before, start)
    person_near = (
        any(
            w in terms.PATIENT_NOUNS or w in terms.FAMILY_WORDS or w in _PERSONAL_PHONE_CUES
            for w in before_words
        )
        or any(w in _PERSONAL_PHONE_CUES for w in ctx.words_after(end, 2))
        or (
            any(w in _POSSESSIVES for w in before_words)
            and any(w in _NUMBER_WORDS for w in before_words)
        )
    )
    department_near = any(w in terms.DEPARTMENTS for w in before_words)
    if department_near and not person_near:
        return False
    s, e = ctx.sentence(start, end)
    return person_near or bool(ctx.patient_nouns(s, e) or ctx.family(s, e))


def find_dates(ctx: Context) -> Iterator[Hit]:
    """Dates of birth anywhere; other dates only when tied to one patient's care."""
    for m in _DATE.finditer(ctx.text):
        if _DOB_CUE.search(ctx.lower, max(0, m.start() - 40), m.start()):
            yield "dob", m.start(), m.end()
            continue
        if _CARE_DATE_CUE.search(ctx.lower, max(0, m.start() - 30), m.start()):
            yield "date", m.start(), m.end()
            continue
        s, e = ctx.sentence(m.start(), m.end())
        words = ctx.words_between(s, e)
        if any(w in terms.EVENT_WORDS for w in words):
            continue
        # A care verb that already names its subject ("ingresó", "was admitted") ties the
        # date to a person; a care word or a clinical event ("her stroke") needs a person too.
        if any(w in terms.PERSON_CARE_VERBS for w in words) or _PASSIVE_CARE.search(
            ctx.lower, s, e
        ):
            yield "date", m.start(), m.end()
            continue
        if not (
            any(w in terms.CARE_EVENT_WORDS for w in words)
            or (
                ctx.clinical(s, e)
                and _tied_to_date(ctx, m.start(), s)
                and not ctx.staff_activity(s, e)
            )
        ):
            continue
        if (
            ctx.patient_nouns(s, e)
            or ctx.family(s, e)
            or any(w in terms.PERSON_PRONOUNS for w in words)
        ):
            yield "date", m.start(), m.end()
    for m in _DOB_YEAR.finditer(ctx.text):
        yield "dob", m.start("id"), m.end("id")


_PASSIVE_CARE = re.compile(
    r"\b(?:was|got|fue)\s+(?:re)?(?:admitted|discharged|transferred|intubated"
    r"|operated|diagnosed|ingresad[oa]|operad[oa]|trasladad[oa])\b"
)
_DATE_LINK = re.compile(r"(?i)\b(?:on|since|el|desde)\s*$")


def _tied_to_date(ctx: Context, date_start: int, sentence_start: int) -> bool:
    """ "her stroke on January 4th": the date is introduced as the day something happened."""
    return bool(_DATE_LINK.search(ctx.lower, max(sentence_start, date_start - 8), date_start))


def find_rooms(ctx: Context) -> Iterator[Hit]:
    """A room or bed that points at a patient (not a meeting room or a staff room)."""
    for m in _PERSON_IN.finditer(ctx.text):
        yield "room_bed", m.start("id"), m.end("id")
    for regex in (_ROOM, _BED):
        for m in regex.finditer(ctx.text):
            if _is_patient_room(ctx, m.start(), m.end()):
                yield "room_bed", m.start(), m.end()
    for m in _UNIT_BED.finditer(ctx.text):
        if _is_patient_room(ctx, m.start(), m.end()):
            yield "room_bed", m.start(), m.end()


_WEAK_RESIDENCE = frozenset(["address", "dirección", "moved"])
# "Room 301 is the new family room": the sentence describes the room itself.
_ROOM_DESCRIBED = re.compile(
    r"(?i)\s*(?:is|will\s+be|becomes|es|será)\s+(?:now\s+)?(?:the|our|a|an|la|el|una?)\s"
)


_PLACE_NOUN = re.compile(r"\b(?:room|lounge|office|space|area|suite|sala|despacho)\b")


def _is_patient_room(ctx: Context, start: int, end: int) -> bool:
    described = _ROOM_DESCRIBED.match(ctx.text, end, min(len(ctx.text), end + 20))
    if described and _PLACE_NOUN.search(ctx.lower, described.end(), described.end() + 40):
        return False
    if any(w in terms.NON_PATIENT_ROOMS for w in ctx.words_before(start, 2)):
        return False
    s, e = ctx.sentence(start, end)
    words = ctx.words_between(s, e)
    if ctx.patient_nouns(s, e):
        return True
    if any(w in terms.NON_PATIENT_ROOMS or w in terms.EVENT_WORDS for w in words):
        return False
    if any(w in terms.PERSON_PRONOUNS for w in words) and ctx.clinical(s, e):
        return True
    return bool(ctx.patient_nouns(s, e) or ctx.family(s, e) or ctx.clinical(s, e))


def find_ages(ctx: Context) -> Iterator[Hit]:
    """Ages over 89 of a patient (a 91-year-old volunteer is not PHI)."""
    for m in _AGE.finditer(ctx.text):
        if any(w in _COMPARISONS for w in ctx.words_before(m.start(), 2)):
            continue  # "people over 100 years old": a range, not someone's age
        if any(w in terms.PATIENT_NOUNS for w in ctx.words_after(m.end(), 2)) or not (
            _sentence_has(ctx, _STAFF_WORDS, m.start(), m.end())
        ):
            yield "age_over_89", m.start(), m.end()
    for m in _AGE_AFTER_NAME.finditer(ctx.text):
        group = "age" if m.group("age") else "age_is"
        start, end = m.start(group), m.end(group)
        if _sentence_has(ctx, _STAFF_WORDS, start, end):
            continue
        if ctx.patient_context(start, end):
            yield "age_over_89", start, end
