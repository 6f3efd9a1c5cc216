"""The PHI guard: scans what someone is about to publish and shows them what it found.

    findings = scan_texts(kind_of(comment).texts(comment))   # {"Comment": "..."}
    if findings: ...  # create the item HELD and call privacy.services.hold_item

Findings carry the field label, the kind and the offsets, never the words: they are stored
on the hold (PrivacyHold.findings) and the text stays only in the item itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from staffroom.privacy.detector import scan_text

# Longer text is scanned in full; this only bounds what the detector gets per field, so a
# pathological paste can't stall a request. Nothing past it is published unscanned: the
# writing services refuse text longer than their own limits (10,000 for a comment).
MAX_SCANNED_CHARS = 200_000

KIND_LABELS = {
    "patient_name": _("possible patient name"),
    "mrn": _("possible medical record number"),
    "account_number": _("possible account number"),
    "health_plan_id": _("possible health plan number"),
    "dob": _("possible date of birth"),
    "ssn": _("possible social security number"),
    "phone": _("possible phone number"),
    "email": _("possible email address"),
    "address": _("possible address"),
    "room_bed": _("possible room or bed number"),
    "age_over_89": _("possible age over 89"),
    "date": _("possible date of care"),
}


@dataclass(frozen=True)
class FieldFinding:
    field: str  # the label from ItemKind.texts, e.g. "Comment", "Title", "Image description"
    kind: str  # detector kind: "patient_name", "mrn", "dob", ...
    start: int
    end: int

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FieldFinding:
        return cls(
            field=str(data.get("field", "")),
            kind=str(data.get("kind", "")),
            start=int(data.get("start", 0)),
            end=int(data.get("end", 0)),
        )


def kind_label(kind: str) -> str:
    """What a finding is, in words for the author ("possible medical record number")."""
    label = KIND_LABELS.get(kind)
    if label is not None:
        return str(label)
    # An organisation's own pattern: its kind is lower_snake_case by construction.
    return str(_("possible patient information (%(kind)s)") % {"kind": kind.replace("_", " ")})


def _as_text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = value if isinstance(value, str) else str(value or "")
    # Lone surrogates (from a broken paste) can't be encoded or stored; replace them.
    return text.encode("utf-8", errors="replace").decode("utf-8")


def scan_texts(texts: dict[str, str]) -> list[FieldFinding]:
    """Every finding in every labelled text, in field order then position.

    The detector already applies the organisation's configured patterns
    (detector.configured_patterns()). Odd input (bytes, control characters, other scripts)
    is scanned as text and never raises.
    """
    findings: list[FieldFinding] = []
    for field, value in texts.items():
        text = _as_text(value)[:MAX_SCANNED_CHARS]
        if not text.strip():
            continue
        scan = scan_text(text)
        findings.extend(
            FieldFinding(field=str(field), kind=f.kind, start=f.start, end=f.end)
            for f in scan.findings
        )
    return findings


def findings_for(findings: Iterable[FieldFinding], field: str) -> list[FieldFinding]:
    return [f for f in findings if f.field == field]


def highlighted(text: str, findings: Iterable[FieldFinding]) -> SafeString:
    """`text` as HTML with each finding in <mark class="phi-finding"> and its kind named for
    screen readers; everything else escaped. Findings that don't fit the text (it changed
    since they were made) or overlap an earlier one are skipped, never raised on."""
    text = _as_text(text)
    parts: list[str] = []
    position = 0
    for finding in sorted(findings, key=lambda f: (f.start, f.end)):
        start, end = finding.start, finding.end
        if start < position or end <= start or end > len(text):
            continue
        parts.append(escape(text[position:start]))
        label = escape(kind_label(finding.kind))
        parts.append(
            f'<mark class="phi-finding" data-kind="{escape(finding.kind)}">'
            f"{escape(text[start:end])}"
            f'<span class="visually-hidden"> ({label})</span></mark>'
        )
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308  # every piece above is escaped


@dataclass(frozen=True)
class FieldView:
    """One labelled text of a held item, ready to show: highlighted HTML and what was found."""

    label: str
    html: SafeString
    kinds: list[str]


def field_views(texts: dict[str, str], findings: list[FieldFinding]) -> list[FieldView]:
    """Each field of an item with its findings highlighted (fields without text left out)."""
    views = []
    for field, text in texts.items():
        if not (text or "").strip():
            continue
        own = findings_for(findings, field)
        views.append(
            FieldView(
                label=str(field),
                html=highlighted(text, own),
                kinds=sorted({kind_label(f.kind) for f in own}),
            )
        )
    return views
