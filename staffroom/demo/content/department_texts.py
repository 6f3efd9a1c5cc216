"""Posts in department and topic channels: what each department tells its own story with.

"director" is the department's director and "deputy" a member of its staff who edits the
channel with them (the build names both channel editors).
"""

from __future__ import annotations

from staffroom.demo.content.images import Illustration as Pic
from staffroom.demo.content.specs import Audience, PostText, Said

RGH = "rgh"
NURSING = "nursing"

WELLBEING = "wellbeing"
NURSING_COUNCIL = "nursing-practice-council"

# Topic channels: slug, name, description, and who edits them besides communications.
TOPIC_CHANNELS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        WELLBEING,
        "Wellbeing",
        "Looking after ourselves and each other: support, rest, and what's on.",
        ("comms", "director:rgh-human-resources"),
    ),
    (
        NURSING_COUNCIL,
        "Nursing Practice Council",
        "Shared governance for nursing: practice changes, evidence and council decisions.",
        ("cno", "director:rgh-nursing-administration", "editor"),
    ),
)

ED = "rgh-emergency"
MED = "rgh-medicine"
EVS = "rgh-environmental-services"

DEPARTMENT_POSTS: tuple[PostText, ...] = (
    # Emergency Medicine, Riverside General: Marcus Bell (the demo "editor") edits it.
    PostText(
        key="ed-new-triage-area",
        channel=ED,
        by="editor",
        title="The new triage area opens on Monday",
        summary="Four triage bays instead of two, and a waiting area you can see from the desk.",
        body="""\
After nine months of building work, the new triage area opens on **Monday at 7 a.m.** Four
bays instead of two means a patient should see a triage nurse within ten minutes of arriving,
even on a Monday evening.

Walk-through sessions run on Friday at 10:00, 14:00 and 20:00. Please come to one before your
next shift: the resus trolley and the sepsis box have moved.""",
        days_ago=20,
        tags=("safety",),
        images=(Pic("ED", "teal and navy", "blocks"),),
        said=(
            Said(
                "colleague",
                "The walk-through was really useful. Could we get a laminated map of the new "
                "layout for agency staff?",
                replies=(
                    Said("editor", "Printed and up by the desk this afternoon.", days_after=0.3),
                ),
            ),
        ),
        talk=9,
        reach=0.8,
    ),
    PostText(
        key="ed-security-pilot",
        channel=ED,
        by="director",
        title="Security officers in the ED around the clock",
        summary="The weekend pilot becomes permanent from 1 December.",
        body="""\
The weekend security pilot is now permanent: two officers in the department **24 hours a day**
from 1 December. Incidents on weekend nights fell by 40% during the pilot.

Personal alarms are in the charge nurse's office. Please take one — they work anywhere in the
building, and the officers can find you in under a minute.""",
        days_ago=15,
        tags=("safety", "riverside-2030"),
        initiative="violence-free-workplace",
        images=(Pic("ED", "gold and charcoal", "circles", variant=2),),
        talk=10,
        reach=0.75,
    ),
    PostText(
        key="ed-thank-you-night-team",
        channel=ED,
        by="editor",
        title="Thank you, night team",
        summary="Saturday night: 96 patients, two traumas and a power cut. Not one complaint.",
        body="""\
Saturday night brought 96 patients, two major traumas and a 40-minute power cut on the
generator. The night team kept every patient safe and still found time to make tea for a
frightened family in bay 12.

This is what *safe and kind care* looks like. Thank you.""",
        days_ago=6,
        tags=("recognition",),
        images=(Pic("ED", "lavender and indigo", "waves"),),
        talk=13,
        reach=0.6,
    ),
    PostText(
        key="ed-sepsis-box",
        channel=ED,
        by="editor",
        title="Sepsis boxes: where they are and what's inside",
        summary="Everything for the first hour of sepsis treatment, in one sealed box.",
        body="""\
Sepsis boxes are now in resus, majors and the new triage area. Each holds blood culture bottles,
two first-line antibiotics, fluids and a checklist, sealed with a tag so you know it's full.

Pharmacy restocks them within two hours of a tag being broken: call extension 4410.""",
        days_ago=33,
        tags=("safety", "riverside-2030"),
        initiative="sepsis-within-the-hour",
        images=(Pic("SEP", "coral and plum", "blocks"),),
        talk=5,
        reach=0.7,
    ),
    # Medicine, Riverside General: 4 West, where the demo nurse and her manager work.
    PostText(
        key="4w-falls-champions",
        channel=MED,
        by="manager",
        title="Meet 4 West's falls champions",
        summary="Two nurses and a patient care technician leading the falls bundle on our ward.",
        body="""\
4 West is one of the first two wards on the falls bundle, and three colleagues are leading it:
our falls champions. They have protected time each week to review every fall, coach the team
and update the board in the staff room.

Please say hello, and take your falls questions to them first.""",
        days_ago=44,
        tags=("safety", "riverside-2030"),
        initiative="zero-harm-from-falls",
        images=(Pic("4W", "coral and plum", "circles", variant=1),),
        said=(
            Said(
                "colleague",
                "Can we get a champion on nights too? Most of our falls are between 2 and 5 a.m.",
                replies=(
                    Said(
                        "manager",
                        "Yes — @{nurse} has offered to cover nights once a week. Thank you, "
                        "Jasmine!",
                        days_after=0.4,
                    ),
                    Said(
                        "nurse", "Happy to. First session next Tuesday at 3 a.m. ☕", days_after=0.6
                    ),
                ),
            ),
        ),
        talk=10,
        reach=0.85,
    ),
    PostText(
        key="4w-self-scheduling",
        channel=MED,
        by="manager",
        title="Self-scheduling on 4 West: how the January rota works",
        summary="Pick your shifts by the 10th; the rota is published six weeks ahead.",
        body="""\
From January, 4 West rosters itself. Here is how it works:

1. The open rota goes up on the 1st of each month, showing how many of each role every shift needs.
2. You choose your shifts by the **10th**. Nights and weekends are shared fairly.
3. The charge nurses balance what's left, and the rota is published by the 15th — six weeks ahead.

Questions in the comments, or catch me on the ward.""",
        days_ago=30,
        tags=("staffing", "riverside-2030"),
        initiative="safe-staffing-self-scheduling",
        images=(Pic("4W", "sky blue and white", "blocks"),),
        said=(
            Said(
                "colleague",
                "What happens if everyone wants Christmas Day off?",
                replies=(
                    Said(
                        "manager",
                        "Bank holidays rotate year to year, so if you worked Christmas last "
                        "year you get first choice this year.",
                        days_after=0.3,
                    ),
                    Said(
                        "colleague",
                        "That seems fair. Will the rotation be written down somewhere?",
                        days_after=0.5,
                    ),
                ),
            ),
        ),
        talk=12,
        reach=0.8,
    ),
    PostText(
        key="4w-new-bladder-scanner",
        channel=MED,
        by="manager",
        title="A new bladder scanner for 4 West",
        summary="Bought with the money from the autumn bake sale. Thank you, everyone.",
        body="""\
The bake sale raised $1,860, and with a top-up from the Riverside Health Foundation we have
bought a second bladder scanner. It lives in the clean utility room, charging.

Training sessions with the clinical nurse specialist are on Wednesday at 14:00.""",
        days_ago=9,
        tags=("recognition",),
        images=(Pic("4W", "mint and forest green", "waves"),),
        talk=7,
        reach=0.7,
    ),
    PostText(
        key="med-hospitalist-handover",
        channel=MED,
        by="director",
        title="Hospitalist handover moves to 8:00",
        summary="A shorter, earlier handover so ward rounds start before 9.",
        body="""\
From next Monday the morning hospitalist handover starts at **8:00** in the Hospital Medicine
office, and it will be kept to 20 minutes. Ward rounds on 4 West and 5 East should start by
8:45, which means earlier discharges and fewer patients waiting in the ED for a bed.""",
        days_ago=23,
        tags=(),
        images=(Pic("HM", "ocean blue and aqua", "circles"),),
        talk=5,
        reach=0.6,
    ),
    # Environmental Services, Riverside General: bilingual, as the team is.
    PostText(
        key="evs-uv-robots",
        channel=EVS,
        by="director",
        title="UV disinfection robots arrive / Llegan los robots de desinfección UV",
        summary="Two UV robots for isolation rooms, and training on every shift.",
        body="""\
Two UV disinfection robots arrive this week for isolation rooms and the operating rooms. They
finish a room in 12 minutes after a normal clean. Training runs on all three shifts.

Esta semana llegan dos robots de desinfección UV para las habitaciones de aislamiento y los
quirófanos. Desinfectan una habitación en 12 minutos después de la limpieza normal. Habrá
capacitación en los tres turnos.""",
        days_ago=25,
        tags=("safety",),
        images=(Pic("EVS", "sage and cream", "blocks"),),
        said=(
            Said(
                "evs",
                "¿La capacitación del turno de noche será a las 23:00 o a las 3:00?",
                replies=(
                    Said(
                        "deputy",
                        "A las 23:30, en la sala de descanso. ¡Te esperamos!",
                        days_after=0.3,
                    ),
                ),
            ),
        ),
        talk=8,
        reach=0.85,
    ),
    PostText(
        key="evs-night-team-recognition",
        channel=EVS,
        by="deputy",
        title="Night team: 41 discharge cleans in one night",
        summary="A record night, and the ED had beds by 6 a.m. Thank you.",
        body="""\
On Tuesday night our night team turned around **41 rooms** after discharge, a record. Because
of them the ED had beds for every admitted patient by 6 a.m.

El martes por la noche nuestro equipo limpió 41 habitaciones. ¡Gracias a todos!""",
        days_ago=10,
        tags=("recognition",),
        images=(Pic("EVS", "mint and forest green", "circles", variant=3),),
        said=(
            Said(
                "evs",
                "¡Gracias! Fue una noche muy larga pero trabajamos muy bien en equipo.",
                replies=(
                    Said(
                        "editor",
                        "From the ED: thank you! We noticed — first morning in weeks with no "
                        "one waiting for a bed.",
                        days_after=0.4,
                    ),
                ),
            ),
        ),
        talk=11,
        reach=0.8,
    ),
    PostText(
        key="evs-rota-december",
        channel=EVS,
        by="deputy",
        title="December rota and holiday requests / Turnos de diciembre",
        summary="For Environmental Services staff: holiday requests by 15 November.",
        body="""\
Please send December holiday requests to your supervisor by **15 November**. The rota goes up
on the board and here on the 20th.

Envíen sus solicitudes de vacaciones de diciembre a su supervisor antes del 15 de noviembre.""",
        days_ago=18,
        audience=Audience(departments=(EVS,)),
        images=(Pic("EVS", "rose and grey", "waves"),),
        talk=4,
        reach=0.7,
    ),
    # Pharmacy, Riverside General.
    PostText(
        key="pharmacy-scanners",
        channel="rgh-pharmacy",
        by="director",
        title="Barcode scanners: where the roll-out stands",
        summary="Half the new scanners have arrived. Which wards get them first, and why.",
        body="""\
Our supplier has delivered 120 of the 240 bedside scanners we ordered. The first go to the
wards with the most doses a day: the Adult ICU, 4 West, 5 East and the Oncology Infusion Centre.

This puts **Closed-loop medication administration** at risk; we will update here when the rest
arrive. Meanwhile, please report labels that won't scan with the blue form on each med room
door.""",
        days_ago=16,
        tags=("safety", "riverside-2030"),
        initiative="closed-loop-medication",
        images=(Pic("RX", "lavender and indigo", "blocks"),),
        talk=8,
        reach=0.6,
    ),
    PostText(
        key="pharmacy-tech-of-the-year",
        channel="rgh-pharmacy",
        by="deputy",
        title="Our pharmacy technician of the year",
        summary="Nominated by eleven colleagues from four departments.",
        body="""\
This year's pharmacy technician of the year was nominated by eleven colleagues from four
departments — a record. The nominations mention the same things again and again: calm on the
busiest days, and the first to help a new starter.

Cake in the pharmacy office on Friday at 15:00.""",
        days_ago=38,
        tags=("recognition",),
        images=(Pic("RX", "gold and charcoal", "circles"),),
        talk=9,
        reach=0.7,
    ),
    # Radiology.
    PostText(
        key="imaging-new-mri",
        channel="rgh-radiology",
        by="director",
        title="The new MRI scanner is scanning",
        summary="Quieter, faster and wide enough for patients who couldn't fit before.",
        body="""\
The new 3T MRI scanner saw its first patients on Tuesday. Scans are about a third faster, it's
much quieter, and the wider bore means we can now scan patients we used to send to another
hospital.

Outpatient waiting times for MRI should fall from six weeks to three by the spring.""",
        days_ago=29,
        tags=("community",),
        images=(Pic("MRI", "ocean blue and aqua", "waves"),),
        talk=7,
        reach=0.6,
    ),
    PostText(
        key="imaging-contrast-safety",
        channel="rgh-radiology",
        by="deputy",
        title="Contrast safety checklist: one version for everyone",
        summary="The ED, the wards and Imaging now use the same contrast checklist.",
        body="""\
There used to be three versions of the contrast safety checklist. From today there is one, built
into the order, so the kidney function and allergy questions are answered before the patient
leaves the ward.""",
        days_ago=7,
        tags=("safety",),
        images=(),
        talk=4,
        reach=0.5,
    ),
    # Laboratory Medicine: the public post.
    PostText(
        key="lab-week",
        channel="rgh-laboratory",
        by="director",
        title="Lab week: meet the people behind your results",
        summary=(
            "Seventy percent of medical decisions depend on a lab result. Meet the team that "
            "produces them."
        ),
        body="""\
Most people who work in the hospital have never been inside the laboratory, yet around seventy
percent of medical decisions depend on a result from it. This week our scientists, technicians
and phlebotomists open the doors.

- **Tours** every day at 12:30 from the lab reception, level B1.
- **Ask a scientist** stand in the main atrium on Thursday.
- Our phlebotomy team drew **212,000** blood samples last year — a fifth of them before 7 a.m.

Feel free to share this post: we are proud of our team, and we are hiring.""",
        days_ago=19,
        public=True,
        tags=("recognition", "careers"),
        images=(
            Pic("LAB", "amber and brown", "circles"),
            Pic("LAB", "sky blue and white", "blocks", 1),
        ),
        talk=9,
        reach=0.55,
    ),
    PostText(
        key="lab-phlebotomy-rounds",
        channel="rgh-laboratory",
        by="deputy",
        title="Earlier phlebotomy rounds on the wards",
        summary="Morning bloods drawn by 6:30, so results are ready for the ward round.",
        body="""\
From next week the morning phlebotomy round starts at **5:00** on medical and surgical wards,
so results are back before ward rounds. Please make sure morning blood orders are in by 4:00.""",
        days_ago=40,
        images=(Pic("LAB", "rose and grey", "waves"),),
        talk=6,
        reach=0.5,
    ),
    # Critical Care.
    PostText(
        key="icu-diaries",
        channel="rgh-critical-care",
        by="director",
        title="ICU diaries: helping patients remember",
        summary="A notebook by every bed, written by staff and families.",
        body="""\
Many patients who survive intensive care have no memory of it, and some have nightmares for
months. From this week every bed in the Adult ICU has a diary where nurses, doctors and
families write a few lines each day, in plain words.

Patients get the diary when they leave. Research says it halves post-ICU distress.""",
        days_ago=26,
        tags=("wellbeing",),
        images=(Pic("ICU", "lavender and indigo", "circles"),),
        talk=8,
        reach=0.7,
    ),
    PostText(
        key="icu-self-scheduling-pilot",
        channel="rgh-critical-care",
        by="director",
        title="Adult ICU joins the self-scheduling pilot",
        summary="Our first self-scheduled rota starts in February.",
        body="""\
The Adult ICU is the second unit in the self-scheduling pilot. The first open rota goes up on
1 January for February. Critical care needs more skill mix rules than a ward, so the charge
nurses will check each shift has enough experienced nurses.""",
        days_ago=13,
        tags=("staffing", "riverside-2030"),
        initiative="safe-staffing-self-scheduling",
        images=(),
        talk=6,
        reach=0.6,
    ),
    # Perioperative.
    PostText(
        key="or-reusable-gowns",
        channel="rgh-perioperative",
        by="director",
        title="Reusable gowns in the Main OR",
        summary="Two theatres switch to reusable gowns and drapes this month.",
        body="""\
Theatres 3 and 4 switch to reusable gowns and drapes this month. They are laundered and
sterilised here in Central Sterile, and they save about 800 kg of waste a month per theatre.

Tell us how they feel to work in: there is a short survey on the board outside the changing
rooms.""",
        days_ago=21,
        tags=("sustainability", "riverside-2030"),
        initiative="greener-operating-rooms",
        images=(Pic("OR", "mint and forest green", "blocks"),),
        talk=7,
        reach=0.6,
    ),
    PostText(
        key="or-central-sterile-thanks",
        channel="rgh-perioperative",
        by="deputy",
        title="Central Sterile: the team behind every operation",
        summary="11,000 instrument trays a month, and never a theatre cancelled for want of one.",
        body="""\
Central Sterile processes around 11,000 instrument trays a month. Last month not a single
operation was delayed for lack of a tray. Thank you to every technician on every shift.""",
        days_ago=5,
        tags=("recognition",),
        images=(Pic("CS", "sky blue and white", "circles", 2),),
        talk=6,
        reach=0.45,
    ),
    # Oncology.
    PostText(
        key="onc-infusion-chairs",
        channel="rgh-oncology",
        by="director",
        title="Eight new infusion chairs, and evening appointments",
        summary="The Infusion Centre opens until 20:00 on Tuesdays and Thursdays.",
        body="""\
With eight new chairs, the Oncology Infusion Centre now opens until **20:00** on Tuesdays and
Thursdays. Patients who work can have treatment without taking a day off.""",
        days_ago=31,
        tags=("community",),
        images=(Pic("ONC", "rose and grey", "circles"),),
        talk=6,
        reach=0.6,
    ),
    PostText(
        key="onc-wig-library",
        channel="rgh-oncology",
        by="deputy",
        title="The wig library is open",
        summary="Free wigs, scarves and hats for patients, donated and fitted by volunteers.",
        body="""\
Our volunteers have opened a wig library next to the Infusion Centre: free wigs, scarves and
hats for any patient, fitted in a private room. Please tell your patients about it.""",
        days_ago=3,
        tags=("community",),
        images=(Pic("ONC", "coral and plum", "waves", 1),),
        talk=5,
        reach=0.3,
    ),
    # Food & Nutrition.
    PostText(
        key="food-night-menu",
        channel="rgh-food-services",
        by="director",
        title="Hot food for the night shift",
        summary="The café opens 1:00 to 3:00 for night staff, from Monday.",
        body="""\
You asked, we listened: from Monday the main café opens from **1:00 to 3:00** for night staff,
with two hot meals, soup and salads. Staff prices as usual.""",
        days_ago=14,
        tags=("wellbeing",),
        images=(Pic("CAFE", "amber and brown", "waves"),),
        said=(
            Said(
                "evs",
                "¡Por fin! Muchas gracias. ¿Habrá opciones vegetarianas?",
                replies=(
                    Said("deputy", "¡Sí! Siempre habrá una opción vegetariana.", days_after=0.5),
                ),
            ),
        ),
        talk=14,
        reach=0.8,
    ),
    PostText(
        key="food-patient-menu",
        channel="rgh-food-services",
        by="deputy",
        title="A new patient menu, tasted by patients",
        summary="Twenty dishes chosen with our patient partners.",
        body="""\
Our new patient menu has twenty dishes chosen and tasted by our patient partners, including
four Mexican dishes and more soft-diet options. It starts on every ward next month.""",
        days_ago=37,
        images=(Pic("MENU", "sage and cream", "circles"),),
        talk=5,
        reach=0.5,
    ),
    # IT.
    PostText(
        key="it-rostering-go-live",
        channel="rgh-information-technology",
        by="director",
        title="New rostering system: go-live dates by site",
        summary="Lakeside in March, Northgate in May, Riverside General in September.",
        body="""\
The new rostering system goes live at **Lakeside in March**, **Northgate in May** and
**Riverside General in September**. Each ward will have a super-user trained two months
before go-live. The app is on the staff app store now, for a look around.""",
        days_ago=22,
        tags=("riverside-2030",),
        initiative="new-rostering-system",
        images=(Pic("IT", "teal and navy", "circles", 1),),
        talk=9,
        reach=0.5,
    ),
    PostText(
        key="it-phishing",
        channel="rgh-information-technology",
        by="deputy",
        title="That email about your pay is not from us",
        summary="A phishing email is going round. Here's how to spot it.",
        body="""\
A phishing email titled *"Payroll adjustment — action required"* is going round. It is not
from Riverside Health. Don't click the link; forward it to the service desk and delete it.

If you have already entered your password, change it now and call extension 4357.""",
        days_ago=2,
        tags=("safety",),
        images=(),
        talk=5,
        reach=0.4,
    ),
    # Human Resources.
    PostText(
        key="hr-apprenticeships",
        channel="rgh-human-resources",
        by="director",
        title="Apprenticeships: the first programmes open in spring",
        summary=(
            "Pharmacy technician and patient care technician apprenticeships, paid and on the rota."
        ),
        body="""\
The first two apprenticeships under **Career ladders for support staff** open in the spring:
pharmacy technician and patient care technician. Study time is on the rota, and classes run in
English and Spanish.

Las clases serán en inglés y en español.""",
        days_ago=17,
        tags=("careers", "riverside-2030"),
        initiative="career-ladders-support-staff",
        images=(Pic("HR", "mint and forest green", "circles", 4),),
        talk=10,
        reach=0.5,
    ),
    # Patient Experience.
    PostText(
        key="px-video-interpreting",
        channel="rgh-patient-experience",
        by="director",
        title="Video interpreting on every unit",
        summary="A tablet on every unit: an interpreter in 40 languages within two minutes.",
        body="""\
Every unit now has a video interpreting tablet, charged in the nurses' station. An interpreter
in 40 languages answers within two minutes, day and night. Spanish interpreters are in the
building around the clock too: call extension 2020.""",
        days_ago=24,
        tags=("community", "riverside-2030"),
        initiative="language-access",
        images=(Pic("HOLA", "sky blue and white", "waves"),),
        talk=6,
        reach=0.5,
    ),
    # Quality & Patient Safety.
    PostText(
        key="quality-good-catch",
        channel="rgh-quality-safety",
        by="director",
        title="Good catch of the month",
        summary="A pharmacist noticed two patients with the same name on one ward.",
        body="""\
This month's good catch: a pharmacist noticed that two patients with the same name and birth
year were on one ward, with one's medicines about to go to the other. A name alert is now on
both charts, and the ward has a new check for look-alike names.

Report your good catches in the safety reporting system: we learn more from them than from harm.""",
        days_ago=11,
        tags=("safety", "recognition"),
        images=(Pic("QI", "gold and charcoal", "blocks"),),
        talk=5,
        reach=0.5,
    ),
    # Rehabilitation.
    PostText(
        key="rehab-early-mobility",
        channel="rgh-rehabilitation",
        by="director",
        title="Up and walking on day one",
        summary="Physiotherapists join the falls bundle with an early mobility plan.",
        body="""\
Patients who walk on their first day in hospital fall less and go home sooner. Our physical
therapists now see every 4 West and 5 East patient over 70 within 24 hours of admission.""",
        days_ago=34,
        tags=("riverside-2030",),
        initiative="zero-harm-from-falls",
        images=(Pic("PT", "coral and plum", "blocks", 2),),
        talk=4,
        reach=0.5,
    ),
    # Northgate and Lakeside.
    PostText(
        key="ngh-ed-refurbishment",
        channel="ngh-emergency",
        by="director",
        title="Northgate ED: refurbishment starts in January",
        summary="Six weeks of building work; the department stays open throughout.",
        body="""\
The refurbishment of Northgate's emergency department starts on 6 January and lasts six weeks.
We stay open throughout; the minor injuries area moves to the old outpatient clinic.""",
        days_ago=28,
        images=(Pic("NGH", "ocean blue and aqua", "blocks"),),
        talk=5,
        reach=0.6,
    ),
    PostText(
        key="ngh-medicine-welcome",
        channel="ngh-medicine",
        by="director",
        title="Welcome to our new graduate nurses",
        summary="Nine new graduates join Northgate's medical wards this month.",
        body="""\
Nine new graduate nurses join our medical wards this month. Each has a preceptor for their
first twelve weeks. Please make them welcome — and remember your own first week!""",
        days_ago=8,
        tags=("recognition", "nursing"),
        images=(Pic("NGH", "sage and cream", "waves", 1),),
        talk=8,
        reach=0.6,
    ),
    PostText(
        key="lcw-nicu-cuddlers",
        channel="lcw-neonatology",
        by="director",
        title="Our NICU cuddlers are back",
        summary="Trained volunteers hold and comfort babies whose parents can't be here.",
        body="""\
After a three-year pause the NICU cuddler programme is back: trained volunteers who hold and
comfort babies when their parents can't be with them. Twelve volunteers have finished training.""",
        days_ago=20,
        tags=("community", "recognition"),
        images=(Pic("NICU", "rose and grey", "circles", 1),),
        talk=7,
        reach=0.6,
    ),
    PostText(
        key="lcw-labour-self-scheduling",
        channel="lcw-labour-delivery",
        by="director",
        title="Labour & Delivery joins self-scheduling",
        summary="The third unit in the pilot, and the first at Lakeside.",
        body="""\
Labour & Delivery is the third unit in the self-scheduling pilot. Midwives and nurses will pick
their March shifts from the open rota on 1 February.""",
        days_ago=9,
        tags=("staffing",),
        initiative="safe-staffing-self-scheduling",
        images=(Pic("L&D", "lavender and indigo", "waves", 2),),
        talk=5,
        reach=0.5,
    ),
    PostText(
        key="lcw-paeds-play-team",
        channel="lcw-paediatrics",
        by="director",
        title="The play team's new sensory room",
        summary="A quiet, calm room for children who find the ward overwhelming.",
        body="""\
The play team has opened a sensory room on the paediatric ward: soft light, quiet, and things
to touch. Children who find the ward overwhelming can spend time there before procedures.""",
        days_ago=36,
        tags=("wellbeing",),
        images=(Pic("PLAY", "amber and brown", "circles", 3),),
        talk=6,
        reach=0.55,
    ),
    # Topic channels.
    PostText(
        key="wellbeing-rest-rooms",
        channel=WELLBEING,
        by="comms",
        title="Rest rooms on every floor",
        summary="Quiet rooms with recliners, for a proper break on a long shift.",
        body="""\
Every floor at Riverside General now has a quiet rest room with recliners, dimmable lights and
a kettle. They are for staff only, and for rest only: no meetings, no laptops.

Tell us what else would help you rest on shift.""",
        days_ago=32,
        tags=("wellbeing",),
        images=(Pic("REST", "sage and cream", "waves", 2),),
        talk=12,
        reach=0.5,
    ),
    PostText(
        key="wellbeing-after-a-hard-shift",
        channel=WELLBEING,
        by="director:rgh-human-resources",
        title="After a hard shift: who to talk to",
        summary="Peer support, the employee assistance line and chaplains, day and night.",
        body="""\
Some shifts stay with you. You don't have to carry them alone:

- **Peer supporters** on every unit, trained to listen.
- The **employee assistance line**, free and confidential, 24 hours a day: 1-800-555-0143.
- Our **chaplains**, for people of any faith or none: extension 2222.""",
        days_ago=10,
        tags=("wellbeing",),
        images=(Pic("CARE", "lavender and indigo", "circles", 5),),
        talk=7,
        reach=0.4,
    ),
    PostText(
        key="council-iv-policy",
        channel=NURSING_COUNCIL,
        by="cno",
        title="Council decision: peripheral IV dwell times",
        summary="For nurses at Riverside General: the council changes IV replacement practice.",
        body="""\
At its November meeting the Nursing Practice Council agreed to **replace peripheral IVs when
clinically indicated** rather than routinely every 96 hours, in line with current evidence.
The policy changes on 1 January; the education module is in the learning system now.""",
        days_ago=15,
        tags=("nursing", "safety"),
        audience=Audience(sites=(RGH,), job_families=(NURSING,)),
        images=(Pic("IV", "teal and navy", "blocks", 3),),
        talk=8,
        reach=0.6,
    ),
    PostText(
        key="council-join",
        channel=NURSING_COUNCIL,
        by="director:rgh-nursing-administration",
        title="Join your unit practice council",
        summary="Every ward will have a practice council by 2026. Here's how to get involved.",
        body="""\
Unit practice councils let the nurses on a ward decide how care is delivered there. Meetings
are monthly, in paid time. If you'd like to join or start one, reply here or talk to your
nurse manager.""",
        days_ago=39,
        tags=("nursing", "careers"),
        audience=Audience(job_families=(NURSING,)),
        images=(),
        talk=6,
        reach=0.5,
    ),
)
