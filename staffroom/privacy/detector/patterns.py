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

# An id: letters and digits with inner dashes or dots, or digit groups split by single
# spaces ("943 476 5919", and what a zero-width space left of "44\u200b81923").
_ID = (
    r"(?P<id>\d{2,5}(?: \d{2,5}){1,3}(?![A-Za-z0-9])"
    r"|[A-Za-z0-9](?:[A-Za-z0-9]|[-.](?=[A-Za-z0-9])){3,24}(?![A-Za-z0-9]))"
)
_LINK = r"(?:\s*(?:is|was|es|number|no\.?|num|nr|#|:|=|of|de)\s*){0,3}\s*"

_MRN = re.compile(
    r"(?i)\b(?:mrn|mr\s?#|mr\s?no\.?|med(?:ical)?\s+rec(?:ord)?s?(?:\s+(?:number|no\.?|num|#))?"
    r"|chart\s+(?:number|no\.?|#)|record\s+(?:number|no\.?|#)"
    r"|(?:hospital|hosp\.?|nhs|chi|unit|case\s+note|empi)\s*(?:number|no\.?|num|#|id)|empi"
    r"|(?:patient|pt)\s+(?:id|number|no\.?|#)|n[uú]mero\s+de\s+historia(?:\s+cl[ií]nica)?"
    r"|historia\s+cl[ií]nica|nhc)" + _LINK + _ID
)
# "Her MRN ends up duplicated because registration typed 0088-1124-7": a record-number
# label with a long number later in the same clause.
_MRN_LABEL_FAR = re.compile(
    r"(?i)\b(?:mrn|medical\s+record(?:\s+number)?|chart\s+number|record\s+number)\b"
    r"[^.!?;\n\d]{1,60}?(?<![\w-])(?P<id>\d[\d-]{5,20}\d)(?![\w-])"
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
    r"(?i)\b(?:ssn|ss\s?#|social\s+security(?:\s+(?:number|no\.?|#))?|dni|nie"
    r"|(?:n[uú]mero\s+de\s+(?:la\s+)?)?seguridad\s+social|naf)"
    + _LINK
    + r"(?P<id>\d{3}[- ]?\d{2}[- ]?\d{4}|\d{8}[- ]?[A-Za-z]|[XYZxyz]\d{7}[A-Za-z]"
    r"|\d{2}[/ -]?\d{8}[/ -]?\d{2})(?![\w-])"
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
    # International ("+44 7911 123456", "+33 (0)1 42 68 53 00") and UK-style national
    # numbers ("07700 900 461", "0161 496 0732"); the digit count is checked in code.
    r"|(?<![\w.+-])\+\d{1,3}(?:[\s.-]?\(0\))?(?:[\s.-]?\d{1,5}){2,5}(?![\w-])"
    r"|(?<![\w.+-])0\d{2,4}(?:[\s-]?\d{2,6}){1,3}(?![\w-])"
)
_PHONE_DIGITS = range(9, 16)
_EXTENSION_BEFORE = re.compile(r"(?i)(?:\bext|\bx|\bextension|\bpager|\bbeeper)\.?\s*#?\s*$")
_PERSONAL_PHONE_CUES = frozenset(
    ["cell", "mobile", "home", "móvil", "celular", "callback", "call-back"]
)
_POSSESSIVES = frozenset(["her", "his", "their", "su"])
_STAFF_PHONE_CUES = frozenset(
    [
        "my",
        "me",
        "work",
        "on-call",
        "oncall",
        "bleep",
        "bleep-holder",
        "rota",
        "mi",
        "llámame",
        "ward",
        "team",
        "staff",
    ]
)
_CALL_PERSON = re.compile(
    r"\b(?:call|ring|phone|text|llamar|llame|llamad)\s+(?:her|him|them|la|le)\b"
)
_NUMBER_WORDS = frozenset(["number", "phone", "teléfono", "número"])

_EMAIL = re.compile(
    r"(?<![\w.+-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+-]{0,63})@"
    r"(?P<domain>[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8})"
)

