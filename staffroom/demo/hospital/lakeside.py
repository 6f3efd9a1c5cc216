"""Lakeside Children's & Women's Hospital: paediatrics, maternity and neonatal care."""

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

_LAKESIDE_PLACES = (
    "Shoreline", "Harbour Point", "Lakeshore Drive", "Marina District", "Cove Park",
    "Sunset Bay", "Beacon Hill", "Pier Street", "Driftwood", "Heron Bay", "Lighthouse Road",
    "Sailors Green", "Bluewater", "Gull Point", "Tidewater", "Waterside",
)  # fmt: skip

_LAKESIDE_SPECIALTY_CLINICS = (
    "Paediatric Cardiology Clinic", "Paediatric Endocrinology Clinic",
    "Paediatric Gastroenterology Clinic", "Paediatric Neurology Clinic",
    "Cystic Fibrosis & Pulmonary Clinic", "Developmental Paediatrics Clinic",
    "Paediatric Orthopaedics Clinic", "Paediatric Surgery Clinic", "Adolescent Health Clinic",
    "Paediatric Nephrology Clinic", "Paediatric Rheumatology Clinic",
    "Paediatric Allergy Clinic", "Craniofacial Clinic", "Paediatric Diabetes Centre",
)  # fmt: skip

LAKESIDE_CHILDRENS_WOMENS = SiteSpec(
    code="lcw",
    name="Lakeside Children's & Women's Hospital",
    city="Lakeside",
    executives=(
        ExecutiveSpec(
            "lcw-president", "president", "President, Lakeside Children's & Women's", "ceo"
        ),
        ExecutiveSpec("lcw-cno", "cno", "Chief Nursing Officer, Lakeside", "lcw-president"),
        ExecutiveSpec("lcw-cmo", "cmo", "Physician-in-Chief", "lcw-president"),
    ),
    departments=(
        department(
            "executive-office",
            unit("hospital-administration", "Hospital Administration", "executive-office", 0.8),
        ),
        department(
            "paediatrics",
            unit("3-north", "3 North Paediatric Medicine", "paediatric-ward", 2.5),
            unit("picu", "Paediatric ICU", "paediatric-intensive-care", 2),
            large("3-south", "3 South Paediatric Surgery", "paediatric-ward", 2),
            large("4-north", "4 North Paediatric Haematology-Oncology", "paediatric-ward", 2),
            large("4-south", "4 South Adolescent Medicine", "paediatric-ward", 1.5),
            large("paediatric-cardiac-icu", "Paediatric Cardiac ICU", "paediatric-intensive-care"),
            large("paediatric-infusion", "Paediatric Infusion Centre", "infusion", 0.8),
            large("sedation-unit", "Paediatric Sedation Unit", "perianaesthesia", 0.6),
        ),
        department(
            "paediatric-emergency",
            unit(
                "emergency-department", "Paediatric Emergency Department", "paediatric-emergency", 2
            ),
            large("urgent-care", "Paediatric Urgent Care", "clinic"),
        ),
        department(
            "labour-delivery",
            unit("labour-delivery", "Labour & Delivery", "labour-delivery", 2.5),
            unit("mother-baby", "Mother-Baby Unit", "mother-baby", 2),
            large("antepartum", "Antepartum Unit", "mother-baby"),
            large("obstetric-triage", "Obstetric Triage", "labour-delivery", 0.8),
            large("lactation-services", "Lactation Services", "mother-baby", 0.4),
        ),
        department(
            "neonatology",
            unit("nicu", "NICU", "neonatal-intensive-care", 2.5),
            large("special-care-nursery", "Special Care Nursery", "neonatal-intensive-care", 1.2),
            large("neonatal-transport", "Neonatal Transport Team", "neonatal-intensive-care", 0.5),
        ),
        department(
            "perioperative",
            unit("operating-rooms", "Paediatric OR & PACU", "operating-rooms", 1.5),
            large("obstetric-or", "Obstetric OR", "operating-rooms", 0.8),
            large("central-sterile", "Central Sterile", "sterile-processing", 0.5),
        ),
        department(
            "radiology",
            unit("imaging-services", "Imaging Services", "imaging"),
            large("paediatric-mri", "Paediatric MRI", "imaging", 0.5),
            large("fetal-imaging", "Fetal Imaging & Ultrasound", "imaging", 0.5),
            name="Paediatric Imaging",
        ),
        department(
            "pharmacy",
            unit("pharmacy", "Pharmacy", "pharmacy", 0.8),
            large("compounding", "Paediatric Compounding", "pharmacy", 0.4),
        ),
        department(
            "environmental-services",
            unit("environmental-services", "Environmental Services", "environmental-services", 1.5),
            large("evs-nights", "Environmental Services Nights", "environmental-services"),
        ),
        department(
            "food-services",
            unit("food-nutrition", "Food & Nutrition", "food", 0.8),
            large("lakeside-cafe", "Lakeside Café", "food", 0.4),
        ),
        department(
            "patient-experience",
            unit("family-relations", "Patient & Family Relations", "patient-experience", 0.8),
            large("interpreter-services", "Interpreter Services", "patient-experience", 0.5),
            large("child-life", "Child Life & Creative Arts Therapy", "patient-experience", 0.6),
            name="Patient & Family Experience",
        ),
        large_department(
            "womens-health",
            large("womens-clinic", "Women's Health Clinic", "clinic"),
            large("gynaecology", "Gynaecologic Surgery Unit", "ward"),
            large("maternal-fetal-medicine", "Maternal-Fetal Medicine", "clinic", 0.6),
            large("breast-health", "Breast Health Centre", "imaging", 0.6),
            large("fertility-centre", "Fertility Centre", "clinic", 0.5),
        ),
        large_department(
            "laboratory",
            large("clinical-laboratory", "Clinical Laboratory", "laboratory"),
            name="Laboratory",
        ),
        large_department(
            "rehabilitation",
            large("paediatric-therapy", "Paediatric Therapy Services", "rehabilitation"),
        ),
        large_department(
            "respiratory-care",
            large("respiratory-therapy", "Paediatric Respiratory Therapy", "respiratory"),
        ),
        large_department(
            "research",
            large("paediatric-research", "Paediatric Clinical Research", "research", 0.6),
            large("perinatal-research", "Perinatal Research", "research", 0.4),
        ),
        large_department(
            "facilities",
            large("facilities-maintenance", "Facilities Maintenance", "facilities"),
            large("security-services", "Security Services", "security", 0.6),
        ),
        large_department(
            "patient-transport", large("patient-transport", "Patient Transport", "transport", 0.6)
        ),
        large_department(
            "nursing-administration",
            large("nursing-office", "Nursing Administration", "nursing-administration", 0.6),
            large("resource-pool", "Nursing Resource Pool", "nursing-administration"),
        ),
        large_department(
            "behavioural-health",
            large(
                "child-adolescent-psychiatry",
                "Child & Adolescent Psychiatry Unit",
                "behavioural-health",
            ),
            large("outpatient-child-psychiatry", "Outpatient Child Psychiatry", "clinic", 0.6),
            name="Child & Adolescent Behavioural Health",
        ),
        large_department(
            "ambulatory-care",
            large("ambulatory-operations", "Ambulatory Operations", "patient-access", 0.5),
            *clinics("Lakeside Paediatrics", "paediatrics", _LAKESIDE_PLACES, "primary-care", 0.8),
            *specialty_clinics(_LAKESIDE_SPECIALTY_CLINICS),
            name="Paediatric Ambulatory Care",
        ),
    ),
)
