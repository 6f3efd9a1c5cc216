"""Pieces the content steps share: natural keys, dated rows, text placeholders."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.db import models

# Demo rows carry a UUID made from their natural key in `submission_key` (unique, and meant
# for exactly this: "the row this request already made"), so a second build finds them.
DEMO_NAMESPACE = uuid.UUID("6f1c2a9e-5d43-4c1b-9a57-2e0c8a7b3d10")

PLACEHOLDER = re.compile(r"\{([a-z0-9_-]+(?::[a-z0-9_-]+)?)\}")


def demo_key(*parts: object) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, ":".join(str(p) for p in parts))


@contextmanager
def given_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the created_at/updated_at the build sets on each row.

    BaseModel's auto_now_add/auto_now would stamp every demo row with the moment of the
    build, so a post "from eight weeks ago" would say it was created today. Only the demo
    build uses this, inside its own transaction; the flags are restored afterwards.
    """
    saved: list[tuple[Any, bool, bool]] = []
    for model in model_classes:
        for name in ("created_at", "updated_at"):
            if not any(f.name == name for f in model._meta.concrete_fields):
                continue
            field = model._meta.get_field(name)
            assert isinstance(field, models.DateTimeField)
            saved.append((field, field.auto_now, field.auto_now_add))
            field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def fill_in(text: str, lookup: Callable[[str], str]) -> str:
    """Replace each {placeholder} in `text` by lookup(placeholder)."""
    return PLACEHOLDER.sub(lambda match: lookup(match.group(1)), text)


def days(n: float) -> timedelta:
    return timedelta(days=n)


# A line break inside a paragraph, unless the next line starts a list item, quote, heading
# or table row (those need their own line in Markdown).
_WRAPPED_LINE = re.compile(r"(?<=\S)[ \t]*\n(?=[ \t]*(?![-*+][ \t]|\d+[.)][ \t]|>|#|\|)\S)")


def unwrap(text: str) -> str:
    """The demo's texts are wrapped at 100 columns for the source; people type paragraphs.

    Staffroom renders a single newline as a line break (as staff expect when typing), so the
    written texts are joined back into paragraphs before they are stored.
    """
    return _WRAPPED_LINE.sub(" ", text)
