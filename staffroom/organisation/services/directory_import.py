"""Keep Person records in step with the HR system's staff directory, exported as CSV.

Two steps, so an administrator sees what a file would do before anything happens:
`check_directory_file` parses, validates and compares the file with the database without
writing; `apply_directory_file` checks again inside one transaction and then writes all of it
or nothing. `create_directory_import` and `apply_directory_import` wrap them for the upload
pages and keep a DirectoryImport record of each file.

Built for a whole health system in one file (80,000 rows): existing people are read in one
query into tuples, rows are validated in memory, and the writes are bulk statements that touch
only changed rows and only their changed columns. The columns and rules are documented in
docs/directory-import.md; keep the two in step.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
import secrets
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache, partial
from typing import Any, NamedTuple

import charset_normalizer
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from staffroom.accounts.models import Person, ShiftPattern, sort_name_for
from staffroom.organisation.models import DirectoryImport, JobFamily, Unit
from staffroom.organisation.services import recount_people

logger = logging.getLogger(__name__)

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

# Rows per INSERT/UPDATE statement (backends with a parameter limit, like SQLite, use fewer).
WRITE_BATCH = 1000
# Ids per "WHERE id IN (...)": below SQLite's historic 999-parameter limit.
ID_BATCH = 500
# What a DirectoryImport record keeps: enough to act on, small enough to show on one page.
KEPT_ERRORS = 500
PREVIEW_SAMPLE = 50

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


# --- What a check finds -----------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int
    employee_id: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "employee_id": self.employee_id, "message": self.message}


@dataclass(frozen=True)
class FieldChange:
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class PlannedCreate:
    line: int
    employee_id: str
    name: str
    unit: str


@dataclass(frozen=True)
class PlannedChange:
    line: int
    employee_id: str
    name: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class PlannedDeactivation:
    employee_id: str
    name: str


@dataclass
class ImportPlan:
    """What a file would do. When `errors` is not empty, nothing may be applied."""

    full_snapshot: bool
    row_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    creates: list[PlannedCreate] = field(default_factory=list)
    changes: list[PlannedChange] = field(default_factory=list)
    deactivations: list[PlannedDeactivation] = field(default_factory=list)
    unchanged_count: int = 0
    # What apply writes, worked out during the check so both see the same thing.
    new_people: list[dict[str, Any]] = field(default_factory=list, repr=False)
    updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list, repr=False)
    # (id if they exist, employee_id, manager_employee_id) where the manager is created by this
    # same file, so the manager's id is known only once they are INSERTed.
    deferred_managers: list[tuple[int | None, str, str]] = field(default_factory=list, repr=False)
    deactivate_ids: list[int] = field(default_factory=list, repr=False)

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ImportResult:
    row_count: int
    created: int
    changed: int
    deactivated: int
    unchanged: int
    duration_ms: int


class DirectoryFileError(ValidationError):
    """The file has problems and nothing was written; `plan.errors` lists them by line."""

    def __init__(self, plan: ImportPlan) -> None:
        count = len(plan.errors)
        super().__init__(
            ngettext(
                "The file has %(count)d problem, so nothing was changed.",
                "The file has %(count)d problems, so nothing was changed.",
                count,
            )
            % {"count": count},
            code="directory_file_rejected",
        )
        self.plan = plan


# --- What is in the database ------------------------------------------------------------------


class _Existing(NamedTuple):
    id: int
    employee_id: str | None
    username: str
    first_name: str
    last_name: str
    preferred_name: str
    email: str
    job_title: str
    job_family_id: int | None
    unit_id: int | None
    department_id: int | None
    manager_id: int | None
    shift_pattern: str
    preferred_language: str
    is_active: bool
    left_on: date | None
    from_directory: bool
    sort_name: str


@dataclass
class _Snapshot:
    people: list[_Existing]
    by_employee_id: dict[str, _Existing]
    by_pk: dict[int, _Existing]
    username_owner: dict[str, int]
    units: dict[str, tuple[int, int]]  # code -> (unit id, department id)
    unit_code: dict[int, str]
    unit_department: dict[int, int]
    job_families: dict[str, int]
    job_family_code: dict[int, str]


def _read_snapshot() -> _Snapshot:
    """Everything a check compares against, in four queries whatever the size."""
    people = [
        _Existing._make(row) for row in Person.objects.order_by().values_list(*_Existing._fields)
    ]
    units = {
        code: (pk, department_id)
        for code, pk, department_id in Unit.objects.values_list("code", "id", "department_id")
    }
    job_families = dict(JobFamily.objects.values_list("code", "id"))
    return _Snapshot(
        people=people,
        by_employee_id={p.employee_id: p for p in people if p.employee_id},
        by_pk={p.id: p for p in people},
        username_owner={p.username: p.id for p in people},
        units=units,
        unit_code={pk: code for code, (pk, _dept) in units.items()},
        unit_department=dict(units.values()),
        job_families=job_families,
        job_family_code={pk: code for code, pk in job_families.items()},
    )


# --- Reading the file -------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    line: int
    employee_id: str
    first_name: str
    last_name: str
    preferred_name: str
    email: str
    job_title: str
    job_family_id: int | None
    unit_id: int | None
    manager_employee_id: str
    shift_pattern: str
    preferred_language: str
    is_active: bool
    left_on: date | None
    username: str


def _decode(data: bytes) -> tuple[str | None, RowError | None]:
    """The file as text, or the reason it is not UTF-8 CSV text."""
    if data.startswith(b"PK\x03\x04"):
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
        line = data.count(b"\n", 0, exc.start) + 1
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
        return None, RowError(line, "", message)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
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


def _records(text: str, plan: ImportPlan) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
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


def _code_problems(values: dict[str, str], snapshot: _Snapshot) -> list[str]:
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


def _username_problems(username: str, employee_id: str, existing: _Existing | None) -> list[str]:
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


def _parse_row(
    line: int, values: dict[str, str], snapshot: _Snapshot, today: date
) -> tuple[_Row | None, list[RowError]]:
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
        _Row(
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


# --- Rules across rows ------------------------------------------------------------------------


def _unique_rows(rows: list[_Row], plan: ImportPlan, snapshot: _Snapshot) -> list[_Row]:
    """Drop (and report) repeated employee IDs; report usernames that are taken."""
    first_line: dict[str, int] = {}
    unique: list[_Row] = []
    for row in rows:
        key = row.employee_id.casefold()
        if key in first_line:
            plan.errors.append(
                RowError(
                    row.line,
                    row.employee_id,
                    _(
                        "The employee ID “%(id)s” is also on line %(other)d. Each person must "
                        "appear once."
                    )
                    % {"id": row.employee_id, "other": first_line[key]},
                )
            )
            continue
        first_line[key] = row.line
        unique.append(row)

    username_line: dict[str, int] = {}
    for row in unique:
        if row.username in username_line:
            plan.errors.append(
                RowError(
                    row.line,
                    row.employee_id,
                    _("The username “%(username)s” is also used on line %(other)d.")
                    % {"username": row.username, "other": username_line[row.username]},
                )
            )
            continue
        username_line[row.username] = row.line
        owner = snapshot.username_owner.get(row.username)
        existing = snapshot.by_employee_id.get(row.employee_id)
        if owner is not None and (existing is None or existing.id != owner):
            plan.errors.append(
                RowError(
                    row.line,
                    row.employee_id,
                    _(
                        "The username “%(username)s” already belongs to another account in "
                        "Staffroom. Give this person a different username in a “username” "
                        "column."
                    )
                    % {"username": row.username},
                )
            )
    return unique


_Node = str | int  # an employee ID, or the primary key of someone without one


def _check_managers(
    rows: list[_Row], listed: set[str], plan: ImportPlan, snapshot: _Snapshot
) -> None:
    """Every manager must exist, and nobody may end up managing themselves through a chain.

    `listed` holds every employee ID in the file, including rows that failed their own
    checks, so a manager on a bad row is not also reported as unknown.
    """
    in_file = {row.employee_id: row for row in rows}
    for row in rows:
        manager = row.manager_employee_id
        if manager and manager not in listed and manager not in snapshot.by_employee_id:
            plan.errors.append(
                RowError(
                    row.line,
                    row.employee_id,
                    _(
                        "The manager's employee ID “%(id)s” is neither in this file nor in "
                        "Staffroom."
                    )
                    % {"id": manager},
                )
            )

    def node(pk: int) -> _Node:
        return snapshot.by_pk[pk].employee_id or pk

    # Who reports to whom once the file is applied: the database, overridden by the file.
    reports_to: dict[_Node, _Node | None] = {
        node(p.id): node(p.manager_id) if p.manager_id in snapshot.by_pk else None
        for p in snapshot.people
        if p.manager_id is not None
    }
    for row in rows:
        reports_to[row.employee_id] = row.manager_employee_id or None

    # Each person has at most one manager, so following the chain from everyone in the file
    # and remembering where each walk has been finds every loop in linear time.
    done: set[_Node] = set()
    for row in rows:
        path: list[_Node] = []
        position: dict[_Node, int] = {}
        current: _Node | None = row.employee_id
        while current is not None and current not in done and current not in position:
            position[current] = len(path)
            path.append(current)
            current = reports_to.get(current)
        if current is not None and current in position:
            _report_loop(path[position[current] :], in_file, plan, snapshot)
        done.update(path)


def _report_loop(
    loop: list[_Node], in_file: dict[str, _Row], plan: ImportPlan, snapshot: _Snapshot
) -> None:
    rows_in_loop = sorted(
        (in_file[n] for n in loop if isinstance(n, str) and n in in_file), key=lambda r: r.line
    )
    if not rows_in_loop:
        return
    first = rows_in_loop[0]
    if len(loop) == 1:
        message = _("This person is listed as their own manager.")
    else:
        start = loop.index(first.employee_id)
        ordered = loop[start:] + loop[:start] + [first.employee_id]
        chain = " → ".join(n if isinstance(n, str) else snapshot.by_pk[n].username for n in ordered)
        message = _(
            "Managers go round in a circle: %(chain)s. Someone in this chain must report to a "
            "person outside it."
        ) % {"chain": chain}
    plan.errors.append(RowError(first.line, first.employee_id, message))


# --- Comparing with the database --------------------------------------------------------------


def _display_name(first_name: str, last_name: str, preferred_name: str) -> str:
    return f"{preferred_name or first_name} {last_name}".strip()


def _status(is_active: bool) -> str:
    return "active" if is_active else "left"


def _wanted_values(
    row: _Row, old: _Existing | None, columns: set[str], snapshot: _Snapshot, today: date
) -> dict[str, Any]:
    """The model values the file asks for; columns the file leaves out are not managed."""
    values: dict[str, Any] = {
        "employee_id": row.employee_id,
        "username": row.username,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "is_active": row.is_active,
        "from_directory": True,
    }
    for column in ("email", "job_title", "shift_pattern"):
        if column in columns:
            values[column] = getattr(row, column)
    # A person may set their preferred name and language themselves (profile settings), so a
    # blank cell keeps what they chose; the file wins only when it says something.
    if row.preferred_name or (old is None and "preferred_name" in columns):
        values["preferred_name"] = row.preferred_name
    if row.preferred_language:
        values["preferred_language"] = row.preferred_language
    if "job_family" in columns:
        values["job_family_id"] = row.job_family_id
    if "unit" in columns:
        values["unit_id"] = row.unit_id
    if row.is_active:
        values["left_on"] = None
    elif row.left_on is not None:
        values["left_on"] = row.left_on
    elif old is not None and not old.is_active and old.left_on is not None:
        values["left_on"] = old.left_on  # already recorded as left; keep the day they went
    else:
        values["left_on"] = today

    # Derived columns that Person.save() would set; bulk writes bypass save().
    unit_id = values.get("unit_id", old.unit_id if old else None)
    values["department_id"] = snapshot.unit_department[unit_id] if unit_id is not None else None
    preferred = values.get("preferred_name", old.preferred_name if old else "")
    values["sort_name"] = sort_name_for(row.last_name, row.first_name, preferred)
    return values


def _describe(field_name: str, old: Any, new: Any, snapshot: _Snapshot) -> FieldChange | None:
    """A change as the administrator would read it, in the file's own column names."""
    if field_name in {"sort_name", "department_id", "employee_id"}:
        return None  # derived from other columns, whose change is shown instead
    if field_name == "from_directory":
        return FieldChange("source", _("local account"), _("HR directory"))

    def show(value: Any) -> str:
        if value is None:
            return ""
        if field_name == "job_family_id":
            return snapshot.job_family_code.get(value, "")
        if field_name == "unit_id":
            return snapshot.unit_code.get(value, "")
        if field_name == "is_active":
            return _status(value)
        return value.isoformat() if isinstance(value, date) else str(value)

    column = {"job_family_id": "job_family", "unit_id": "unit", "is_active": "status"}
    return FieldChange(column.get(field_name, field_name), show(old), show(new))


