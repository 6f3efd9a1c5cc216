"""Who works in each kind of unit at Riverside Health: job families, titles and shifts.

Each unit in `hospital.py` names a staffing profile from `PROFILES`. A profile says who
manages the unit and which jobs its staff hold, with relative weights, so that a ward is
mostly registered nurses and technicians and an imaging unit mostly technologists. Titles
are the ones US hospitals post jobs under; spelling follows the rest of Staffroom.
"""

from __future__ import annotations

from dataclasses import dataclass

from staffroom.accounts.models import ShiftPattern

NURSING = "nursing"
PHYSICIANS = "physicians"
ALLIED_HEALTH = "allied-health"
SUPPORT_SERVICES = "support-services"
ADMINISTRATION = "administration"
LEADERSHIP = "leadership"
TECHNOLOGY = "technology"

JOB_FAMILIES: tuple[tuple[str, str], ...] = (
    (NURSING, "Nursing"),
    (PHYSICIANS, "Physicians & advanced practice"),
    (ALLIED_HEALTH, "Allied health"),
    (SUPPORT_SERVICES, "Support services"),
    (ADMINISTRATION, "Administration"),
    (LEADERSHIP, "Leadership"),
    (TECHNOLOGY, "Technology"),
)

# How the people in a kind of job are spread over shift patterns (relative weights).
SHIFT_MIXES: dict[str, tuple[tuple[ShiftPattern, int], ...]] = {
    # Inpatient care runs around the clock: 12-hour days and nights, some rotating.
    "ward": ((ShiftPattern.DAYS, 45), (ShiftPattern.NIGHTS, 38), (ShiftPattern.ROTATING, 17)),
    # Physicians: day service, rotating blocks, and on-call cover.
    "physician": ((ShiftPattern.DAYS, 50), (ShiftPattern.ROTATING, 30), (ShiftPattern.ON_CALL, 20)),
    # Support services and diagnostics cover three shifts, days heaviest.
    "support": ((ShiftPattern.DAYS, 50), (ShiftPattern.NIGHTS, 25), (ShiftPattern.ROTATING, 25)),
    # Clinics, infusion and therapy: daytime, some on office hours.
    "daytime": ((ShiftPattern.DAYS, 75), (ShiftPattern.WEEKDAYS, 25)),
    "office": ((ShiftPattern.WEEKDAYS, 100),),
}


@dataclass(frozen=True)
class Job:
    title: str
    family: str
    weight: float
    shifts: str


@dataclass(frozen=True)
class Profile:
    manager_title: str
    manager_family: str
    manager_shifts: str
    jobs: tuple[Job, ...]


def _profile(manager: tuple[str, str, str], *jobs: tuple[str, str, float, str]) -> Profile:
    return Profile(
        manager_title=manager[0],
        manager_family=manager[1],
        manager_shifts=manager[2],
        jobs=tuple(Job(*job) for job in jobs),
    )


NURSE_MANAGER = ("Nurse Manager", NURSING, "daytime")

