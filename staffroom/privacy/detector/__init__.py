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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from staffroom.privacy.detector.context import Context
from staffroom.privacy.detector.names import find_patient_names, name_lists
from staffroom.privacy.detector.org import (
    OrgPattern,
    configured_patterns,
    env_patterns,
    reset_pattern_cache,
    unsafe_reason,
)
from staffroom.privacy.detector.patterns import (
    find_ages,
    find_contacts,
    find_dates,
    find_identifiers,
    find_rooms,
)

__all__ = [
    "KINDS",
    "Finding",
    "OrgPattern",
    "Scan",
    "configured_patterns",
    "env_patterns",
    "reset_pattern_cache",
    "scan_text",
    "unsafe_reason",
    "warm_up",
]

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


# Long text is scanned in overlapping windows, so the work per character is bounded by the
# window whatever a text looks like (no sentence ends, one huge "word", a regex's worst case):
# a 1 MB paste costs about what a thousand ordinary posts do. The overlap is longer than any
# finding plus the context a rule reads around it (context.SENTENCE_REACH), so nothing is lost
# at a seam; duplicate findings from two windows are merged.
WINDOW = 20_000
OVERLAP = 1_000


def scan_text(text: str, *, extra_patterns: Sequence[OrgPattern] = ()) -> Scan:
    """Find PHI in `text`. Organisation patterns (configured_patterns()) always apply;
    `extra_patterns` adds more. Never raises on odd input (any str is fine)."""
    if not isinstance(text, str):
        raise TypeError("scan_text expects a str")
    if not text or text.isspace():
        return Scan(findings=())
    patterns = (*configured_patterns(), *extra_patterns)
    hits: list[tuple[int, str, int, int]] = []
    for offset in _window_starts(len(text)):
        hits.extend(
            (rank, kind, offset + start, offset + end)
            for rank, kind, start, end in _scan_window(text[offset : offset + WINDOW], patterns)
        )
    return Scan(findings=tuple(_resolve(hits, text)))


def _window_starts(length: int) -> range:
    if length <= WINDOW:
        return range(1)
    return range(0, length - OVERLAP, WINDOW - OVERLAP)


def _scan_window(text: str, patterns: Sequence[OrgPattern]) -> list[tuple[int, str, int, int]]:
    ctx = Context(text)
    hits: list[tuple[int, str, int, int]] = []
    for pattern in patterns:
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
    return [(rank, kind, *ctx.original_span(start, end)) for rank, kind, start, end in hits]


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


def warm_up() -> None:
    """Load the name lists now rather than on the first scan (for long-running processes)."""
    name_lists()
    configured_patterns()