def _plan_create(
    row: _Row, values: dict[str, Any], columns: set[str], plan: ImportPlan, snapshot: _Snapshot
) -> None:
    manager = row.manager_employee_id
    if "manager_employee_id" in columns and manager:
        known = snapshot.by_employee_id.get(manager)
        if known is not None:
            values["manager_id"] = known.id
        else:
            plan.deferred_managers.append((None, row.employee_id, manager))
    plan.new_people.append(values)
    plan.creates.append(
        PlannedCreate(
            row.line,
            row.employee_id,
            _display_name(row.first_name, row.last_name, row.preferred_name),
            snapshot.unit_code.get(row.unit_id, "") if row.unit_id else "",
        )
    )


def _plan_update(
    row: _Row,
    *,
    old: _Existing,
    values: dict[str, Any],
    columns: set[str],
    plan: ImportPlan,
    snapshot: _Snapshot,
) -> None:
    changed = {k: v for k, v in values.items() if getattr(old, k) != v}
    described = [_describe(k, getattr(old, k), v, snapshot) for k, v in changed.items()]
    manager = row.manager_employee_id
    old_manager = snapshot.by_pk.get(old.manager_id) if old.manager_id else None
    same_manager = (not manager and old_manager is None) or (
        bool(manager) and old_manager is not None and old_manager.employee_id == manager
    )
    if "manager_employee_id" in columns and not same_manager:
        old_label = (old_manager.employee_id or old_manager.username) if old_manager else ""
        described.append(FieldChange("manager_employee_id", old_label, manager))
        known = snapshot.by_employee_id.get(manager) if manager else None
        if not manager or known is not None:
            changed["manager_id"] = known.id if known else None
        else:
            plan.deferred_managers.append((old.id, row.employee_id, manager))
    shown = tuple(d for d in described if d is not None)
    if not changed and not shown:
        plan.unchanged_count += 1
        return
    if changed:
        plan.updates.append((old.id, changed))
    name = _display_name(
        row.first_name, row.last_name, values.get("preferred_name", old.preferred_name)
    )
    plan.changes.append(PlannedChange(row.line, row.employee_id, name, shown))