PROFILES: dict[str, Profile] = {
    "ward": _profile(
        NURSE_MANAGER,
        ("Registered Nurse", NURSING, 50, "ward"),
        ("Patient Care Technician", NURSING, 18, "ward"),
        ("Charge Nurse", NURSING, 6, "ward"),
        ("Licensed Practical Nurse", NURSING, 5, "ward"),
        ("Health Unit Coordinator", ADMINISTRATION, 5, "ward"),
        ("Case Manager", NURSING, 2, "daytime"),
        ("Social Worker", ALLIED_HEALTH, 1, "daytime"),
        ("Clinical Nurse Specialist", NURSING, 1, "daytime"),
    ),
    "critical-care": _profile(
        NURSE_MANAGER,
        ("Registered Nurse", NURSING, 55, "ward"),
        ("Respiratory Therapist", ALLIED_HEALTH, 10, "ward"),
        ("Patient Care Technician", NURSING, 6, "ward"),
        ("Charge Nurse", NURSING, 6, "ward"),
        ("Intensivist", PHYSICIANS, 4, "physician"),
        ("Acute Care Nurse Practitioner", PHYSICIANS, 3, "physician"),
        ("Health Unit Coordinator", ADMINISTRATION, 3, "ward"),
        ("Critical Care Pharmacist", ALLIED_HEALTH, 1, "daytime"),
    ),
    "emergency": _profile(
        NURSE_MANAGER,
        ("Registered Nurse", NURSING, 40, "ward"),
        ("Emergency Department Technician", NURSING, 14, "ward"),
        ("Emergency Medicine Physician", PHYSICIANS, 10, "physician"),
        ("Patient Access Representative", ADMINISTRATION, 6, "support"),
        ("Charge Nurse", NURSING, 5, "ward"),
        ("Physician Assistant", PHYSICIANS, 5, "physician"),
        ("Paramedic", ALLIED_HEALTH, 3, "ward"),
        ("Social Worker", ALLIED_HEALTH, 1, "daytime"),
    ),
    "operating-rooms": _profile(
        ("Perioperative Services Manager", NURSING, "daytime"),
        ("Perioperative Registered Nurse", NURSING, 30, "daytime"),
        ("Surgical Technologist", ALLIED_HEALTH, 22, "daytime"),
        ("Surgeon", PHYSICIANS, 10, "physician"),
        ("Certified Registered Nurse Anaesthetist", PHYSICIANS, 8, "physician"),
        ("Anaesthesiologist", PHYSICIANS, 7, "physician"),
        ("OR Attendant", SUPPORT_SERVICES, 6, "support"),
        ("Anaesthesia Technician", ALLIED_HEALTH, 5, "daytime"),
        ("Surgical Scheduler", ADMINISTRATION, 2, "office"),
    ),
    "perianaesthesia": _profile(
        NURSE_MANAGER,
        ("Registered Nurse", NURSING, 45, "daytime"),
        ("Patient Care Technician", NURSING, 10, "daytime"),
        ("Charge Nurse", NURSING, 4, "daytime"),
        ("Health Unit Coordinator", ADMINISTRATION, 3, "daytime"),
    ),
    "sterile-processing": _profile(
        ("Sterile Processing Manager", SUPPORT_SERVICES, "daytime"),
        ("Sterile Processing Technician", SUPPORT_SERVICES, 30, "support"),
        ("Lead Sterile Processing Technician", SUPPORT_SERVICES, 4, "support"),
        ("Instrument Coordinator", SUPPORT_SERVICES, 2, "daytime"),
    ),
    "hospitalists": _profile(
        ("Hospitalist Medical Director", PHYSICIANS, "physician"),
        ("Hospitalist", PHYSICIANS, 30, "physician"),
        ("Medical Resident", PHYSICIANS, 20, "physician"),
        ("Nurse Practitioner", PHYSICIANS, 10, "physician"),
        ("Physician Assistant", PHYSICIANS, 8, "physician"),
        ("Clinical Pharmacist", ALLIED_HEALTH, 2, "daytime"),
        ("Medical Staff Coordinator", ADMINISTRATION, 2, "office"),
    ),
    "infusion": _profile(
        NURSE_MANAGER,
        ("Oncology Registered Nurse", NURSING, 30, "daytime"),
        ("Medical Assistant", ALLIED_HEALTH, 8, "daytime"),
        ("Medical Oncologist", PHYSICIANS, 6, "daytime"),
        ("Oncology Nurse Navigator", NURSING, 4, "daytime"),
        ("Patient Access Representative", ADMINISTRATION, 4, "office"),
        ("Oncology Pharmacist", ALLIED_HEALTH, 3, "daytime"),
        ("Social Worker", ALLIED_HEALTH, 2, "daytime"),
    ),
    "radiation-oncology": _profile(
        ("Radiation Oncology Manager", ALLIED_HEALTH, "daytime"),
        ("Radiation Therapist", ALLIED_HEALTH, 20, "daytime"),
        ("Medical Dosimetrist", ALLIED_HEALTH, 5, "daytime"),
        ("Radiation Oncologist", PHYSICIANS, 5, "daytime"),
        ("Medical Physicist", ALLIED_HEALTH, 3, "daytime"),
        ("Registered Nurse", NURSING, 4, "daytime"),
    ),
    "cardiac-procedures": _profile(
        ("Cardiovascular Services Manager", ALLIED_HEALTH, "daytime"),
        ("Cardiovascular Technologist", ALLIED_HEALTH, 15, "daytime"),
        ("Registered Nurse", NURSING, 12, "daytime"),
        ("Echocardiographer", ALLIED_HEALTH, 6, "daytime"),
        ("Interventional Cardiologist", PHYSICIANS, 5, "physician"),
        ("EKG Technician", ALLIED_HEALTH, 5, "support"),
        ("Cardiology Scheduler", ADMINISTRATION, 2, "office"),
    ),
    "imaging": _profile(
        ("Imaging Manager", ALLIED_HEALTH, "daytime"),
        ("Radiologic Technologist", ALLIED_HEALTH, 20, "support"),
        ("CT Technologist", ALLIED_HEALTH, 10, "support"),
        ("MRI Technologist", ALLIED_HEALTH, 8, "support"),
        ("Sonographer", ALLIED_HEALTH, 6, "daytime"),
        ("Radiologist", PHYSICIANS, 6, "physician"),
        ("Imaging Assistant", SUPPORT_SERVICES, 4, "support"),
        ("Imaging Scheduler", ADMINISTRATION, 3, "office"),
        ("Radiology Nurse", NURSING, 2, "daytime"),
    ),
    "laboratory": _profile(
        ("Laboratory Manager", ALLIED_HEALTH, "daytime"),
        ("Medical Laboratory Scientist", ALLIED_HEALTH, 25, "support"),
        ("Phlebotomist", ALLIED_HEALTH, 15, "support"),
        ("Medical Laboratory Technician", ALLIED_HEALTH, 12, "support"),
        ("Laboratory Assistant", SUPPORT_SERVICES, 6, "support"),
        ("Pathologist", PHYSICIANS, 3, "daytime"),
        ("Histotechnologist", ALLIED_HEALTH, 3, "daytime"),
    ),
    "pharmacy": _profile(
        ("Pharmacy Manager", ALLIED_HEALTH, "daytime"),
        ("Pharmacy Technician", ALLIED_HEALTH, 25, "support"),
        ("Pharmacist", ALLIED_HEALTH, 20, "support"),
        ("Clinical Pharmacist", ALLIED_HEALTH, 8, "daytime"),
        ("Pharmacy Buyer", ADMINISTRATION, 2, "office"),
    ),
    "rehabilitation": _profile(
        ("Rehabilitation Manager", ALLIED_HEALTH, "daytime"),
        ("Physical Therapist", ALLIED_HEALTH, 15, "daytime"),
        ("Occupational Therapist", ALLIED_HEALTH, 10, "daytime"),
        ("Physical Therapist Assistant", ALLIED_HEALTH, 6, "daytime"),
        ("Speech-Language Pathologist", ALLIED_HEALTH, 5, "daytime"),
        ("Rehabilitation Aide", SUPPORT_SERVICES, 4, "daytime"),
        ("Certified Occupational Therapy Assistant", ALLIED_HEALTH, 3, "daytime"),
    ),
    "respiratory": _profile(
        ("Respiratory Care Manager", ALLIED_HEALTH, "daytime"),
        ("Respiratory Therapist", ALLIED_HEALTH, 30, "ward"),
        ("Pulmonary Function Technologist", ALLIED_HEALTH, 4, "daytime"),
        ("Respiratory Care Assistant", SUPPORT_SERVICES, 3, "support"),
    ),
    "environmental-services": _profile(
        ("Environmental Services Manager", SUPPORT_SERVICES, "daytime"),
        ("EVS Technician", SUPPORT_SERVICES, 50, "support"),
        ("Floor Care Technician", SUPPORT_SERVICES, 6, "support"),
        ("EVS Lead", SUPPORT_SERVICES, 5, "support"),
        ("Linen Attendant", SUPPORT_SERVICES, 4, "support"),
        ("EVS Supervisor", SUPPORT_SERVICES, 2, "support"),
    ),
    "food": _profile(
        ("Food & Nutrition Services Manager", SUPPORT_SERVICES, "daytime"),
        ("Food Service Worker", SUPPORT_SERVICES, 25, "support"),
        ("Cook", SUPPORT_SERVICES, 12, "support"),
        ("Dietary Aide", SUPPORT_SERVICES, 10, "support"),
        ("Registered Dietitian", ALLIED_HEALTH, 5, "daytime"),
        ("Cashier", SUPPORT_SERVICES, 4, "daytime"),
        ("Diet Technician", ALLIED_HEALTH, 3, "daytime"),
        ("Chef", SUPPORT_SERVICES, 2, "daytime"),
    ),
    "facilities": _profile(
        ("Facilities Manager", SUPPORT_SERVICES, "daytime"),
        ("Maintenance Mechanic", SUPPORT_SERVICES, 12, "support"),
        ("Security Officer", SUPPORT_SERVICES, 10, "support"),
        ("Electrician", SUPPORT_SERVICES, 4, "support"),
        ("HVAC Technician", SUPPORT_SERVICES, 4, "support"),
        ("Plumber", SUPPORT_SERVICES, 3, "support"),
        ("Facilities Coordinator", ADMINISTRATION, 2, "office"),
    ),
    "security": _profile(
        ("Security Manager", SUPPORT_SERVICES, "daytime"),
        ("Security Officer", SUPPORT_SERVICES, 30, "support"),
        ("Security Supervisor", SUPPORT_SERVICES, 3, "support"),
        ("Security Dispatcher", SUPPORT_SERVICES, 2, "support"),
    ),
    "biomedical-engineering": _profile(
        ("Biomedical Engineering Manager", TECHNOLOGY, "office"),
        ("Biomedical Equipment Technician", TECHNOLOGY, 15, "daytime"),
        ("Clinical Engineer", TECHNOLOGY, 3, "office"),
    ),
    "transport": _profile(
        ("Patient Transport Supervisor", SUPPORT_SERVICES, "support"),
        ("Patient Transporter", SUPPORT_SERVICES, 30, "support"),
        ("Transport Dispatcher", SUPPORT_SERVICES, 4, "support"),
        ("Courier", SUPPORT_SERVICES, 3, "daytime"),
    ),
    "information-technology": _profile(
        ("IT Manager", TECHNOLOGY, "office"),
        ("Service Desk Analyst", TECHNOLOGY, 12, "support"),
        ("Clinical Applications Analyst", TECHNOLOGY, 10, "office"),
        ("Desktop Support Technician", TECHNOLOGY, 8, "daytime"),
        ("Systems Administrator", TECHNOLOGY, 6, "office"),
        ("Network Engineer", TECHNOLOGY, 5, "office"),
        ("Software Developer", TECHNOLOGY, 5, "office"),
        ("Information Security Analyst", TECHNOLOGY, 4, "office"),
        ("Data Analyst", TECHNOLOGY, 4, "office"),
        ("IT Project Manager", TECHNOLOGY, 3, "office"),
    ),
    "human-resources": _profile(
        ("HR Manager", ADMINISTRATION, "office"),
        ("HR Business Partner", ADMINISTRATION, 6, "office"),
        ("Recruiter", ADMINISTRATION, 6, "office"),
        ("HR Generalist", ADMINISTRATION, 5, "office"),
        ("HR Coordinator", ADMINISTRATION, 4, "office"),
        ("Payroll Specialist", ADMINISTRATION, 3, "office"),
        ("Benefits Specialist", ADMINISTRATION, 3, "office"),
        ("Learning & Development Specialist", ADMINISTRATION, 3, "office"),
        ("Staff Experience Analyst", ADMINISTRATION, 2, "office"),
    ),
    "employee-health": _profile(
        NURSE_MANAGER,
        ("Employee Health Nurse", NURSING, 8, "daytime"),
        ("Medical Assistant", ALLIED_HEALTH, 2, "daytime"),
        ("Occupational Health Physician", PHYSICIANS, 1, "daytime"),
    ),
    "patient-experience": _profile(
        ("Patient Experience Manager", ADMINISTRATION, "office"),
        ("Patient Experience Specialist", ADMINISTRATION, 6, "office"),
        ("Patient Advocate", ADMINISTRATION, 6, "daytime"),
        ("Spanish Medical Interpreter", ALLIED_HEALTH, 6, "support"),
        ("Guest Services Representative", ADMINISTRATION, 4, "daytime"),
        ("Chaplain", ALLIED_HEALTH, 3, "support"),
        ("Volunteer Coordinator", ADMINISTRATION, 2, "office"),
    ),
    "quality": _profile(
        ("Quality Manager", ADMINISTRATION, "office"),
        ("Quality Improvement Specialist", ADMINISTRATION, 6, "office"),
        ("Infection Preventionist", NURSING, 4, "office"),
        ("Clinical Documentation Specialist", NURSING, 4, "office"),
        ("Patient Safety Specialist", NURSING, 3, "office"),
        ("Quality Data Analyst", TECHNOLOGY, 3, "office"),
        ("Risk Manager", ADMINISTRATION, 2, "office"),
        ("Accreditation Coordinator", ADMINISTRATION, 2, "office"),
    ),
    "nursing-administration": _profile(
        ("Nursing Operations Manager", NURSING, "daytime"),
        ("Float Pool Registered Nurse", NURSING, 20, "ward"),
        ("House Supervisor", NURSING, 6, "ward"),
        ("Nurse Educator", NURSING, 6, "daytime"),
        ("Nursing Staffing Coordinator", ADMINISTRATION, 4, "support"),
        ("Clinical Nurse Specialist", NURSING, 3, "daytime"),
        ("Administrative Assistant", ADMINISTRATION, 2, "office"),
    ),
    "executive-office": _profile(
        ("Chief of Staff", LEADERSHIP, "office"),
        ("Executive Assistant", ADMINISTRATION, 6, "office"),
        ("Administrative Assistant", ADMINISTRATION, 3, "office"),
        ("Strategy Analyst", ADMINISTRATION, 2, "office"),
        ("Project Manager", ADMINISTRATION, 2, "office"),
    ),
    "communications": _profile(
        ("Communications Manager", ADMINISTRATION, "office"),
        ("Communications Specialist", ADMINISTRATION, 6, "office"),
        ("Internal Communications Specialist", ADMINISTRATION, 4, "office"),
        ("Content Writer", ADMINISTRATION, 3, "office"),
        ("Graphic Designer", ADMINISTRATION, 2, "office"),
        ("Video Producer", ADMINISTRATION, 2, "office"),
        ("Web Content Editor", TECHNOLOGY, 2, "office"),
        ("Media Relations Specialist", ADMINISTRATION, 2, "office"),
        ("Marketing Coordinator", ADMINISTRATION, 2, "office"),
    ),
    "compliance": _profile(
        ("Compliance Manager", ADMINISTRATION, "office"),
        ("Compliance Analyst", ADMINISTRATION, 5, "office"),
        ("Privacy Analyst", ADMINISTRATION, 3, "office"),
        ("Compliance Auditor", ADMINISTRATION, 3, "office"),
    ),
    "labour-delivery": _profile(
        NURSE_MANAGER,
        ("Labour & Delivery Registered Nurse", NURSING, 35, "ward"),
        ("Obstetrician", PHYSICIANS, 6, "physician"),
        ("Patient Care Technician", NURSING, 6, "ward"),
        ("Certified Nurse Midwife", PHYSICIANS, 5, "physician"),
        ("Charge Nurse", NURSING, 4, "ward"),
        ("Surgical Technologist", ALLIED_HEALTH, 4, "ward"),
        ("Health Unit Coordinator", ADMINISTRATION, 3, "ward"),
    ),
    "mother-baby": _profile(
        NURSE_MANAGER,
        ("Postpartum Registered Nurse", NURSING, 30, "ward"),
        ("Patient Care Technician", NURSING, 8, "ward"),
        ("Lactation Consultant", NURSING, 4, "daytime"),
        ("Charge Nurse", NURSING, 3, "ward"),
        ("Paediatrician", PHYSICIANS, 2, "physician"),
        ("Health Unit Coordinator", ADMINISTRATION, 2, "ward"),
    ),
    "neonatal-intensive-care": _profile(
        NURSE_MANAGER,
        ("NICU Registered Nurse", NURSING, 40, "ward"),
        ("Neonatal Nurse Practitioner", PHYSICIANS, 6, "physician"),
        ("Respiratory Therapist", ALLIED_HEALTH, 6, "ward"),
        ("Neonatologist", PHYSICIANS, 5, "physician"),
        ("Charge Nurse", NURSING, 4, "ward"),
        ("Health Unit Coordinator", ADMINISTRATION, 2, "ward"),
        ("Developmental Therapist", ALLIED_HEALTH, 1, "daytime"),
    ),
    "paediatric-ward": _profile(
        NURSE_MANAGER,
        ("Paediatric Registered Nurse", NURSING, 40, "ward"),
        ("Patient Care Technician", NURSING, 8, "ward"),
        ("Paediatric Hospitalist", PHYSICIANS, 5, "physician"),
        ("Charge Nurse", NURSING, 4, "ward"),
        ("Child Life Specialist", ALLIED_HEALTH, 3, "daytime"),
        ("Health Unit Coordinator", ADMINISTRATION, 3, "ward"),
        ("Social Worker", ALLIED_HEALTH, 1, "daytime"),
    ),
    "paediatric-intensive-care": _profile(
        NURSE_MANAGER,
        ("PICU Registered Nurse", NURSING, 45, "ward"),
        ("Respiratory Therapist", ALLIED_HEALTH, 8, "ward"),
        ("Paediatric Intensivist", PHYSICIANS, 4, "physician"),
        ("Charge Nurse", NURSING, 4, "ward"),
        ("Paediatric Nurse Practitioner", PHYSICIANS, 3, "physician"),
        ("Health Unit Coordinator", ADMINISTRATION, 2, "ward"),
    ),
    "paediatric-emergency": _profile(
        NURSE_MANAGER,
        ("Registered Nurse", NURSING, 35, "ward"),
        ("Emergency Department Technician", NURSING, 10, "ward"),
        ("Paediatric Emergency Physician", PHYSICIANS, 8, "physician"),
        ("Patient Access Representative", ADMINISTRATION, 5, "support"),
        ("Charge Nurse", NURSING, 4, "ward"),
        ("Child Life Specialist", ALLIED_HEALTH, 2, "daytime"),
    ),
    "behavioural-health": _profile(
        NURSE_MANAGER,
        ("Psychiatric Registered Nurse", NURSING, 25, "ward"),
        ("Mental Health Technician", NURSING, 15, "ward"),
        ("Licensed Clinical Social Worker", ALLIED_HEALTH, 4, "daytime"),
        ("Psychiatrist", PHYSICIANS, 4, "physician"),
        ("Charge Nurse", NURSING, 3, "ward"),
        ("Recreational Therapist", ALLIED_HEALTH, 2, "daytime"),
    ),
    "clinic": _profile(
        ("Practice Manager", ADMINISTRATION, "office"),
        ("Medical Assistant", ALLIED_HEALTH, 20, "daytime"),
        ("Staff Physician", PHYSICIANS, 8, "daytime"),
        ("Registered Nurse", NURSING, 8, "daytime"),
        ("Patient Access Representative", ADMINISTRATION, 8, "office"),
        ("Nurse Practitioner", PHYSICIANS, 4, "daytime"),
        ("Licensed Practical Nurse", NURSING, 4, "daytime"),
        ("Referral Coordinator", ADMINISTRATION, 2, "office"),
    ),
    "primary-care": _profile(
        ("Practice Manager", ADMINISTRATION, "office"),
        ("Medical Assistant", ALLIED_HEALTH, 20, "daytime"),
        ("Family Medicine Physician", PHYSICIANS, 8, "daytime"),
        ("Patient Access Representative", ADMINISTRATION, 8, "office"),
        ("Registered Nurse", NURSING, 6, "daytime"),
        ("Nurse Practitioner", PHYSICIANS, 5, "daytime"),
        ("Licensed Practical Nurse", NURSING, 4, "daytime"),
        ("Care Coordinator", NURSING, 2, "office"),
    ),
    "patient-access": _profile(
        ("Patient Access Manager", ADMINISTRATION, "office"),
        ("Patient Access Representative", ADMINISTRATION, 25, "support"),
        ("Registration Specialist", ADMINISTRATION, 8, "support"),
        ("Scheduler", ADMINISTRATION, 8, "office"),
        ("Financial Counsellor", ADMINISTRATION, 4, "office"),
        ("Insurance Verification Specialist", ADMINISTRATION, 4, "office"),
    ),
    "health-information": _profile(
        ("Health Information Management Manager", ADMINISTRATION, "office"),
        ("Medical Coder", ADMINISTRATION, 12, "office"),
        ("Health Information Specialist", ADMINISTRATION, 6, "office"),
        ("Release of Information Specialist", ADMINISTRATION, 3, "office"),
    ),
    "supply-chain": _profile(
        ("Supply Chain Manager", SUPPORT_SERVICES, "daytime"),
        ("Supply Chain Technician", SUPPORT_SERVICES, 12, "support"),
        ("Materials Handler", SUPPORT_SERVICES, 10, "support"),
        ("Buyer", ADMINISTRATION, 4, "office"),
        ("Inventory Analyst", ADMINISTRATION, 2, "office"),
    ),
    "finance": _profile(
        ("Finance Manager", ADMINISTRATION, "office"),
        ("Billing Specialist", ADMINISTRATION, 10, "office"),
        ("Financial Analyst", ADMINISTRATION, 6, "office"),
        ("Accountant", ADMINISTRATION, 5, "office"),
        ("Accounts Payable Specialist", ADMINISTRATION, 4, "office"),
        ("Revenue Cycle Analyst", ADMINISTRATION, 4, "office"),
    ),
    "research": _profile(
        ("Research Operations Manager", ADMINISTRATION, "office"),
        ("Clinical Research Coordinator", ADMINISTRATION, 10, "office"),
        ("Research Nurse", NURSING, 5, "daytime"),
        ("Regulatory Specialist", ADMINISTRATION, 2, "office"),
        ("Research Data Manager", TECHNOLOGY, 2, "office"),
    ),
}
