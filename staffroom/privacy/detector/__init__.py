"""The PHI detector: finds protected health information in staff-written text.

    from staffroom.privacy.detector import scan_text
    scan = scan_text(post.body)
    if scan.phi:
        ...  # scan.findings: kind, start, end, text (offsets into the original string)

Rules, not a model: identifiers (MRN, account, plan, SSN, dates of birth) by label and shape;
names, rooms, phones, emails, addresses, ages and care dates only when their context points at
one patient. See docs/decisions/0011-phi-detector.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from staffroom.privacy.detector.context import Context
from staffroom.privacy.detector.names import find_patient_names, name_lists
from staffroom.privacy.detector.patterns import (
    find_ages,
    find_contacts,
    find_dates,
    find_identifiers,
    find_rooms,
)

__all__ = ["KINDS", "Finding", "OrgPattern", "Scan", "configured_patterns", "scan_text", "warm_up"]

KINDS = (
    "patient_name",
    "mrn",
    "account_number",
    "health_plan_id",
    "dob",
    "ssn",
    "phone",
    "email",
    "address",
    "room_bed",
    "age_over_89",
    "date",
)

# When two findings overlap, the one whose kind comes first here is kept: a labelled
# identifier says more than the shape of its digits ("MRN 009-41-2270" is an MRN).
_PRIORITY = {
    kind: rank
    for rank, kind in enumerate(
        (
            "mrn",
            "account_number",
            "health_plan_id",
            "dob",
            "ssn",
            "email",
            "phone",
            "address",
            "patient_name",
            "age_over_89",
            "room_bed",
            "date",
        )
    )
}
_ORG_RANK = -1  # an administrator's own pattern wins over the built-in ones


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Scan:
    findings: tuple[Finding, ...]

    @property
    def phi(self) -> bool:
        return bool(self.findings)


@dataclass(frozen=True)
class OrgPattern:
    """An organisation's own identifier format, e.g. ``OrgPattern("local_mrn", r"RH\\d{7}",
    "Riverside MRN")``. Invalid regexes are refused when the pattern is made."""

    kind: str
    regex: str
    label: str
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", self.kind):
            raise ValueError(f"PHI pattern kind {self.kind!r} must be lower_snake_case.")
        try:
            compiled = re.compile(self.regex)
        except re.error as error:
            raise ValueError(f"PHI pattern {self.label!r} is not a valid regex: {error}") from None
        object.__setattr__(self, "compiled", compiled)


def scan_text(text: str, *, extra_patterns: Sequence[OrgPattern] = ()) -> Scan:
    """Find PHI in `text`. Patterns from the PHI_EXTRA_PATTERNS setting always apply;
    `extra_patterns` adds more. Never raises on odd input (any str is fine)."""
    if not isinstance(text, str):
        raise TypeError("scan_text expects a str")
    if not text or text.isspace():
        return Scan(findings=())
    ctx = Context(text)
    hits: list[tuple[int, str, int, int]] = []
    for pattern in (*configured_patterns(), *extra_patterns):
        hits.extend(
            (_ORG_RANK, pattern.kind, m.start(), m.end())
            for m in pattern.compiled.finditer(ctx.text)
            if m.end() > m.start()
        )
    for finder in (
        find_identifiers,
        find_dates,
        find_contacts,
        find_patient_names,
        find_rooms,
        find_ages,
    ):
        hits.extend((_PRIORITY[kind], kind, start, end) for kind, start, end in finder(ctx))
    return Scan(findings=tuple(_resolve(hits, text)))


def _resolve(hits: Iterable[tuple[int, str, int, int]], text: str) -> list[Finding]:
    """Drop duplicates and overlaps (the higher-priority, then longer, finding stays)."""
    kept: list[tuple[int, int, str]] = []
    cluster: list[tuple[int, str, int, int]] = []
    cluster_end = -1
    for hit in sorted(hits, key=lambda h: (h[2], h[3])):
        if cluster and hit[2] >= cluster_end:
            kept.extend(_pick(cluster))
            cluster = []
        cluster.append(hit)
        cluster_end = max(cluster_end, hit[3]) if len(cluster) > 1 else hit[3]
    kept.extend(_pick(cluster))
    kept.sort()
    return [
        Finding(kind=kind, start=start, end=end, text=text[start:end]) for start, end, kind in kept
    ]


def _pick(cluster: list[tuple[int, str, int, int]]) -> list[tuple[int, int, str]]:
    """Within one run of overlapping hits, keep the best and whatever doesn't overlap it."""
    kept: list[tuple[int, int, str]] = []
    for _rank, kind, start, end in sorted(cluster, key=lambda h: (h[0], h[2] - h[3], h[2])):
        if not any(start < k_end and k_start < end for k_start, k_end, _ in kept):
            kept.append((start, end, kind))
    return kept


@cache
def configured_patterns() -> tuple[OrgPattern, ...]:
    """Organisation patterns from settings.PHI_EXTRA_PATTERNS (a list of {kind, regex,
    label}); empty when Django isn't configured. Read once per process."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        raw = getattr(settings, "PHI_EXTRA_PATTERNS", ())
    except ImproperlyConfigured:  # settings not configured: a plain library call
        return ()
    try:
        if isinstance(raw, str):
            raw = json.loads(raw) if raw.strip() else []
        return tuple(
            OrgPattern(kind=p["kind"], regex=p["regex"], label=p.get("label", p["kind"]))
            for p in raw
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ImproperlyConfigured(
            f"PHI_EXTRA_PATTERNS must be a JSON list of {{kind, regex, label}}: {error}"
        ) from None


def warm_up() -> None:
    """Load the name lists now rather than on the first scan (for long-running processes)."""
    name_lists()
    configured_patterns()