def _plan_deactivations(rows: list[_Row], plan: ImportPlan, snapshot: _Snapshot) -> None:
    """In a full snapshot, directory people missing from the file have left."""
    listed = {row.employee_id for row in rows}
    for person in snapshot.people:
        if person.from_directory and person.is_active and person.employee_id not in listed:
            plan.deactivate_ids.append(person.id)
            plan.deactivations.append(
                PlannedDeactivation(
                    person.employee_id or "",
                    _display_name(person.first_name, person.last_name, person.preferred_name),
                )
            )


def _compare(
    rows: list[_Row], columns: set[str], plan: ImportPlan, snapshot: _Snapshot, today: date
) -> None:
    """Fill the plan with what to create, change and deactivate."""
    for row in rows:
        old = snapshot.by_employee_id.get(row.employee_id)
        values = _wanted_values(row, old, columns, snapshot, today)
        if old is None:
            _plan_create(row, values, columns, plan, snapshot)
        else:
            _plan_update(row, old=old, values=values, columns=columns, plan=plan, snapshot=snapshot)
    if plan.full_snapshot:
        _plan_deactivations(rows, plan, snapshot)


# --- The services -----------------------------------------------------------------------------


def check_directory_file(*, data: bytes, full_snapshot: bool) -> ImportPlan:
    """Validate a directory CSV and work out what it would change. Writes nothing.

    `full_snapshot` means the file lists every current employee, so directory people missing
    from it are planned for deactivation.
    """
    plan = ImportPlan(full_snapshot=full_snapshot)
    text, problem = _decode(data)
    if problem is not None or text is None:
        plan.errors.append(problem or RowError(1, "", _("The file is empty.")))
        return plan
    columns, records = _records(text, plan)
    if plan.errors:
        return plan

    snapshot = _read_snapshot()
    today = timezone.localdate()
    rows: list[_Row] = []
    listed: set[str] = set()
    for line, values in records:
        plan.row_count += 1
        listed.add(values["employee_id"])
        row, row_errors = _parse_row(line, values, snapshot, today)
        if row is None:
            plan.errors.extend(row_errors)
        else:
            rows.append(row)
    if plan.row_count == 0 and not plan.errors:
        plan.errors.append(
            RowError(
                2,
                "",
                _(
                    "The file has a header line but nobody in it. As a list of everyone it "
                    "would mark every directory person as having left, so it is refused."
                )
                if full_snapshot
                else _("The file has a header line but nobody in it, so there is nothing to do."),
            )
        )
    rows = _unique_rows(rows, plan, snapshot)
    if "manager_employee_id" in columns:
        _check_managers(rows, listed, plan, snapshot)
    if plan.errors:
        plan.errors.sort(key=lambda e: e.line)
        return plan
    _compare(rows, set(columns), plan, snapshot, today)
    return plan


