"""Northgate Community Hospital: a community hospital with the core services."""

from __future__ import annotations

from staffroom.demo.hospital.structure import (
    ExecutiveSpec,
    SiteSpec,
    clinics,
    department,
    large,
    large_department,
    specialty_clinics,
    unit,
)

_NORTHGATE_PLACES = (
    "North Hills", "Quarry Hill", "Redwood", "Summit", "Westbrook", "Windsor", "Dover",
    "Eastwood", "Hillcrest", "Foxborough", "Glen Park", "Lakeview Road", "Mill Pond",
    "Pleasant Valley", "Sandy Creek", "Timber Lane", "Granite Falls", "Cobble Hill",
)  # fmt: skip

_NORTHGATE_SPECIALTY_CLINICS = (
    "Northgate Cardiology Clinic", "Northgate Orthopaedics Clinic",
    "Northgate General Surgery Clinic", "Northgate Diabetes Education Centre",
    "Northgate Wound Care Centre", "Northgate Women's Clinic", "Northgate Dialysis Centre",
    "Northgate Neurology Clinic", "Northgate Pulmonology Clinic",
)  # fmt: skip

NORTHGATE_COMMUNITY = SiteSpec(
    code="ngh",
    name="Northgate Community Hospital",
    city="Northgate",
    executives=(
        ExecutiveSpec(
            "ngh-president", "president", "President, Northgate Community Hospital", "ceo"
        ),
        ExecutiveSpec("ngh-cno", "cno", "Chief Nursing Officer, Northgate", "ngh-president"),
    ),
    departments=(
        department(
            "executive-office",
            unit("hospital-administration", "Hospital Administration", "executive-office", 0.8),
        ),
        department(
            "emergency",
            unit("emergency-department", "Emergency Department", "emergency", 3),
            large("ed-observation", "ED Observation Unit", "ward"),
        ),
        department(
            "critical-care",
            unit("icu", "ICU & Step-Down", "critical-care", 1.5),
            large("progressive-care", "Progressive Care Unit", "ward"),
        ),
        department(
            "medicine",
            unit("2-south", "2 South Medical-Surgical", "ward", 3),
            unit("3-north", "3 North Medical-Surgical", "ward", 2),
            large("2-north", "2 North Medicine", "ward", 2),
            large("3-south", "3 South Telemetry", "ward", 2),
            large("4-north", "4 North Orthopaedics & Joint Replacement", "ward", 1.5),
            large("transitional-care", "Transitional Care Unit", "ward"),
            large("hospitalist-service", "Hospitalist Service", "hospitalists"),
        ),
        department(
            "perioperative",
            unit("operating-rooms", "Operating Rooms & PACU", "operating-rooms", 2),
            large("same-day-surgery", "Same-Day Surgery", "perianaesthesia"),
            large("endoscopy", "Endoscopy", "perianaesthesia", 0.8),
            large("central-sterile", "Central Sterile", "sterile-processing", 0.6),
        ),
        department(
            "radiology",
            unit("imaging-services", "Imaging Services", "imaging"),
            large("outpatient-imaging", "Outpatient Imaging Centre", "imaging", 0.8),
            name="Imaging",
        ),
        department(
            "laboratory",
            unit("clinical-laboratory", "Clinical Laboratory", "laboratory"),
            large("outpatient-lab", "Outpatient Lab & Phlebotomy", "laboratory", 0.5),
            name="Laboratory",
        ),
        department(
            "pharmacy",
            unit("pharmacy", "Pharmacy", "pharmacy", 0.8),
            large("retail-pharmacy", "Retail Pharmacy", "pharmacy", 0.4),
        ),
        department(
            "environmental-services",
            unit("environmental-services", "Environmental Services", "environmental-services", 2),
            large("linen-laundry", "Linen & Laundry", "environmental-services", 0.5),
        ),
        department(
            "food-services",
            unit("food-nutrition", "Food & Nutrition", "food"),
            large("northgate-cafe", "Northgate Café", "food", 0.4),
        ),
        large_department(
            "rehabilitation",
            large("therapy-services", "Therapy Services", "rehabilitation"),
            large("outpatient-rehabilitation", "Outpatient Rehabilitation", "rehabilitation"),
            large("skilled-nursing", "Skilled Nursing Unit", "ward"),
            large("cardiac-rehabilitation", "Cardiac Rehabilitation", "rehabilitation", 0.5),
        ),
        large_department(
            "facilities",
            large("facilities-maintenance", "Facilities Maintenance", "facilities"),
            large("security-services", "Security Services", "security", 0.8),
        ),
        large_department(
            "patient-transport", large("patient-transport", "Patient Transport", "transport")
        ),
        large_department(
            "oncology",
            large("infusion-centre", "Infusion Centre", "infusion", 0.8),
            large("radiation-oncology", "Radiation Oncology", "radiation-oncology", 0.6),
            name="Northgate Cancer Centre",
        ),
        large_department(
            "patient-access",
            large("admitting-registration", "Admitting & Registration", "patient-access"),
        ),
        large_department(
            "patient-experience",
            large("patient-relations", "Patient Relations", "patient-experience", 0.5),
            large("volunteer-services", "Volunteer Services", "patient-experience", 0.4),
        ),
        large_department(
            "nursing-administration",
            large("nursing-office", "Nursing Administration", "nursing-administration", 0.6),
            large("resource-pool", "Nursing Resource Pool", "nursing-administration"),
        ),
        large_department(
            "quality-safety",
            large("quality-improvement", "Quality Improvement", "quality", 0.5),
            large("infection-prevention", "Infection Prevention", "quality", 0.4),
        ),
        large_department(
            "behavioural-health",
            large(
                "geriatric-behavioural-health",
                "Senior Behavioural Health Unit",
                "behavioural-health",
            ),
        ),
        large_department(
            "ambulatory-care",
            large("ambulatory-operations", "Ambulatory Operations", "patient-access", 0.5),
            *clinics(
                "Northgate Family Medicine",
                "family-medicine",
                _NORTHGATE_PLACES,
                "primary-care",
                0.8,
            ),
            *clinics("Northgate Urgent Care", "urgent-care", _NORTHGATE_PLACES[:8], "clinic", 0.8),
            *specialty_clinics(_NORTHGATE_SPECIALTY_CLINICS),
        ),
    ),
)
