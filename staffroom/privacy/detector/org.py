"""Organisation patterns: identifier formats an organisation adds to the built-in rules.

Two sources, both applied to every scan:

- the PHI_EXTRA_PATTERNS setting (environment, JSON list of {kind, regex, label}), read
  once per process; a broken one refuses to start the app (AppConfig.ready());
- active `PrivacyPattern` rows, which administrators edit in the admin.

Rows are read through a two-level cache so a scan costs no query: each process keeps the
compiled patterns and, at most every LOCAL_TTL seconds, compares its version with a shared
version key in Django's cache (Redis in production). Saving or deleting a pattern bumps that
key when the transaction commits, so every app server picks the change up within LOCAL_TTL
(the process that made the change at once). The rows themselves are cached per version, so
only the first server to notice a change reads the table.

A regex runs on every text people write, so one that backtracks badly would slow every form.
`unsafe_reason()` refuses the shapes that backtrack exponentially (a repeat inside a repeat,
alternatives inside a repeat) and patterns that take too long on a long sample; rows that
fail it (e.g. written before the check existed) are skipped, with a warning naming the id.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from functools import cache
from re import _parser as _sre_parse  # type: ignore[attr-defined]  # stdlib regex parser
from typing import Any

logger = logging.getLogger(__name__)

LOCAL_TTL = 5.0  # seconds a process trusts its copy before asking the shared cache
VERSION_KEY = "privacy:patterns:version"
ROWS_KEY = "privacy:patterns:rows:{version}"
ROWS_TIMEOUT = 24 * 3600
KIND_SHAPE = re.compile(r"[a-z][a-z0-9_]{0,39}")

# The samples a new pattern must get through quickly: the shapes identifiers are made of,
# run at growing lengths (32, 64, ... SAMPLE_LENGTH characters) so that a polynomial regex
# (``\d+\d+\d+x``) is caught at a short length, before it can take long.
SAMPLE_LENGTH = 4_096
SAMPLE_BUDGET = 0.05  # seconds for all samples together
_SAMPLE_UNITS = ("a", "1", " ", "-", "A1-", "MRN 12 ", "Aa1. ", "ab")


@dataclass(frozen=True)
class OrgPattern:
    """An organisation's own identifier format, e.g. ``OrgPattern("local_mrn", r"RH\\d{7}",
    "Riverside MRN")``. Invalid regexes are refused when the pattern is made."""

    kind: str
    regex: str
    label: str
    ignore_case: bool = False
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not KIND_SHAPE.fullmatch(self.kind):
            raise ValueError(f"PHI pattern kind {self.kind!r} must be lower_snake_case.")
        try:
            compiled = re.compile(self.regex, re.IGNORECASE if self.ignore_case else 0)
        except re.error as error:
            raise ValueError(f"PHI pattern {self.label!r} is not a valid regex: {error}") from None
        object.__setattr__(self, "compiled", compiled)


# --- Is a regex safe to run on every text? ------------------------------------------------

_REPEATS = {_sre_parse.MAX_REPEAT, _sre_parse.MIN_REPEAT}
# Possessive repeats and atomic groups never backtrack into themselves.
_NEVER_BACKTRACK = {getattr(_sre_parse, "POSSESSIVE_REPEAT", None), _sre_parse.ATOMIC_GROUP}


def _children(op: Any, arg: Any) -> list[Any]:
    """The sub-patterns of one parsed node."""
    if op in _REPEATS:
        return [arg[2]]
    if op == _sre_parse.BRANCH:
        return list(arg[1])
    if op == _sre_parse.SUBPATTERN:
        return [arg[-1]]
    if op in (_sre_parse.ASSERT, _sre_parse.ASSERT_NOT):
        return [arg[1]]
    if op == _sre_parse.GROUPREF_EXISTS:
        return [part for part in arg[1:] if part is not None]
    return []


def _walk(items: Any, inside_repeat: bool) -> str | None:
    """A reason the parsed regex can backtrack exponentially, or None."""
    for op, arg in items:
        if op in _NEVER_BACKTRACK:
            continue
        repeats = False
        if op in _REPEATS:
            low, high, _body = arg
            repeats = high is _sre_parse.MAXREPEAT or high > 1
            if inside_repeat and repeats and low != high:
                return "a repeat inside a repeat, like (a+)+"
        elif op == _sre_parse.BRANCH and inside_repeat:
            return "alternatives inside a repeat, like (a|ab)*; use a character class"
        for child in _children(op, arg):
            reason = _walk(child, inside_repeat or repeats)
            if reason:
                return reason
    return None


def unsafe_reason(regex: str, *, ignore_case: bool = True) -> str | None:
    """Why `regex` must not run on every text (None when it may). Refuses invalid regexes,
    regexes that match empty text, shapes that backtrack exponentially, and regexes that
    are slow on a long sample (quadratic ones such as ``\\d+\\d+x``)."""
    flags = re.IGNORECASE if ignore_case else 0
    try:
        parsed = _sre_parse.parse(regex, flags)
        compiled = re.compile(regex, flags)
    except (re.error, OverflowError, RecursionError) as error:
        return f"not a valid regular expression ({error})"
    if compiled.match(""):
        return "it matches empty text, so it would flag everything"
    reason = _walk(parsed, inside_repeat=False)
    if reason:
        return reason
    started = time.perf_counter()
    length = 32
    while length <= SAMPLE_LENGTH:
        for unit in _SAMPLE_UNITS:
            for _ in compiled.finditer((unit * (length // len(unit) + 1))[:length]):
                pass
            if time.perf_counter() - started > SAMPLE_BUDGET:
                return "it is too slow on long text"
        length *= 2
    return None


# --- Where the patterns come from ---------------------------------------------------------


@cache
def env_patterns() -> tuple[OrgPattern, ...]:
    """Patterns from settings.PHI_EXTRA_PATTERNS (a list of {kind, regex, label}); empty when
    Django isn't configured. Read once per process; a broken value stops the app."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        raw = getattr(settings, "PHI_EXTRA_PATTERNS", ())
    except ImproperlyConfigured:  # settings not configured: a plain library call
        return ()
    try:
        if isinstance(raw, str):
            raw = json.loads(raw) if raw.strip() else []
        patterns = tuple(
            OrgPattern(kind=p["kind"], regex=p["regex"], label=p.get("label", p["kind"]))
            for p in raw
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ImproperlyConfigured(
            f"PHI_EXTRA_PATTERNS must be a JSON list of {{kind, regex, label}}: {error}"
        ) from None
    for pattern in patterns:
        reason = unsafe_reason(pattern.regex, ignore_case=False)
        if reason:
            raise ImproperlyConfigured(f"PHI_EXTRA_PATTERNS {pattern.label!r}: {reason}.")
    return patterns


class _Local:
    """This process's copy of the database patterns."""

    version: object = None
    checked_at: float = float("-inf")
    patterns: tuple[OrgPattern, ...] = ()


_local = _Local()
_clock = time.monotonic  # a module attribute, so tests can move time on


def configured_patterns() -> tuple[OrgPattern, ...]:
    """The environment's patterns plus the active PrivacyPattern rows. Never raises once the
    app has started: if the database or cache can't be read (during migrations, in a command
    without a database), the last patterns this process read still apply."""
    return env_patterns() + database_patterns()


def database_patterns() -> tuple[OrgPattern, ...]:
    now = _clock()
    if now - _local.checked_at < LOCAL_TTL:
        return _local.patterns
    _local.checked_at = now
    try:
        from django.core.cache import cache as shared

        version = shared.get(VERSION_KEY)
        if version is None:
            version = uuid.uuid4().hex
            # add(), not set(): two servers starting at once agree on one version.
            shared.add(VERSION_KEY, version, None)
            version = shared.get(VERSION_KEY, version)
        if version == _local.version:
            return _local.patterns
        rows = shared.get(ROWS_KEY.format(version=version))
        if rows is None:
            rows = _read_rows()
            shared.set(ROWS_KEY.format(version=version), rows, ROWS_TIMEOUT)
    except Exception as error:  # no table yet, no database, cache down
        logger.warning("PHI patterns not refreshed: %s", type(error).__name__)
        return _local.patterns
    _local.patterns = _compile_rows(rows)
    _local.version = version
    return _local.patterns


def _read_rows() -> list[tuple[int, str, str, str]]:
    from staffroom.privacy.models import PrivacyPattern

    return list(
        PrivacyPattern.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("pk", "kind", "pattern", "name")
    )


def _compile_rows(rows: list[tuple[int, str, str, str]]) -> tuple[OrgPattern, ...]:
    patterns: list[OrgPattern] = []
    for pk, kind, regex, name in rows:
        if KIND_SHAPE.fullmatch(kind) and not unsafe_reason(regex):
            patterns.append(OrgPattern(kind=kind, regex=regex, label=name, ignore_case=True))
        else:
            logger.warning("PHI pattern %s skipped: invalid or unsafe", pk)
    return tuple(patterns)


def patterns_changed() -> None:
    """A pattern was saved or deleted: give every server a new version to load (after the
    transaction commits, so nobody caches the old rows under the new version)."""
    from django.core.cache import cache as shared
    from django.db import transaction

    def bump() -> None:
        _local.version = None  # this process reloads on its next scan; others within TTL
        _local.checked_at = float("-inf")
        try:
            shared.set(VERSION_KEY, uuid.uuid4().hex, None)
        except Exception as error:  # cache down: others catch up on restart
            logger.warning("PHI pattern version not bumped: %s", type(error).__name__)

    transaction.on_commit(bump)


def reset_pattern_cache() -> None:
    """Forget this process's copy (the next scan reads the shared version again)."""
    _local.version = None
    _local.checked_at = float("-inf")
    _local.patterns = ()


def _on_pattern_change(sender: object, **kwargs: object) -> None:
    patterns_changed()


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    post_save.connect(
        _on_pattern_change, sender="privacy.PrivacyPattern", dispatch_uid="phi-pattern-saved"
    )
    post_delete.connect(
        _on_pattern_change, sender="privacy.PrivacyPattern", dispatch_uid="phi-pattern-deleted"
    )