def apply_directory_file(*, data: bytes, full_snapshot: bool, actor: Person | None) -> ImportResult:
    """Check the file again and apply it in one transaction: all of it, or nothing.

    `actor` is the administrator applying it, or None from the command line. Raises
    DirectoryFileError (a ValidationError) with every row error when the file has problems.
    """
    started = time.monotonic()
    with transaction.atomic():
        plan = check_directory_file(data=data, full_snapshot=full_snapshot)
        if plan.errors:
            raise DirectoryFileError(plan)
        _write(plan)
    result = ImportResult(
        row_count=plan.row_count,
        created=len(plan.creates),
        changed=len(plan.changes),
        deactivated=len(plan.deactivations),
        unchanged=plan.unchanged_count,
        duration_ms=round((time.monotonic() - started) * 1000),
    )
    logger.info(
        "Directory import applied by %s: %d created, %d changed, %d deactivated, %d unchanged",
        actor.username if actor else "the command line",
        result.created,
        result.changed,
        result.deactivated,
        result.unchanged,
    )
    return result


def _batches(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _unusable_password() -> str:
    """What make_password(None) makes ("!" and random text: it can't match any password).

    Built directly because make_password(None) draws its 40 random characters one at a time,
    which costs ~0.1 ms a person: 8 seconds of an 80,000-person first import.
    """
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(20)


def _create_people(plan: ImportPlan) -> dict[str, int]:
    """INSERT the new people and return their ids by employee ID.

    Managers go in before the people they manage (one round of bulk INSERTs per level of the
    organisation chart), so every manager_id is known when the row is written and no second
    pass of UPDATEs is needed: bulk_update costs about as much per row as the INSERT itself.
    """
    manager_of = {
        employee_id: manager for pk, employee_id, manager in plan.deferred_managers if pk is None
    }
    waiting = {values["employee_id"]: values for values in plan.new_people}
    created: dict[str, int] = {}
    while waiting:
        level = [v for e, v in waiting.items() if manager_of.get(e) not in waiting]
        if not level:
            raise RuntimeError("Manager loop among new people; the check should have refused it.")
        # Built a batch at a time: 80,000 model instances at once would hold ~150 MB.
        for start in range(0, len(level), WRITE_BATCH):
            batch = level[start : start + WRITE_BATCH]
            people = []
            for values in batch:
                manager = manager_of.get(values["employee_id"])
                link = {"manager_id": created[manager]} if manager else {}
                people.append(Person(password=_unusable_password(), **values, **link))
            # PostgreSQL and SQLite (3.35+) both set the new ids on the objects.
            Person.objects.bulk_create(people)
            for values, person in zip(batch, people, strict=True):
                created[values["employee_id"]] = person.pk
        for values in level:
            del waiting[values["employee_id"]]
    return created


def _write(plan: ImportPlan) -> None:
    """Write a valid plan with bulk statements. Runs inside the caller's transaction."""
    created = _create_people(plan)

    changes = dict(plan.updates)
    for pk, _employee_id, manager in plan.deferred_managers:
        if pk is not None:
            changes[pk] = {**changes.get(pk, {}), "manager_id": created[manager]}
    # One bulk UPDATE per set of changed columns, so unchanged columns are never written.
    by_columns: dict[tuple[str, ...], list[Person]] = defaultdict(list)
    for pk, changed in changes.items():
        by_columns[tuple(sorted(changed))].append(Person(pk=pk, **changed))
    for field_names, people in by_columns.items():
        Person.objects.bulk_update(people, list(field_names), batch_size=WRITE_BATCH)

    today = timezone.localdate()
    for batch in _batches(plan.deactivate_ids, ID_BATCH):
        Person.objects.filter(pk__in=batch).update(is_active=False, left_on=today)

    if created or changes or plan.deactivate_ids:
        recount_people()


# --- Uploads kept as DirectoryImport records --------------------------------------------------


def _preview(plan: ImportPlan) -> dict[str, Any]:
    """The first few of each kind of change, for the confirmation page."""
    return {
        "error_count": len(plan.errors),
        "creates": [
            {"line": c.line, "employee_id": c.employee_id, "name": c.name, "unit": c.unit}
            for c in plan.creates[:PREVIEW_SAMPLE]
        ],
        "changes": [
            {
                "line": c.line,
                "employee_id": c.employee_id,
                "name": c.name,
                "fields": [{"column": f.column, "old": f.old, "new": f.new} for f in c.fields],
            }
            for c in plan.changes[:PREVIEW_SAMPLE]
        ],
        "deactivations": [
            {"employee_id": d.employee_id, "name": d.name}
            for d in plan.deactivations[:PREVIEW_SAMPLE]
        ],
    }


def _record_plan(record: DirectoryImport, plan: ImportPlan) -> None:
    record.row_count = plan.row_count
    record.created_count = len(plan.creates)
    record.changed_count = len(plan.changes)
    record.deactivated_count = len(plan.deactivations)
    record.unchanged_count = plan.unchanged_count
    record.errors = [e.as_dict() for e in plan.errors[:KEPT_ERRORS]]
    record.preview = _preview(plan)


def create_directory_import(
    *, file_name: str, data: bytes, full_snapshot: bool, uploaded_by: Person
) -> DirectoryImport:
    """Check an uploaded directory file and keep the outcome, ready for confirmation.

    The file itself is stored only when it passed the check, because only then can it be
    applied; a rejected file keeps just its errors.
    """
    started = time.monotonic()
    plan = check_directory_file(data=data, full_snapshot=full_snapshot)
    record = DirectoryImport(
        uploaded_by=uploaded_by,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        full_snapshot=full_snapshot,
        status=(
            DirectoryImport.Status.PREVIEWED if plan.is_valid else DirectoryImport.Status.REJECTED
        ),
    )
    _record_plan(record, plan)
    record.duration_ms = round((time.monotonic() - started) * 1000)
    with transaction.atomic():
        if plan.is_valid:
            # A random name: the uploaded name is shown from file_name, never used as a path.
            record.file.save(f"{uuid.uuid4().hex}.csv", ContentFile(data), save=False)
        record.save()
    return record


def apply_directory_import(*, directory_import: DirectoryImport, actor: Person) -> DirectoryImport:
    """Apply a checked upload: the same bytes that were previewed, checked again.

    Raises ValidationError when it can't be applied (already applied, rejected, superseded
    by a newer import, or the stored file changed); raises DirectoryFileError, after
    recording the errors on the import, when the file no longer passes the check.
    """
    rejected: DirectoryFileError | None = None
    with transaction.atomic():
        # Locks the record: a double-clicked "Apply" waits here, then sees it was applied.
        record = DirectoryImport.objects.select_for_update().get(pk=directory_import.pk)
        if record.status == DirectoryImport.Status.APPLIED:
            raise ValidationError(_("This file has already been applied."), code="applied")
        if record.status != DirectoryImport.Status.PREVIEWED or not record.file:
            raise ValidationError(
                _("This file was rejected. Correct it and upload it again."), code="rejected"
            )
        if DirectoryImport.objects.filter(
            status=DirectoryImport.Status.APPLIED, applied_at__gt=record.created_at
        ).exists():
            raise ValidationError(
                _(
                    "A newer directory file has been applied since this one was checked. "
                    "Upload this file again to see what it would change now."
                ),
                code="superseded",
            )
        with record.file.open("rb") as stored:
            data = stored.read()
        if hashlib.sha256(data).hexdigest() != record.file_sha256:
            raise ValidationError(
                _("The stored file is not the one that was checked. Upload it again."),
                code="changed",
            )
        try:
            result = apply_directory_file(
                data=data, full_snapshot=record.full_snapshot, actor=actor
            )
        except DirectoryFileError as exc:
            # The people or units changed since the check. Keep the new errors to show.
            rejected = exc
            _record_plan(record, exc.plan)
            record.status = DirectoryImport.Status.REJECTED
        else:
            record.status = DirectoryImport.Status.APPLIED
            record.applied_at = timezone.now()
            record.row_count = result.row_count
            record.created_count = result.created
            record.changed_count = result.changed
            record.deactivated_count = result.deactivated
            record.unchanged_count = result.unchanged
            record.duration_ms = result.duration_ms
        # The people are in the database now, or the file was refused: either way the copy of
        # the HR export (names, emails, managers of every employee) is no longer needed.
        stored_name = record.file.name
        record.file = ""  # an empty name is how a FileField says "no file"
        record.save()
        if stored_name:
            transaction.on_commit(partial(record.file.storage.delete, stored_name))
    if rejected is not None:
        raise rejected
    return record
