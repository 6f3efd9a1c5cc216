"""The building blocks of the demo hospital's tables: tiers, specs and department kinds.

A spec says what exists (a unit, a department, a site and its executives); `plan.py` turns
specs into rows. Each unit and department names its tier: the demo tier is what `make run`
loads, the large tier what benchmarks add on top of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import slugify

DEMO_TIER = 0
LARGE_TIER = 1


@dataclass(frozen=True)
class UnitSpec:
    slug: str
    name: str
    profile: str
    # Relative headcount: a 4 for a busy emergency department, 0.4 for a small office.
    weight: float
    tier: int


@dataclass(frozen=True)
class DepartmentSpec:
    slug: str
    name: str
    description: str
    director_title: str
    # The executive function the director answers to ("cno", "coo"…); see ExecutiveSpec.
    reports_to: str
    units: tuple[UnitSpec, ...]
    tier: int
    # The executive office is led by the site's most senior executive, not by a director.
    executive_office: bool = False


@dataclass(frozen=True)
class ExecutiveSpec:
    key: str
    # What the executive answers for; departments name it in `reports_to`. Every site has
    # one "president", who also takes any function the site has no executive for.
    function: str
    title: str
    reports_to: str | None


@dataclass(frozen=True)
class SiteSpec:
    code: str
    name: str
    city: str
    executives: tuple[ExecutiveSpec, ...]
    departments: tuple[DepartmentSpec, ...]


def unit(slug: str, name: str, profile: str, weight: float = 1.0) -> UnitSpec:
    """A unit of the demo tier."""
    return UnitSpec(slug, name, profile, weight, DEMO_TIER)


def large(slug: str, name: str, profile: str, weight: float = 1.0) -> UnitSpec:
    """A unit that only the large size has."""
    return UnitSpec(slug, name, profile, weight, LARGE_TIER)


@dataclass(frozen=True)
class _Kind:
    name: str
    director_title: str
    reports_to: str
    description: str


# What a department of each kind is called and who leads it, wherever it is.
_KINDS: dict[str, _Kind] = {
    "executive-office": _Kind(
        "Executive Office",
        "President",
        "president",
        "The executive team and the people who support it.",
    ),
    "emergency": _Kind(
        "Emergency Medicine",
        "Director of Emergency Services",
        "cno",
        "Emergency care around the clock, from triage to resuscitation.",
    ),
    "critical-care": _Kind(
        "Critical Care",
        "Director of Critical Care Nursing",
        "cno",
        "Intensive care for the sickest adults in the hospital.",
    ),
    "perioperative": _Kind(
        "Perioperative Services",
        "Director of Perioperative Services",
        "cno",
        "Operating rooms, pre-operative care, recovery and sterile processing.",
    ),
    "medicine": _Kind(
        "Medicine",
        "Director of Medicine Services",
        "cno",
        "Inpatient medical and medical-surgical wards and the hospitalist service.",
    ),
    "surgery": _Kind(
        "Surgical Services",
        "Director of Surgical Nursing",
        "cno",
        "Surgical wards caring for patients before and after their operations.",
    ),
    "oncology": _Kind(
        "Oncology",
        "Director of Cancer Services",
        "cno",
        "Cancer care: infusion, inpatient oncology, radiation and clinics.",
    ),
    "cardiology": _Kind(
        "Cardiology",
        "Director of Cardiovascular Services",
        "coo",
        "Heart care from the cath lab to telemetry and cardiac rehabilitation.",
    ),
    "radiology": _Kind(
        "Radiology",
        "Director of Imaging Services",
        "coo",
        "X-ray, CT, MRI, ultrasound and interventional radiology.",
    ),
    "laboratory": _Kind(
        "Laboratory Medicine",
        "Director of Laboratory Services",
        "coo",
        "Clinical laboratories, pathology, blood bank and phlebotomy.",
    ),
    "pharmacy": _Kind(
        "Pharmacy",
        "Director of Pharmacy",
        "coo",
        "Medicines for inpatients and outpatients, and clinical pharmacists on the wards.",
    ),
    "rehabilitation": _Kind(
        "Rehabilitation Services",
        "Director of Rehabilitation Services",
        "coo",
        "Physical, occupational and speech therapy.",
    ),
    "respiratory-care": _Kind(
        "Respiratory Care",
        "Director of Respiratory Care",
        "coo",
        "Respiratory therapists, pulmonary function testing and sleep medicine.",
    ),
    "environmental-services": _Kind(
        "Environmental Services",
        "Director of Environmental Services",
        "coo",
        "Keeping every room clean and safe, day and night.",
    ),
    "food-services": _Kind(
        "Food & Nutrition Services",
        "Director of Food & Nutrition Services",
        "coo",
        "Patient meals, clinical nutrition and the cafés.",
    ),
    "facilities": _Kind(
        "Facilities & Engineering",
        "Director of Facilities",
        "coo",
        "Buildings, plant, security and biomedical equipment.",
    ),
    "patient-transport": _Kind(
        "Patient Transport",
        "Director of Patient Logistics",
        "coo",
        "Moving patients, specimens and equipment around the hospital.",
    ),
    "information-technology": _Kind(
        "Information Technology",
        "Director of IT Operations",
        "cio",
        "The service desk, clinical systems, networks and information security.",
    ),
    "human-resources": _Kind(
        "Human Resources",
        "Director of Human Resources",
        "people",
        "Hiring, pay and benefits, learning, employee health and people analytics.",
    ),
    "patient-experience": _Kind(
        "Patient Experience",
        "Director of Patient Experience",
        "cno",
        "Patient relations, interpreters, volunteers and spiritual care.",
    ),
    "quality-safety": _Kind(
        "Quality & Patient Safety",
        "Director of Quality & Patient Safety",
        "cmo",
        "Quality improvement, infection prevention and patient safety.",
    ),
    "nursing-administration": _Kind(
        "Nursing Administration",
        "Associate Chief Nursing Officer",
        "cno",
        "Nursing leadership, house supervisors, the float pool and nursing education.",
    ),
    "communications": _Kind(
        "Communications & Marketing",
        "Director of Communications & Marketing",
        "comms",
        "Internal communications, media relations, the website and marketing.",
    ),
    "compliance-privacy": _Kind(
        "Compliance & Privacy",
        "Director of Compliance",
        "president",
        "Compliance, audit and the privacy of patient and staff information.",
    ),
    "patient-access": _Kind(
        "Patient Access",
        "Director of Patient Access",
        "cfo",
        "Admitting, registration, scheduling and financial counselling.",
    ),
    "health-information": _Kind(
        "Health Information Management",
        "Director of Health Information Management",
        "cfo",
        "Medical records, coding and release of information.",
    ),
    "supply-chain": _Kind(
        "Supply Chain",
        "Director of Supply Chain",
        "coo",
        "Buying, storing and delivering everything the hospital uses.",
    ),
    "finance": _Kind(
        "Finance",
        "Director of Finance",
        "cfo",
        "Budgets, accounting and patient financial services.",
    ),
    "behavioural-health": _Kind(
        "Behavioural Health",
        "Director of Behavioural Health",
        "cno",
        "Inpatient psychiatry and outpatient mental health and addiction services.",
    ),
    "research": _Kind(
        "Clinical Research",
        "Director of Clinical Research",
        "cmo",
        "Clinical trials and the people who run them.",
    ),
    "ambulatory-care": _Kind(
        "Ambulatory Care",
        "Director of Ambulatory Care",
        "coo",
        "Primary care practices, specialty clinics and urgent care across the region.",
    ),
    "paediatrics": _Kind(
        "Paediatrics",
        "Director of Paediatric Nursing",
        "cno",
        "Inpatient care for children and teenagers, including paediatric intensive care.",
    ),
    "paediatric-emergency": _Kind(
        "Paediatric Emergency Medicine",
        "Director of Paediatric Emergency Services",
        "cno",
        "Emergency care for children, around the clock.",
    ),
    "labour-delivery": _Kind(
        "Labour & Delivery",
        "Director of Women's Services",
        "cno",
        "Labour and birth, obstetric triage and care for mothers and newborns.",
    ),
    "neonatology": _Kind(
        "Neonatal Intensive Care",
        "Director of Neonatal Services",
        "cno",
        "Intensive and special care for premature and sick newborns.",
    ),
    "womens-health": _Kind(
        "Women's Health",
        "Director of Women's Health",
        "cmo",
        "Gynaecology, maternal-fetal medicine, breast health and fertility care.",
    ),
}


def department(
    kind: str, *units: UnitSpec, name: str = "", tier: int = DEMO_TIER
) -> DepartmentSpec:
    spec = _KINDS[kind]
    return DepartmentSpec(
        slug=kind,
        name=name or spec.name,
        description=spec.description,
        director_title=spec.director_title,
        reports_to=spec.reports_to,
        units=units,
        tier=tier,
        executive_office=kind == "executive-office",
    )


def large_department(kind: str, *units: UnitSpec, name: str = "") -> DepartmentSpec:
    return department(kind, *units, name=name, tier=LARGE_TIER)


def clinics(
    prefix: str, slug_prefix: str, places: tuple[str, ...], profile: str, weight: float
) -> list[UnitSpec]:
    """Large-tier practices named after the neighbourhoods they serve."""
    return [
        large(slugify(f"{slug_prefix} {place}"), f"{prefix} — {place}", profile, weight)
        for place in places
    ]


def specialty_clinics(names: tuple[str, ...], weight: float = 0.6) -> list[UnitSpec]:
    # The site is already in the unit code, and "clinic" adds nothing to it.
    return [
        large(
            slugify(name).removeprefix("northgate-").removesuffix("-clinic"),
            name,
            "clinic",
            weight,
        )
        for name in names
    ]
