"""Reading a directory file: decoding, the header, CSV records and each row's own checks.

Rules across rows (duplicates, managers) are in planning.py.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date
from functools import cache

import charset_normalizer
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from staffroom.accounts.models import Person, ShiftPattern
from staffroom.organisation.services.directory_import.types import (
    ExistingPerson,
    ImportPlan,
    ParsedRow,
    RowError,
    Snapshot,
)

REQUIRED_COLUMNS = ("employee_id", "first_name", "last_name")
OPTIONAL_COLUMNS = (
    "preferred_name",
    "email",
    "job_title",
    "job_family",
    "unit",
    "manager_employee_id",
    "shift_pattern",
    "preferred_language",
    "status",
    "left_on",
    "username",
)
KNOWN_COLUMNS = frozenset(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
STATUSES = ("active", "left")
LANGUAGES = ("en", "es")

_TEXT_COLUMNS = (
    "employee_id",
    "first_name",
    "last_name",
    "preferred_name",
    "email",
    "job_title",
    "username",
)
# Lazy, so the 80,000 rows that are fine don't pay for translating messages they never show.
_REQUIRED_WHAT = {
    "employee_id": gettext_lazy("an employee ID"),
    "first_name": gettext_lazy("a first name"),
    "last_name": gettext_lazy("a last name"),
}
_SHIFT_PATTERNS = tuple(ShiftPattern.values)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_USERNAME = UnicodeUsernameValidator()

StrOrPromise = str | Promise


# --- Reading the file -------------------------------------------------------------------------


# How workbooks start: .xlsx and .ods are ZIP archives; an old .xls is an OLE2 compound file.
_WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def _not_utf8(data: bytes, line: int) -> RowError:
    guess = charset_normalizer.from_bytes(data[:200_000]).best()
    encoding = guess.encoding if guess is not None else None
    if encoding and encoding not in {"utf_8", "ascii"}:
        message = _(
            "The file is not UTF-8 text (it looks like %(encoding)s; the first unreadable "
            "character is on line %(line)d). Save it as “CSV UTF-8” and upload it again."
        ) % {"encoding": encoding, "line": line}
    else:
        message = _(
            "The file is not UTF-8 text (the first unreadable character is on line "
            "%(line)d). Save it as “CSV UTF-8” and upload it again."
        ) % {"line": line}
    return RowError(line, "", message)


def decode_file(data: bytes) -> tuple[str | None, RowError | None]:
    """The file as text, or the reason it is not UTF-8 CSV text.

    The only place the content of a file is judged: the upload form checks just that there
    is a file of an acceptable size, so the web and the command give the same advice.
    """
    if data.startswith(_WORKBOOK_SIGNATURES):
        return None, RowError(
            1,
            "",
            _(
                "This is a spreadsheet workbook (such as .xlsx), not a CSV file. In your "
                "spreadsheet choose Save As, pick “CSV UTF-8”, and upload that file."
            ),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, _not_utf8(data, data.count(b"\n", 0, exc.start) + 1)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        if data.count(b"\x00") * 3 > len(data):
            # Plain-English UTF-16 without a byte-order mark is valid UTF-8 with a zero byte
            # after (or before) every letter: say which encoding it is, not just "binary".
            return None, _not_utf8(data, line)
        return None, RowError(
            line,
            "",
            _("The file contains binary data, so it is not a CSV text file. Export it as CSV."),
        )
    return text, None


def _normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _delimiter(text: str) -> str:
    """Commas, unless the header line has none and uses semicolons or tabs (regional Excel)."""
    end = text.find("\n")
    header = text if end == -1 else text[:end]
    if "," in header:
        return ","
    if "\t" in header:
        return "\t"
    if ";" in header:
        return ";"
    return ","


def _check_header(header: list[str]) -> tuple[list[str], list[RowError]]:
    columns = [_normalise_header(name) for name in header]
    errors: list[RowError] = []
    for number, name in enumerate(columns, start=1):
        if not name:
            errors.append(
                RowError(
                    1,
                    "",
                    _("Column %(number)d has no name in the first line.") % {"number": number},
                )
            )
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            errors.append(
                RowError(1, "", _("The column “%(name)s” appears more than once.") % {"name": name})
            )
        seen.add(name)
    missing = [name for name in REQUIRED_COLUMNS if name not in seen]
    if missing:
        errors.append(
            RowError(
                1,
                "",
                ngettext(
                    "The required column %(names)s is missing from the first line.",
                    "The required columns %(names)s are missing from the first line.",
                    len(missing),
                )
                % {"names": ", ".join(missing)},
            )
        )
    unknown = [name for name in columns if name and name not in KNOWN_COLUMNS]
    if unknown:
        errors.append(
            RowError(
                1,
                "",
                ngettext(
                    "The column %(names)s is not one Staffroom knows, so its data would be lost. "
                    "Rename it to one of the documented columns or remove it.",
                    "The columns %(names)s are not ones Staffroom knows, so their data would be "
                    "lost. Rename them to documented columns or remove them.",
                    len(unknown),
                )
                % {"names": ", ".join(unknown)},
            )
        )
    return columns, errors


def read_records(
    text: str, plan: ImportPlan
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header's columns and a stream of (line number, {column: value}) for data rows.

    Problems with the shape of the file are added to `plan.errors` as they are found.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        plan.errors.append(_csv_error(1, exc))
        return [], iter(())
    if header is None:
        plan.errors.append(RowError(1, "", _("The file is empty.")))
        return [], iter(())
    columns, header_errors = _check_header(header)
    plan.errors.extend(header_errors)
    if header_errors:
        return columns, iter(())

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        width = len(columns)
        id_at = columns.index("employee_id")
        while True:
            line = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                plan.errors.append(_csv_error(line, exc))
                return
            if not any(v.strip() for v in values):
                continue  # blank lines are harmless
            if len(values) > width and not any(v.strip() for v in values[width:]):
                values = values[:width]  # trailing empty cells some spreadsheets add
            if len(values) != width:
                plan.errors.append(
                    RowError(
                        line,
                        values[id_at].strip() if len(values) > id_at else "",
                        _(
                            "This line has %(found)d values but the first line names "
                            "%(expected)d columns. Look for a missing comma, or a comma inside "
                            "a value that is not in quotes."
                        )
                        % {"found": len(values), "expected": width},
                    )
                )
                continue
            yield line, {c: v.strip() for c, v in zip(columns, values, strict=True)}

    return columns, rows()


def _csv_error(line: int, exc: csv.Error) -> RowError:
    return RowError(
        line,
        "",
        _("This line can't be read as CSV (%(detail)s). Check the quotes on this line.")
        % {"detail": exc},
    )


@cache
def _max_length(name: str) -> int:
    model_field = Person._meta.get_field(name)
    if not isinstance(model_field, models.CharField):
        raise TypeError(name)
    return model_field.max_length or 0


def _text_problems(values: dict[str, str]) -> list[str]:
    problems = [
        _("“%(column)s” is empty: every person needs %(what)s.") % {"column": column, "what": what}
        for column, what in _REQUIRED_WHAT.items()
        if not values[column]
    ]
    for column in _TEXT_COLUMNS:
        limit = _max_length(column)
        if len(values.get(column, "")) > limit:
            problems.append(
                _("“%(column)s” is longer than %(limit)d characters.")
                % {"column": column, "limit": limit}
            )
    email = values.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("“%(value)s” is not a valid email address.") % {"value": email})
    return problems


def _choice_problem(value: str, allowed: Iterable[str], message: StrOrPromise) -> list[str]:
    allowed = list(allowed)
    if not value or value in allowed:
        return []
    return [message % {"value": value, "allowed": ", ".join(allowed)}]


def _code_problems(values: dict[str, str], snapshot: Snapshot) -> list[str]:
    problems: list[str] = []
    job_family = values.get("job_family", "").lower()
    if job_family and job_family not in snapshot.job_families:
        problems.append(
            _(
                "There is no job family with the code “%(code)s”. Job families are set up by "
                "administrators; known codes: %(known)s."
            )
            % {"code": job_family, "known": _known(snapshot.job_families)}
        )
    unit = values.get("unit", "").lower()
    if unit and unit not in snapshot.units:
        problems.append(
            _(
                "There is no unit with the code “%(code)s”. Check the code, or add the unit in "
                "Staffroom before importing."
            )
            % {"code": unit}
        )
    return problems


def _leaving_problems(left_on_text: str, status: str, today: date) -> tuple[date | None, list[str]]:
    if not left_on_text:
        return None, []
    left_on = None
    if _ISO_DATE.fullmatch(left_on_text):
        try:
            left_on = date.fromisoformat(left_on_text)
        except ValueError:
            left_on = None  # 2024-02-30 and the like
    if left_on is None:
        message = _("The leaving date “%(value)s” is not a date written as YYYY-MM-DD.")
        return None, [message % {"value": left_on_text}]
    if status == "active":
        return None, [
            _(
                "There is a leaving date but the status is active. Set the status to “left”, "
                "or clear the date."
            )
        ]
    if left_on > today:
        return None, [
            _("The leaving date %(value)s is in the future; import it once it has passed.")
            % {"value": left_on_text}
        ]
    return left_on, []


def _username_problems(
    username: str, employee_id: str, existing: ExistingPerson | None
) -> list[str]:
    if username:
        try:
            _USERNAME(username)
        except ValidationError:
            return [
                _(
                    "The username “%(value)s” may only contain letters, digits and the "
                    "characters @ . + - _"
                )
                % {"value": username}
            ]
    elif existing is None and employee_id:
        # Only new people get a username made from their employee ID; others keep theirs.
        try:
            _USERNAME(employee_id.lower())
        except ValidationError:
            return [
                _(
                    "The employee ID can't be used as a username (it has spaces or symbols). "
                    "Add a “username” column with a username for this person."
                )
            ]
    return []


def parse_row(
    line: int, values: dict[str, str], snapshot: Snapshot, today: date
) -> tuple[ParsedRow | None, list[RowError]]:
    """Validate one row on its own; rules across rows (duplicates, managers) come later."""
    employee_id = values["employee_id"]
    shift_pattern = values.get("shift_pattern", "").lower()
    language = values.get("preferred_language", "").lower()
    status = values.get("status", "").lower() or "active"
    username = values.get("username", "").lower()
    existing = snapshot.by_employee_id.get(employee_id)
    left_on, leaving_problems = _leaving_problems(values.get("left_on", ""), status, today)
    problems = [
        *_text_problems(values),
        *_code_problems(values, snapshot),
        *_choice_problem(
            shift_pattern,
            _SHIFT_PATTERNS,
            gettext_lazy("The shift pattern “%(value)s” is not one of: %(allowed)s."),
        ),
        *_choice_problem(
            language,
            LANGUAGES,
            gettext_lazy("The language “%(value)s” is not one of: %(allowed)s."),
        ),
        *_choice_problem(
            status, STATUSES, gettext_lazy("The status “%(value)s” is not one of: %(allowed)s.")
        ),
        *leaving_problems,
        *_username_problems(username, employee_id, existing),
    ]
    if problems:
        return None, [RowError(line, employee_id, message) for message in problems]
    unit = snapshot.units.get(values.get("unit", "").lower())
    return (
        ParsedRow(
            line=line,
            employee_id=employee_id,
            first_name=values["first_name"],
            last_name=values["last_name"],
            preferred_name=values.get("preferred_name", ""),
            email=values.get("email", ""),
            job_title=values.get("job_title", ""),
            job_family_id=snapshot.job_families.get(values.get("job_family", "").lower()),
            unit_id=unit[0] if unit else None,
            manager_employee_id=values.get("manager_employee_id", ""),
            shift_pattern=shift_pattern,
            preferred_language=language,
            is_active=status == "active",
            left_on=left_on,
            username=username or (existing.username if existing else employee_id.lower()),
        ),
        [],
    )


def _known(codes: Iterable[str], limit: int = 12) -> str:
    ordered = sorted(codes)
    shown = ", ".join(ordered[:limit])
    if not ordered:
        return _("none yet")
    if len(ordered) > limit:
        return _("%(codes)s and %(count)d more") % {"codes": shown, "count": len(ordered) - limit}
    return shown
