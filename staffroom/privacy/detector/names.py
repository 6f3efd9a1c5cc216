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
)  # fmt: skip

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zà-öø-ÿ"
_WORD_SHAPE = (
    rf"(?:O['\u2019]|Mc|Mac|D['\u2019])?[{_UPPER}][{_LOWER}]+"
    rf"(?:[-'\u2019][{_UPPER}{_LOWER}][{_LOWER}]+)*"
)
_INITIAL = r"[A-Z]\.(?!\w)"
_RUN = re.compile(rf"(?<![\w-])(?:{_WORD_SHAPE}|{_INITIAL})(?:[ \t]+(?:{_WORD_SHAPE}|{_INITIAL}))*")
_TITLE_INITIAL = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Sr|Sra)\.?\s+([A-Z])(?![\w.'\u2019-])")
_PART = re.compile(rf"{_WORD_SHAPE}|{_INITIAL}")

_STRONG_PATIENT_BEFORE = frozenset(["pt", "patient", "paciente", "named"])
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
_AFTER_FAMILY = re.compile(
    r"(?i)^['\u2019]s\s+(?:family|wife|husband|daughter|son|mother|father|mom|dad|sister|brother|"
    r"kids|children|parents|grandson|granddaughter|caregiver)\b"
)
_AFTER_CREDENTIAL = re.compile(
    r"^\s*,?\s*(?:RN|MD|DO|NP|PA|PA-C|LPN|CNA|BSN|MSN|DNP|PhD|PharmD|RRT|CRNA|MBA|FACS)\b"
)
_AFTER_DEPARTMENT = re.compile(
    r"(?i)^\s+(?:from|in|of|at|with|de|en)\s+(?:the\s+|la\s+|el\s+)?(?P<word>[\w-]+)"
)
_AFTER_ROLE = re.compile(
    r"(?i)^\s*(?:[,(\u2013\u2014-]"
    r"|\s(?:is|was|will\s+be|as|becomes|joins\s+us\s+as|es|será)\s)"
    r"\s*(?:(?:our|the|a|an|new|now|nuestra|nuestro|nueva|nuevo|la|el)\s+)*"
    r"(?P<words>[\w-]+(?:\s+[\w-]+){0,3})"
)
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
        while parts and _not_name(text[parts[-1][0] : parts[-1][1]]):
            parts.pop()
        if parts and not any(
            text[s:e].lower() in _ORGANISATION_WORDS for s, e in parts_all(run, text)
        ):
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
    previous = before[-1] if before else ""
    if previous in terms.STAFF_TITLES:
        return False
    honorific = previous in terms.HONORIFICS
    after = text[end : end + 60]
    strong = _strong_patient_cue(before, after)
    if not strong and (_staff_after(after) or any(w in terms.STAFF_GREETINGS for w in before)):
        return False
    first_names, last_names = name_lists()
    known = any(_known(t, first_names, last_names) for t in tokens)
    # "Patient Safety Week": a capitalised cue inside a title-cased run is no cue.
    if start > run_start and previous in _STRONG_PATIENT_BEFORE and not known:
        strong = strong and _sentence_start(ctx, run_start)
    if len(tokens) == 1:
        # "the Nguyen girl", "the little Nguyen boy": an article, maybe one adjective.
        article = previous in _ARTICLES or (
            len(before) >= 2
            and before[-2] in _ARTICLES
            and previous.isalpha()
            and previous not in terms.STAFF_TITLES
        )
        family_name = previous in {"familia", "family"} or (
            article and bool(set(ctx.words_after(end, 1)) & _CHILD_WORDS)
        )
        name_like = honorific or strong or family_name
    else:
        name_like = honorific or strong or known
    if not name_like:
        return False
    if strong:
        return True
    s, e = ctx.sentence(start, end)
    if e < len(text) and (honorific or _starts_with_pronoun(ctx, e)):
        # "Can someone check on Mr. Grey? His sats dropped": the next sentence counts too.
        e = ctx.sentence(e, e + 1)[1]
    clinical = ctx.clinical(s, e)
    evidence = clinical + ctx.patient_nouns(s, e) + ctx.family(s, e)
    staff = ctx.staff_activity(s, e)
    # "Mrs. Fitzgerald ... while she waited": staff posts call colleagues by first name or
    # "Dr."; a courtesy title followed by talk of that person, with no sign of staff life
    # (work words, a greeting, a staff title just before), is a patient.
    talked_of = (
        honorific
        and not staff
        and not _greeted(ctx, s, start)
        and not any(w in terms.STAFF_TITLES for w in ctx.words_before(start, 4))
        and ctx.any_word(terms.PERSON_PRONOUNS, end, e)
    )
    # A full name beside "the patient" needs no clinical word, unless staff life is there too.
    if not (
        talked_of or clinical or (honorific and evidence) or (ctx.patient_nouns(s, e) and not staff)
    ):
        return False
    return talked_of or evidence > staff or (honorific and evidence >= staff)


def _strong_patient_cue(before: list[str], after: str) -> bool:
    previous = before[-1] if before else ""
    # "pt's husband, Raj": a relative named right after the patient is named.
    if len(before) >= 2 and previous in terms.FAMILY_WORDS and before[-2] in _PATIENT_OWNERS:
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


def _not_name(token: str) -> bool:
    return token.lower().rstrip(".") in terms.NOT_NAME_WORDS


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
    m = _AFTER_DEPARTMENT.match(after)
    if m and m.group("word").lower() in terms.DEPARTMENTS:
        return True
    m = _AFTER_ROLE.match(after)
    if m:
        for word in m.group("words").lower().split():
            if word in _ROLE_STOP:
                break
            if word in terms.STAFF_TITLES:
                return True
    return False
