"""Keyset (cursor) pagination.

Lists never use OFFSET: "the next 50 after this row" costs the same on page 1 and page 5,000,
because the database walks an index from the cursor instead of counting rows it skips.
A cursor is the ordering values of the last row shown, encoded for the URL.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Field, Model, Q, QuerySet

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class KeysetPage(Generic[M]):
    items: list[M]
    next_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def _encode(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime | date) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, width: int) -> list[Any] | None:
    """Return the cursor's values, or None for anything malformed (treated as 'first page')."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != width:
        return None
    if not all(isinstance(v, str | int | float) or v is None for v in values):
        return None
    return values


def _after(ordering: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows strictly after `values` in `ordering` (a lexicographic comparison, as a Q)."""
    condition = Q()
    for i in range(len(ordering) - 1, -1, -1):
        field = ordering[i].lstrip("-")
        op = "lt" if ordering[i].startswith("-") else "gt"
        step = Q(**{f"{field}__{op}": values[i]})
        if i < len(ordering) - 1:
            step |= Q(**{field: values[i]}) & condition
        condition = step
    return condition


def keyset_page(
    queryset: QuerySet[M], *, ordering: Sequence[str], cursor: str | None, limit: int
) -> KeysetPage[M]:
    """Return up to `limit` rows of `queryset` after `cursor`, in `ordering`.

    The last field of `ordering` must be unique (normally the primary key) so that every row
    has exactly one place. Ordering fields must be columns, not nullable ones.
    """
    if cursor:
        values = _decode(cursor, len(ordering))
        if values is not None:
            values = _as_field_values(queryset, ordering, values)
        if values is not None:
            queryset = queryset.filter(_after(ordering, values))
    rows = list(queryset.order_by(*ordering)[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = _encode([_value(last, f.lstrip("-")) for f in ordering])
    return KeysetPage(items=rows, next_cursor=next_cursor)


# PostgreSQL's bigint: a larger number in a cursor would make the query itself fail.
_MAX_INTEGER = 2**63 - 1


def _as_field_values(
    queryset: QuerySet[M], ordering: Sequence[str], values: list[Any]
) -> list[Any] | None:
    """Each cursor value converted by its model field, or None if any doesn't fit.

    A cursor comes from the URL, so anyone can edit it: a wrong type must mean "first page",
    never a server error.
    """
    converted = []
    for path, value in zip(ordering, values, strict=True):
        field = _field(queryset.model, path.lstrip("-"))
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return None
        try:
            python_value = field.to_python(value)
        except (ValidationError, ValueError, TypeError, OverflowError):
            return None
        if isinstance(python_value, int) and abs(python_value) > _MAX_INTEGER:
            return None
        converted.append(python_value)
    return converted


def _field(model: type[Model], path: str) -> Field[Any, Any]:
    parts = path.split("__")
    for part in parts[:-1]:
        related = model._meta.get_field(part).related_model
        assert isinstance(related, type)
        model = related
    field = model._meta.get_field(parts[-1])
    assert isinstance(field, Field)
    return field


def _value(obj: Model, path: str) -> Any:
    value: Any = obj
    for part in path.split("__"):
        value = getattr(value, part)
    return value