# --- Street addresses --------------------------------------------------------------------

_STREET_TYPES = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl"
    r"|Terrace|Ter|Circle|Cir|Highway|Hwy|Parkway|Pkwy|Trail|Trl|Square|Sq|Crescent|Close"
    r"|Grove|Gardens|Gdns|Mews|Rise|Walk|Row|View"
)
_ADDRESS = re.compile(
    r"\b\d{1,6}\s+(?:[NSEW]\.?\s+)?(?:[A-Z][A-Za-z'\u2019-]*\.?\s+){1,3}(?:"
    + _STREET_TYPES
    + r")\b\.?"
    r"(?:,?\s*(?:Apt|Apartment|Unit|Suite|#)\.?\s*[A-Za-z0-9-]{1,6})?"
    r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?"
    r"(?:,?\s*(?P<postcode>[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b)|,?\s*[A-Z]{2}\b)?"
    r"(?:\s+(?P<zip>\d{5}(?:-\d{4})?))?"
    r"|\b(?:[Cc]alle|C/|[Aa]venida|[Aa]vda\.|[Pp]aseo|[Pp]laza|[Cc]amino|[Cc]arrera)\s+"
    r"(?:(?:de|del|la|los|las)\s+){0,2}[A-ZÁÉÍÓÚÑ][\wáéíóúñ]*(?:\s+[A-ZÁÉÍÓÚÑ][\wáéíóúñ]*){0,3}"
    r",?\s*(?:n[ºo°]\.?\s*|#\s*)?\d{1,5}"
)

# "Flat 12, Marlowe House, Camden NW1 8QP": a flat in a named building, with a postcode.
_FLAT_ADDRESS = re.compile(
    r"\b(?:Flat|Apartment|Apt)\.?\s+\d{1,4}[A-Za-z]?,\s*(?:[A-Z][\w'\u2019-]*\s+){1,3}"
    r"(?:House|Court|Lodge|Mansions|Tower|Buildings|Heights|Gardens|Place)\b"
    r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?,?\s*(?P<postcode>[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})\b"
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
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:de\s+|of\s+)?(?:" + _MONTHS + r")\.?(?:,?\s+(?:de\s+)?\d{4})?"
    r")(?![\w/-]|\.\d)"
)
_DOB_CUE = re.compile(
    r"(?i)(?:\bdob|\bd\.o\.b\.?|date\s+of\s+birth|birth\s*date|birthdate|birthday|\bborn(?:\s+in\s+\d{4},?)?(?:\s+on)?"
    r"|fecha\s+de\s+nac(?:imiento|\.)?|\bf\.?\s?nac\.?|nacid[oa](?:\s+el)?)"
    # "the DOB on the request is ...": where the date was written, then the date.
    r"(?:\s+(?:on|in)\s+(?:the|this|that|his|her)\s+[a-z-]+\s+(?=is\b|was\b))?"
    r"[\s:#(,-]*(?:(?:is|was|es|of)\s+)?(?:the\s+)?"
    r"(?:(?:entered|recorded|written|printed|documented|listed|registered|put\s+down)\s+as\s+"
    r"|(?:says|reads|shows)\s+)?[(\s]*$"
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
    r"(?i)\b(?:room|rm|habitaci[oó]n|hab|cuarto|box|bay|cubicle|bed\s*space|side\s+room|resus"
    r"|cot|incubator|cuna|incubadora)\b\.?\s*#?\s*"
    r"(?P<id>\d{1,4}[A-Za-z]?(?:-\d{1,3}[A-Za-z]?)?|\d[A-Za-z]-?\d{1,3})(?!\w)"
)
_BED = re.compile(r"(?i)\b(?:bed|cama)\b\s*#?\s*(?P<id>\d{1,3}[A-Za-z]?|(?<=\s)[A-Za-z])(?![\w%])")
_UNIT_BED = re.compile(r"(?<![\w-])\d{1,2}[A-Z]-\d{1,3}(?![\w-])")
_PERSON_IN = re.compile(
    r"(?i)\b(?:patient|pt|man|woman|gentleman|lady|child|boy|girl|baby|paciente|señor|señora"
    r"|fella|fellow|chap|gent|bloke|lad|lass"
    r"|(?-i:(?:Mr|Mrs|Ms|Miss)\.?\s+[A-Z][a-z]*))"
    r"\s+(?:in|de\s+la|del)\s+(?:room\s+|bed\s+|cama\s+|habitaci[oó]n\s+)?"
    r"(?P<id>\d{2,4}[A-Za-z]?)(?![\w%])"
    # "the gent in chair 3", "the man in bay 2": a labelled place takes one digit too.
    r"|\b(?:patient|pt|man|woman|gentleman|lady|child|boy|girl|baby|paciente|fella|chap|gent"
    r"|bloke|lad|lass|couple|toddler|infant|kid|teen|teenager|newborn|twins)"
    r"\s+in\s+(?:(?:picu|nicu|icu|itu|hdu|scbu|ccu)\s+)?"
    r"(?:chair|bay|bed|cubicle|trolley|cot|resus|side\s+room|picu|nicu|icu|itu|hdu|scbu)\s+"
    r"(?P<id2>\d{1,3}[A-Za-z]?)(?![\w%])"
    # "pt in 7 (Brian)": a one-digit bed after a patient noun, when no unit of time follows.
    r"|\b(?:patient|pt|paciente|man|woman|gentleman|lady|child|boy|girl|baby|fella|chap|gent"
    r"|bloke)\s+in\s+(?P<id1>\d[A-Za-z]?)(?![\w%])"
    r"(?!\s*(?:hours?|hrs?|h\b|mins?|minutes?|days?|weeks?|months?|years?|of\b|out\b|in\b))"
)

