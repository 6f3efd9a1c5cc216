"""Riverside 2030, the demo's strategic plan: its pillars and initiatives, in words."""

from __future__ import annotations

from staffroom.demo.content.specs import InitiativeText, Said

PLAN_SLUG = "riverside-2030"
PLAN_TITLE = "Riverside 2030"
PLAN_SUMMARY = (
    "Our plan for the next five years: safe and kind care, a great place to work, healthier "
    "communities and a sustainable future."
)
PLAN_BODY = """\
Riverside 2030 is the plan that every part of Riverside Health is working to, from the
emergency department to the laundry. It was written over eight months with more than 1,400
members of staff, our patient partners and our neighbours, and it fits on one page.

**Why a new plan now?** Demand for our services has grown faster than our workforce. Too many
of you tell us that you go home worried about the care you couldn't give. Our neighbourhoods in
Millbrook and Eastgate have the shortest lives in the county. And our buildings use more energy
than any other public buildings in the city. We can't fix all of this at once, but we can
decide together what comes first.

**How it works.** Each of the four pillars has a small number of initiatives. Every
initiative has an owner on the executive team or among our directors, a goal you can check, and
a status we update in the open. Tell us on each initiative whether you understand it and
whether you support it: we read every answer, and the results by department shape what we do
next.
"""
PLAN_STARTS = "2025-07-01"
PLAN_ENDS = "2030-06-30"

PILLARS: tuple[tuple[str, str], ...] = (
    (
        "Safe and kind care",
        "No avoidable harm, and care that feels kind to the people receiving it.",
    ),
    (
        "A great place to work",
        "Enough of us on every shift, safe at work, and a career worth staying for.",
    ),
    (
        "Healthier communities",
        "Care closer to home, in the languages our neighbours speak.",
    ),
    (
        "Sustainable future",
        "Less waste, less carbon and money spent where it matters to patients.",
    ),
)