# --- Ages --------------------------------------------------------------------------------

_AGE_NUMBER = r"(?P<age>9\d|1[0-2]\d)"
_AGE = re.compile(
    r"(?i)\b" + _AGE_NUMBER + r"(?:[- ]?(?:years?|yrs?|year)[- ](?:old|of\s+age|young)|[- ]?y/?o\b"
    r"|[- ]?y\.\s?o\.?(?!\w)"
    r"|\s+años)"
    r"|\b(?:age|aged|edad(?:\s+de)?)\s+(?P<age2>9\d|1[0-2]\d)\b(?![%.,]\d)"
    r"|\bin\s+(?:his|her|their|your|sus?)\s+(?:late\s+)?(?:9\d|90s|nineties|100s|noventa)\b"
    r"|\b(?:nonagenarian|centenarian|centenari[oa])\b"
)
# Ages spelled out: "ninety-three-year-old", "a hundred-and-one-year-old", "aged ninety-five".
_UNITS = r"one|two|three|four|five|six|seven|eight|nine"
_AGE_WORDS = (
    rf"(?:ninety(?:[- ](?:{_UNITS}))?|(?:a|one)[- ]hundred(?:[- ](?:and[- ])?(?:{_UNITS}|ten))?)"
)
_AGE_SPELLED = re.compile(
    rf"(?i)\b{_AGE_WORDS}[- ](?:years?|yrs?)[- ](?:old|of\s+age|young)\b"
    r"|\b(?:ninety|hundred)-(?:something|odd)(?:[- ]years?[- ]old)?\b"
    rf"|\b(?:aged|age)\s+{_AGE_WORDS}\b"
    r"|\bnoventa(?:\s+y\s+(?:uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve))?\s+años\b"
)
# "my patient today, 91,": an age right after a patient noun and a word or two.
_PATIENT_THEN_AGE = re.compile(
    r"(?i)\b(?:patient|pt|paciente)\b[^,.;:!?\n]{0,25},\s*(?P<age>9\d|1[0-2]\d)\b(?![%.,]\d)"
)
# "the veteran in bed 10 is 97", "our oldest patient this week was 104".
_IS_AGE = re.compile(
    r"(?i)\b(?:is|was|turned|turns|tiene|ten[ií]a|cumple|cumpli[oó])\s+(?:now\s+|just\s+)?"
    r"(?P<age>9\d|1[0-2]\d)(?![\d/.,:%]\d|\s*(?:%|percent|por\s+ciento|kg|g\b|mg|ml|l\b|mmhg"
    r"|bpm|cm|mm|degrees|units|mins?\b|minutes|hours|hrs|days|weeks|beds|patients|people|staff"
    r"|per\b|out\b|of\b|in\b|on\b|x\b))"
)
_MEASURES = frozenset(
    terms._words(
        """
        temp temperature bp pressure hr pulse rate sats saturation o2 glucose sugar bm weight
        score count level levels rr resps creatinine sodium potassium hb number ext
        extension bleep page average mean median typical
        """
    )
)
# "Dorothy on 7 East is 100 next week": someone placed on a ward.
_ON_WARD = re.compile(r"(?i)\b(?:on|in)\s+(?:ward\s+)?\d{1,2}\s?(?:[a-z]\b|east|west|north|south)")
_BED_PLACES = frozenset(["bed", "bay", "cubicle", "cama", "cot", "resus"])
# "aged 90 and over", "95+": a bracket of ages, not one person's.
_RANGE_AFTER = re.compile(
    r"(?i)\s*(?:\+|(?:and|or)\s+(?:over|older|above|up)|y\s+m[aá]s|o\s+m[aá]s)"
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
# What else has an age: "the hospital is 95 years old", "our ward turns 100".
_AGED_THINGS = frozenset(
    terms._words(
        """
        hospital hospitals ward unit building trust nhs service department charity school
        church chapel league society it tradition company infirmary clinic centre center
        organisation organization institution edificio
        """
    )
)
_APPOSED_TO_PATIENT = re.compile(
    r"\b(?:patient|pt|paciente|lady|gentleman|gent)\b[^.!?;\n]{0,40},\s*(?:a|an|una?)\s+$"
)
_OWN_RELATIVE_WORDS = frozenset(
    ["nan", "nana", "nanna", "gran", "grandad", "granddad", "mum", "auntie", "abuela", "abuelo"]
)
_OWN_RELATIVE = re.compile(
    r"\b(?:my|mi)\s+(?:\w+\s+)?(?:nan|nana|nanna|gran|granny|grandad|granddad|grandpa|grandma"
    r"|grandmother|grandfather|mum|mom|dad|mother|father|aunt|auntie|uncle|abuela|abuelo"
    r"|great-grandmother|great-grandfather|great-gran)\b"
)
_DETERMINERS = frozenset(
    ["our", "a", "an", "the", "this", "that", "un", "una", "nuestro", "nuestra"]
)


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
            if not _has_digits(m.group("id"), digits):
                continue
            # "Invoice no. 55092817 for the new chairs": an invoice is a patient's only when
            # its sentence or the next is about a patient or their family.
            if m.group().lower().startswith(("invoice", "factura")):
                near = ctx.sentence(m.start(), min(len(ctx.text), m.end() + 120))
                if not (ctx.patient_nouns(*near) or ctx.family(*near)):
                    continue
            yield kind, m.start("id"), m.end("id")
    for m in _MRN_LABEL_FAR.finditer(ctx.text):
        value = m.group("id")
        if _has_digits(value, 6) and not _DATE.fullmatch(value):
            yield "mrn", m.start("id"), m.end("id")
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
        if sum(c.isdigit() for c in m.group()) not in _PHONE_DIGITS and "-" not in m.group():
            continue
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
    for m in (*_ADDRESS.finditer(ctx.text), *_FLAT_ADDRESS.finditer(ctx.text)):
        s, e = ctx.sentence(m.start(), m.end())
        residence = ctx.any_word(terms.RESIDENCE_WORDS, s, e)
        home = ctx.any_word(terms.RESIDENCE_WORDS - _WEAK_RESIDENCE, s, e)
        # "he moved years ago": a person who moved, not a department moving.
        person = ctx.any_word(terms.PERSON_PRONOUNS, s, e)
        organisation = ctx.any_word(
            terms.ORG_PLACE_WORDS - _MOVING if person else terms.ORG_PLACE_WORDS, s, e
        )
        if (organisation or ctx.any_word(_ADDRESS_EVENTS, s, e)) and not home:
            continue
        if residence or ctx.patient_nouns(s, e) or ctx.family(s, e):
            yield "address", m.start(), m.end()
            continue
        # "Transport booked to 14 X Terrace, Leeds LS6 2AP": a full postal address (postcode
        # or ZIP) that a patient is taken, sent or visited at, with no sign of staff life.
        postal = m.group("postcode") or m.groupdict().get("zip")
        words = ctx.words_between(s, e)
        if (
            postal
            and not any(w in terms.STAFF_ACTIVITY and w != "crew" for w in words)
            and not any(
                w in terms.DEPARTMENTS and w not in terms.ADDRESS_CARE_WORDS
                for w in ctx.words_before(m.start(), 1)
            )
            and (
                ctx.clinical(s, e)
                or any(w in terms.ADDRESS_CARE_WORDS or w in terms.PERSON_PRONOUNS for w in words)
            )
        ):
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
    # "ring me on", "my work mobile", "the on-call mobile", "matron's mobile": a member of
    # staff's own number, unless a patient or relative is named just before it.
    relative_near = any(w in terms.PATIENT_NOUNS or w in terms.FAMILY_WORDS for w in before_words)
    if not relative_near and any(
        w in _STAFF_PHONE_CUES
        or w in terms.STAFF_TITLES
        or w.removesuffix("s") in terms.STAFF_TITLES
        for w in before_words
    ):
        return False
    # "call her on ...", "ring him on ...": a person being called back is not a colleague.
    person_near = person_near or bool(_CALL_PERSON.search(ctx.lower, near_before, start))
    s, e = ctx.sentence(start, end)
    return person_near or bool(ctx.patient_nouns(s, e) or ctx.family(s, e))


def find_dates(ctx: Context) -> Iterator[Hit]:
    """Dates of birth anywhere; other dates only when tied to one patient's care."""
    for m in _DATE.finditer(ctx.text):
        cue = _DOB_CUE.search(ctx.lower, max(0, m.start() - 45), m.start())
        if cue:
            # "my DOB on ESR says ...": the writer's own date of birth.
            if ctx.words_before(cue.start(), 1) != ["my"]:
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


# "Transport booked to ...": a booking is an event for a date, not for an address.
_ADDRESS_EVENTS = terms.EVENT_WORDS - {"booked"}
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
        group = next(g for g in ("id", "id1", "id2") if m.group(g))
        yield "room_bed", m.start(group), m.end(group)
    for regex in (_ROOM, _BED):
        for m in regex.finditer(ctx.text):
            if _is_patient_room(ctx, m.start(), m.end()):
                yield "room_bed", m.start(), m.end()
    for m in _UNIT_BED.finditer(ctx.text):
        if _is_patient_room(ctx, m.start(), m.end()):
            yield "room_bed", m.start(), m.end()


# Words that name a kind of room only right before it ("staff room 3", "the call room"):
# elsewhere in a sentence ("please make sure night staff know") they say nothing.
_ROOM_MODIFIERS = frozenset(
    ["staff", "call", "on-call", "clean", "dirty", "break", "board", "quiet", "supply",
     "storage", "server", "copy", "utility", "mechanical", "linen", "nourishment", "locker"]
)  # fmt: skip
_WEAK_RESIDENCE = frozenset(["address", "dirección", "moved"])
_MOVING = frozenset(["moved", "moving"])
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
    pronoun = any(w in terms.PERSON_PRONOUNS for w in words)
    if any(
        (w in terms.NON_PATIENT_ROOMS and w not in _ROOM_MODIFIERS)
        or w in terms.EVENT_WORDS
        or (w in terms.ROOM_FAULT_WORDS and not pronoun)
        for w in words
    ):
        return False
    if pronoun and ctx.clinical(s, e):
        return True
    return bool(ctx.patient_nouns(s, e) or ctx.family(s, e) or ctx.clinical(s, e))


def find_ages(ctx: Context) -> Iterator[Hit]:
    """Ages over 89 of a patient (a 91-year-old volunteer is not PHI)."""
    yield from _stated_ages(ctx)
    yield from _ages_after_a_person(ctx)


def _stated_ages(ctx: Context) -> Iterator[Hit]:
    """ "94-year-old", "aged ninety-five", "96 y/o": an age said as an age."""
    for m in (*_AGE.finditer(ctx.text), *_AGE_SPELLED.finditer(ctx.text)):
        if any(w in _COMPARISONS for w in ctx.words_before(m.start(), 2)):
            continue  # "people over 100 years old": a range, not someone's age
        if _RANGE_AFTER.match(ctx.text, m.end()):
            continue
        after = ctx.words_after(m.end(), 2)
        # "94-year-old patient", "paciente de 96 años", "patient aged 95".
        if any(w in terms.PATIENT_NOUNS for w in (*after, *ctx.words_before(m.start(), 2))):
            yield "age_over_89", m.start(), m.end()
            continue
        before = ctx.words_before(m.start(), 4)
        if any(w in _AGED_THINGS for w in before):
            continue  # "the hospital is ninety-five years old"
        if before[-1:] in (["my"], ["mi"]) and any(
            w in terms.FAMILY_WORDS or w in _OWN_RELATIVE_WORDS for w in after
        ):
            continue  # "my 93 yr old nan": the writer's own relative
        if _APPOSED_TO_PATIENT.search(ctx.lower, max(0, m.start() - 50), m.start()):
            yield "age_over_89", m.start(), m.end()  # "the patient I had, a 92 year old ..."
            continue
        if any(w in _STAFF_WORDS for w in (*before, *after)):
            continue  # "our oldest nurse, age 91", "a 92-year-old volunteer"
        # "our 99 yo in bed 2": the age names the person; staff words elsewhere in the
        # sentence ("turned to the nurse") don't make them a colleague.
        if (before[-1:] and before[-1] in _DETERMINERS) or not _sentence_has(
            ctx, _STAFF_WORDS, m.start(), m.end()
        ):
            yield "age_over_89", m.start(), m.end()


def _ages_after_a_person(ctx: Context) -> Iterator[Hit]:
    """ "the veteran in bed 10 is 97", "my patient today, 91,", "Name, 92,"."""
    for m in _IS_AGE.finditer(ctx.text):
        before = ctx.words_before(m.start(), 3)
        if any(w in _MEASURES for w in before):
            continue  # "temp was 99", "BP was 100/60"
        s, e = ctx.sentence(m.start(), m.end())
        if _sentence_has(ctx, _STAFF_WORDS, s, e) or any(w in _AGED_THINGS for w in before):
            continue
        if (
            ctx.patient_nouns(s, e)
            or ctx.any_word(_BED_PLACES, s, e)
            or _ON_WARD.search(ctx.text, s, m.start())
        ):
            yield "age_over_89", m.start("age"), m.end("age")
    for m in _PATIENT_THEN_AGE.finditer(ctx.text):
        if not _RANGE_AFTER.match(ctx.text, m.end()):
            yield "age_over_89", m.start("age"), m.end("age")
    for m in _AGE_AFTER_NAME.finditer(ctx.text):
        group = "age" if m.group("age") else "age_is"
        start, end = m.start(group), m.end(group)
        # "a patient today who was a nurse here in 1965 - Nora, 93,": the patient wins.
        if _sentence_has(ctx, _STAFF_WORDS, start, end) and not ctx.patient_nouns(
            *ctx.sentence(start, end)
        ):
            continue
        # "my grandad, 93, still beats me at chess": the writer's own family, not a patient.
        s, e = ctx.sentence(start, end)
        if (
            _OWN_RELATIVE.search(ctx.lower, max(s, start - 30), start)
            and not ctx.patient_nouns(s, e)
            and not ctx.clinical(s, e)
        ):
            continue
        if ctx.patient_context(start, end):
            yield "age_over_89", start, end