INITIATIVES: tuple[InitiativeText, ...] = (
    InitiativeText(
        slug="zero-harm-from-falls",
        pillar=0,
        owner="cno",
        title="Zero harm from falls",
        summary="Halve the number of inpatient falls that cause harm, ward by ward.",
        goal="Falls with harm down from 3.1 to 1.5 per 1,000 patient days by December 2027.",
        body="""\
Falls are the most common harm our inpatients suffer, and most of them happen on the way to
the bathroom at night. This initiative gives every medical and surgical ward the same simple
bundle: a falls risk check on admission and after any change, bed alarms where they help,
non-slip socks, and **purposeful rounding** every hour overnight.

Each ward gets its own falls dashboard, updated daily, and a falls champion with protected
time. 4 West and 5 East started first.""",
        status="on_track",
        target="2027-12-31",
        understanding=4.3,
        support=4.4,
        answered=0.7,
        said=(
            Said(
                "nurse",
                days_after=50,
                body=(
                    "The hourly rounding works when we're fully staffed. On nights with two "
                    "nurses short it's the first thing that slips. Can the dashboard show "
                    "staffing next to the falls figures?"
                ),
                replies=(
                    Said(
                        "cno",
                        "Yes — good idea, @{nurse}. We'll add filled shifts to the ward "
                        "dashboard from next month so we can see the two together.",
                        days_after=1.0,
                    ),
                ),
            ),
        ),
        talk=12,
    ),
    InitiativeText(
        slug="sepsis-within-the-hour",
        pillar=0,
        owner="cmo",
        title="Sepsis within the hour",
        summary="Antibiotics within an hour of recognising sepsis, in every department.",
        goal="90% of patients with suspected sepsis receive antibiotics within 60 minutes.",
        body="""\
Every hour's delay in treating sepsis raises the risk of death. Today 71% of our patients get
antibiotics within the hour; the best hospitals reach 90%. The sepsis screening tool is now
built into the nursing assessment, and a pharmacist-led **sepsis box** sits on every ward.""",
        status="on_track",
        target="2026-12-31",
        understanding=4.0,
        support=4.5,
        answered=0.55,
        talk=7,
    ),
    InitiativeText(
        slug="closed-loop-medication",
        pillar=0,
        owner="director:rgh-pharmacy",
        title="Closed-loop medication administration",
        summary="Scan the patient, scan the medicine, every time.",
        goal="Barcode scanning for 98% of doses given on inpatient wards by June 2027.",
        body="""\
Barcode scanning at the bedside catches the wrong dose, the wrong drug and the wrong patient
before they reach anyone. We are replacing the old handheld scanners, fixing the labels that
won't scan and putting a pharmacy technician on each floor during the changeover.

The scanner roll-out is behind: the supplier delivered half of the devices we ordered.""",
        status="at_risk",
        target="2027-06-30",
        understanding=3.9,
        support=3.8,
        answered=0.5,
        talk=8,
    ),
    InitiativeText(
        slug="safe-staffing-self-scheduling",
        pillar=1,
        owner="cno",
        title="Safe staffing and self-scheduling",
        summary="Enough nurses on every shift, and rotas you can plan your life around.",
        goal="Vacancy rate for registered nurses under 6%, and rotas published six weeks ahead.",
        body="""\
We asked, and staffing came first in every department. This initiative funds 84 new
registered nurse posts, a bigger internal float pool (so fewer agency shifts), and
**self-scheduling**: you choose your shifts within the ward's needs, and the rota is
published six weeks ahead instead of two.""",
        status="at_risk",
        target="2027-03-31",
        understanding=4.2,
        support=4.6,
        answered=0.75,
        talk=16,
    ),
    InitiativeText(
        slug="new-rostering-system",
        pillar=1,
        owner="cio",
        title="One rostering system for every site",
        summary="Replace three rostering systems with one, on the phone in your pocket.",
        goal="Every department rostered in the new system by September 2026.",
        body="""\
Today Riverside General, Northgate and Lakeside each roster in a different system, and shift
swaps still happen on paper at Northgate. The new system shows your rota and open shifts on
your phone and lets you swap with a colleague in two taps, with your manager approving.""",
        status="on_track",
        target="2026-09-30",
        understanding=4.1,
        support=3.1,
        answered=0.6,
        said=(
            Said(
                "staff",
                "Another system to learn. The last change took a year to settle. What's "
                "different this time?",
                replies=(
                    Said(
                        "cio",
                        "Fair question. This time each ward has a super-user trained two "
                        "months before go-live, and we won't switch a site off until its own "
                        "staff tell us they're ready.",
                        days_after=0.8,
                    ),
                ),
            ),
        ),
        talk=10,
    ),
    InitiativeText(
        slug="career-ladders-support-staff",
        pillar=1,
        owner="cpo",
        title="Career ladders for support staff",
        summary="Paid training and clear next steps for EVS, food services, transport and more.",
        goal="200 support staff on a funded apprenticeship or career ladder by 2028.",
        body="""\
Support staff are a third of our workforce and the group least likely to say they can grow
here. We will fund apprenticeships into patient care technician, pharmacy technician and
sterile processing roles, with study time on the rota and **classes in Spanish and English**.""",
        status="planned",
        target="2028-06-30",
        understanding=3.2,
        support=4.5,
        answered=0.45,
        said=(
            Said(
                "evs",
                "Me interesa mucho el programa de técnico de farmacia. ¿Las clases serán en "
                "horario de noche también? Trabajo el turno de noche.",
                replies=(
                    Said(
                        "director:rgh-human-resources",
                        "¡Gracias, Rosa! Sí: habrá un grupo por la tarde y otro en línea, "
                        "pensado para el turno de noche. Publicaremos las fechas en marzo.",
                        days_after=1.2,
                    ),
                ),
            ),
        ),
        talk=8,
    ),
    InitiativeText(
        slug="violence-free-workplace",
        pillar=1,
        owner="coo",
        title="A workplace free from violence",
        summary="Fewer assaults on staff, and real support when one happens.",
        goal=(
            "Assaults on staff down by a third by 2027; every incident followed up within 24 hours."
        ),
        body="""\
Last year 312 members of staff reported being assaulted at work, most of them in the emergency
department and on the wards at night. We are adding security officers to the ED around the
clock, personal alarms for everyone who wants one, de-escalation training, and a follow-up
call from a manager within a day of any report.""",
        status="on_track",
        target="2027-12-31",
        understanding=4.4,
        support=4.7,
        answered=0.65,
        talk=9,
    ),
    InitiativeText(
        slug="neighbourhood-clinics",
        pillar=2,
        owner="coo",
        title="Neighbourhood clinics in Millbrook and Eastgate",
        summary="Two community clinics where our neighbours' health is poorest.",
        goal="Two clinics open by 2027, seeing 12,000 patients a year between them.",
        body="""\
People in Millbrook and Eastgate live eleven years less, on average, than people five miles
away. Two clinics in former shop units will offer primary care, diabetes and maternity
check-ups in the evenings and on Saturdays, staffed partly by teams from Riverside General.""",
        status="planned",
        target="2027-10-31",
        understanding=2.8,
        support=3.9,
        answered=0.35,
        talk=5,
    ),
    InitiativeText(
        slug="language-access",
        pillar=2,
        owner="director:rgh-patient-experience",
        title="Language access for every patient",
        summary="An interpreter within minutes, at every bedside, in 40 languages.",
        goal=(
            "Video interpreting on every unit, and 95% of Spanish-speaking patients served in "
            "Spanish."
        ),
        body="""\
One patient in five at Riverside General prefers to speak Spanish. Every unit will have a
video interpreting tablet, our in-house Spanish interpreters will cover nights, and bilingual
staff can qualify (and be paid) as **dual-role interpreters**.""",
        status="on_track",
        target="2026-12-31",
        understanding=3.8,
        support=4.4,
        answered=0.5,
        talk=7,
    ),
    InitiativeText(
        slug="greener-operating-rooms",
        pillar=3,
        owner="director:rgh-perioperative",
        title="Greener operating rooms",
        summary="Cut the carbon of surgery without cutting corners.",
        goal="Anaesthetic gas emissions down 60% and reusable gowns in every OR by 2027.",
        body="""\
Operating rooms produce a third of the hospital's waste and most of its anaesthetic gas
emissions. We have already stopped using desflurane. Next: reusable gowns and drapes, turning
air handling down in empty theatres overnight, and recycling single-use instruments.""",
        status="on_track",
        target="2027-06-30",
        understanding=3.5,
        support=4.0,
        answered=0.45,
        talk=6,
    ),
    InitiativeText(
        slug="cutting-waste",
        pillar=3,
        owner="cfo",
        title="Cutting waste in supplies and energy",
        summary="Spend less on things patients never see, and more on the things they do.",
        goal=(
            "$9 million a year saved on supplies and energy by 2028, reinvested in frontline posts."
        ),
        body="""\
We spend $41 million a year on supplies, and we throw away about a tenth of it unopened. A
single catalogue across the three hospitals, smarter stock rooms on the wards, and LED lighting
and heating controls in the older buildings should save $9 million a year, which goes to the
new nursing posts.""",
        status="off_track",
        target="2028-06-30",
        understanding=2.9,
        support=3.4,
        answered=0.35,
        talk=5,
    ),
)
