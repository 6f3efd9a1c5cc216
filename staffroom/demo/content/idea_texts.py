"""The demo's ideas, in the words of Riverside Health's staff (see ideas.py for how they are
seeded). Places are (department code, how staff name the place); an idea offered in several
places becomes one idea per place, with `{place}` filled in, so a good idea that several
wards had reads as theirs. No patient is ever named or described: every text passes the
PHI guard (a test checks).
"""

from __future__ import annotations

from dataclasses import dataclass

WORK = "work-environment"
CARE = "patient-care"
SAFETY = "patient-safety"
COST = "efficiency-and-cost"
TECH = "technology"
OTHER = "other"

# Places staff name, by department code.
W4 = ("rgh-medicine", "4 West")
E5 = ("rgh-medicine", "5 East")
S2 = ("ngh-medicine", "2 South")
N3 = ("ngh-medicine", "3 North")
PAEDS = ("lcw-paediatrics", "3 North Paediatrics")
PICU = ("lcw-paediatrics", "the PICU")
ED = ("rgh-emergency", "the Riverside ED")
NED = ("ngh-emergency", "the Northgate ED")
KED = ("lcw-paediatric-emergency", "the children's ED")
ICU = ("rgh-critical-care", "the Adult ICU")
NICU_ADULT = ("ngh-critical-care", "Northgate ICU")
W7 = ("rgh-oncology", "7 West")
INFUSION = ("rgh-oncology", "the Infusion Centre")
N6 = ("rgh-cardiology", "6 North")
CATH = ("rgh-cardiology", "the Cath Lab")
W8 = ("rgh-surgery", "8 West")
OR = ("rgh-perioperative", "Main OR")
PACU = ("rgh-perioperative", "Pre-op & PACU")
NOR = ("ngh-perioperative", "the Northgate theatres")
KOR = ("lcw-perioperative", "the children's theatres")
LD = ("lcw-labour-delivery", "Labour & Delivery")
NICU = ("lcw-neonatology", "the NICU")
EVS = ("rgh-environmental-services", "Environmental Services at Riverside")
NEVS = ("ngh-environmental-services", "Environmental Services at Northgate")
KEVS = ("lcw-environmental-services", "Environmental Services at Lakeside")
FOOD = ("rgh-food-services", "the Riverside kitchens")
NFOOD = ("ngh-food-services", "the Northgate kitchen")
KFOOD = ("lcw-food-services", "the Lakeside kitchen")
PHARM = ("rgh-pharmacy", "Inpatient Pharmacy")
NPHARM = ("ngh-pharmacy", "Northgate Pharmacy")
KPHARM = ("lcw-pharmacy", "Lakeside Pharmacy")
LAB = ("rgh-laboratory", "the Core Lab")
NLAB = ("ngh-laboratory", "the Northgate lab")
RAD = ("rgh-radiology", "CT & MRI")
NRAD = ("ngh-radiology", "Northgate Imaging")
KRAD = ("lcw-radiology", "Paediatric Imaging")
REHAB = ("rgh-rehabilitation", "Therapy Services")
TRANSPORT = ("rgh-patient-transport", "Patient Transport")
FACILITIES = ("rgh-facilities", "Facilities")
IT = ("rgh-information-technology", "the IT Service Desk")
HR = ("rgh-human-resources", "HR")
NURSING_OFFICE = ("rgh-nursing-administration", "the Nursing Office")
QUALITY = ("rgh-quality-safety", "Quality & Patient Safety")
PX = ("rgh-patient-experience", "Patient Experience")
KPX = ("lcw-patient-experience", "Lakeside Children's")
COMMS = ("rgh-communications", "Communications")


@dataclass(frozen=True)
class ImpactText:
    """A measured before and after, and who else made it happen."""

    what_changed: str
    measure: str
    unit: str
    before: str
    after: str
    lower_is_better: bool = True
    hours_saved: str = ""
    money_saved: str = ""
    # What each contributor did (they are colleagues from the idea's department).
    contributions: tuple[str, ...] = ()


@dataclass(frozen=True)
class IdeaText:
    key: str
    category: str
    title: str
    problem: str
    proposal: str
    places: tuple[tuple[str, str], ...]
    # Its fate, for the first place (the others are drawn): "" draws it too.
    status: str = ""
    # The reviewer's own words for this idea, when it has them (else a general answer).
    answer: str = ""
    # Why it won't go ahead, kindly, when it doesn't.
    decline: str = ""
    impact: ImpactText | None = None
    initiative: str = ""
    campaign: str = ""
    anonymous: bool = False
    by: str = ""  # a demo login who wrote it (else a colleague from the place)


@dataclass(frozen=True)
class DuplicateText:
    """Someone proposing again what an earlier idea already says: merged into it."""

    key: str
    survivor: str  # the key of the idea it repeats (its first place)
    title: str
    problem: str
    proposal: str
    category: str
    place: tuple[str, str]


OPEN_CAMPAIGN = "safer-nights"
CLOSED_CAMPAIGN = "first-weeks"


@dataclass(frozen=True)
class CampaignText:
    slug: str
    title: str
    question: str
    opened_days_ago: int
    closes_in_days: int  # negative: closed that many days ago
    job_families: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    initiative: str = ""
    results: str = ""


CAMPAIGNS: tuple[CampaignText, ...] = (
    CampaignText(
        slug=OPEN_CAMPAIGN,
        title="How could we make night shifts safer?",
        question=(
            "Nights are when we have the fewest people, the longest walks and the least "
            "support. Whether you work on a ward, in EVS, in the lab or at the front door: "
            "**what one change would make a night shift safer** for you, for your colleagues "
            "or for the people we look after?\n\n"
            "Every idea gets an answer from the reviewers named on this page before the "
            "campaign closes."
        ),
        opened_days_ago=18,
        closes_in_days=24,
        job_families=("nursing", "support-services", "allied-health", "physicians"),
        initiative="violence-free-workplace",
    ),
    CampaignText(
        slug=CLOSED_CAMPAIGN,
        title="What would make your first weeks here easier?",
        question=(
            "New starters, agency and bank colleagues, and everyone who remembers their first "
            "month: **what should we change so people feel ready and welcome from day one?**"
        ),
        opened_days_ago=120,
        closes_in_days=-62,
        initiative="career-ladders-support-staff",
        results=(
            "Thank you to the 60-odd people who proposed, voted and commented. We read every "
            "idea with the practice council and HR, and this is what we decided.\n\n"
            "**Done:** a one-page induction pack for agency and bank staff on every ward, a "
            "buddy for every new starter's first four shifts, and badges and logins ready "
            "before day one (new starters now wait hours, not days).\n\n"
            '**Under way:** a shared "where things are" map for each site and a welcome '
            "coffee with the unit manager in the first week.\n\n"
            "**Not now:** paid parking permits for the first month, because the car parks are "
            "full; we explain why on each idea, and we will look again when the new deck opens."
        ),
    ),
)


IDEAS: tuple[IdeaText, ...] = (
    # --- Stories with measured impact -------------------------------------------------------
    IdeaText(
        key="call-bell-pagers",
        category=CARE,
        title="Call bells that ring on the pager of the nurse looking after that bay",
        problem=(
            "On {place} the call bell rings at the desk, so whoever is nearest answers it, "
            "often someone who doesn't know the patient. Patients can wait a long time when "
            "the desk is empty, and we all walk up and down asking who has bay C."
        ),
        proposal=(
            "Route each bay's call bell to the pager of the nurse assigned to it at the start "
            "of the shift, with a fallback to the charge nurse after two minutes. The system "
            "already supports it; it's a setting and a change to how we do the board."
        ),
        places=(W4, E5, S2),
        status="implemented",
        by="nurse",
        answer=(
            "Lovely idea, and the call-bell system does support zones. We're running it as a "
            "six-week trial on 4 West with the vendor's help before anyone else changes."
        ),
        impact=ImpactText(
            what_changed=(
                "Each bay's call bell now goes to the pager of the nurse assigned to it, and "
                "to the charge nurse if nobody answers within two minutes. The assignment is "
                "set on the board at handover."
            ),
            measure="Average call-light response time",
            unit="minutes",
            before="6.5",
            after="3.2",
            hours_saved="420",
            contributions=(
                "Set up the pager zones with the vendor",
                "Ran the six-week trial on nights",
                "Collected the response times every week",
            ),
        ),
    ),
    IdeaText(
        key="falls-huddle",
        category=SAFETY,
        title="A two-minute falls huddle at every handover on {place}",
        problem=(
            "We know which patients are at high risk of falling, but the night team often "
            "only finds out when they read the notes at 3am. Most of our falls happen on "
            "nights, on the way to the toilet."
        ),
        proposal=(
            "At every handover, stand at the falls board for two minutes: who is high risk, "
            "is the bed low, is the alarm on, is the call bell in reach, does anyone need a "
            "toilet round at midnight and 4am."
        ),
        places=(E5, N3, W8),
        status="implemented",
        initiative="zero-harm-from-falls",
        impact=ImpactText(
            what_changed=(
                "Every handover now ends at the falls board with a two-minute huddle, and the "
                "night team does planned toilet rounds at midnight and 4am for patients "
                "flagged at high risk."
            ),
            measure="Falls per 1,000 bed days",
            unit="falls per 1,000 bed days",
            before="4.1",
            after="2.9",
            hours_saved="160",
            money_saved="38000",
            contributions=(
                "Designed the falls board",
                "Trained the night team on the toilet rounds",
            ),
        ),
    ),
    IdeaText(
        key="discharge-lounge",
        category=COST,
        title="Open the discharge lounge at 8am instead of 11am",
        problem=(
            "Patients who are ready to go wait in their bed for transport or medicines until "
            "mid-afternoon, because the discharge lounge only opens at 11. Meanwhile the ED "
            "is full of people waiting for those beds."
        ),
        proposal=(
            "Open the lounge at 8am with one nurse and one support worker, and move patients "
            "there as soon as the doctor signs the discharge. Pharmacy can send the take-home "
            "medicines straight to the lounge."
        ),
        places=(NURSING_OFFICE,),
        status="implemented",
        initiative="cutting-waste",
        impact=ImpactText(
            what_changed=(
                "The discharge lounge opens at 8am, seven days a week, with a nurse and a "
                "support worker; pharmacy delivers take-home medicines there directly."
            ),
            measure="Patients discharged before noon",
            unit="% of discharges",
            before="18",
            after="31",
            lower_is_better=False,
            hours_saved="2600",
            contributions=(
                "Moved the pharmacy delivery round",
                "Staffed the lounge for the first month",
                "Tracked discharge times",
            ),
        ),
    ),
    IdeaText(
        key="iv-pump-charging",
        category=WORK,
        title="A charging station for IV pumps on {place}",
        problem=(
            "Every shift starts with a hunt for an IV pump with any battery left. Pumps get "
            "left unplugged in side rooms and the one socket in the equipment room is always "
            "taken by the bladder scanner."
        ),
        proposal=(
            "Fit a wall-mounted charging rack for ten pumps in the equipment room, with a "
            "simple rule: a pump that isn't on a patient goes back on the rack."
        ),
        places=(W4, N6, ICU, PAEDS),
        status="implemented",
        impact=ImpactText(
            what_changed=(
                "A ten-pump charging rack is on the equipment room wall, with a sign and a "
                "rule everyone agreed at the ward meeting."
            ),
            measure="Time to find a charged IV pump",
            unit="minutes",
            before="12",
            after="2",
            hours_saved="300",
            contributions=("Got the rack fitted with Facilities",),
        ),
    ),
    IdeaText(
        key="video-interpreter-carts",
        category=CARE,
        title="Keep a video interpreter tablet on {place} instead of booking one",
        problem=(
            "Booking an interpreter takes a phone call, a form and a wait. In the meantime "
            "we end up asking relatives to interpret, which isn't fair on anyone and isn't "
            "safe for consent."
        ),
        proposal=(
            "Keep a charged video interpreter tablet on the unit, on a stand that can be "
            "wheeled to the bedside, so we can reach an interpreter in minutes for any of "
            "the main languages."
        ),
        places=(ED, LD, S2),
        status="implemented",
        initiative="language-access",
        impact=ImpactText(
            what_changed=(
                "Each unit has a video interpreter tablet on a rolling stand, charged at the "
                "nurses' station; Spanish, Vietnamese, Arabic and sign language answer in "
                "under a minute."
            ),
            measure="Wait for an interpreter",
            unit="minutes",
            before="22",
            after="6",
            hours_saved="210",
            contributions=("Chose the stands and trained the team",),
        ),
    ),
    IdeaText(
        key="hand-gel-at-doors",
        category=SAFETY,
        title="Hand-gel dispensers at every bay entrance on {place}, not just the ward door",
        problem=(
            "The gel is at the ward door and at the sinks, so between bays people either "
            "walk back or skip it. The last audit showed exactly that gap."
        ),
        proposal=(
            "Put a dispenser on the wall at every bay entrance and on each computer on "
            "wheels, and have EVS refill them on their morning round."
        ),
        places=(N3, W8, E5),
        status="implemented",
        impact=ImpactText(
            what_changed=(
                "Dispensers are at every bay entrance and on the computers on wheels; EVS "
                "checks and refills them on the morning round."
            ),
            measure="Hand hygiene compliance (monthly audit)",
            unit="%",
            before="78",
            after="91",
            lower_is_better=False,
            contributions=("Ran the monthly audits", "Added the dispensers to the EVS round"),
        ),
    ),
    IdeaText(
        key="agency-induction-pack",
        category=WORK,
        title="A one-page induction pack for agency nurses on {place}",
        problem=(
            "Agency and bank colleagues arrive, get a quick tour if we have time, and then "
            "spend the shift asking where things are, what the codes are and who to call."
        ),
        proposal=(
            "A laminated one-pager at the desk: door codes, where the crash trolley and "
            "the sluice are, how to get a doctor at night, how to log in, who the charge "
            "nurse is today. Same layout on every ward."
        ),
        places=(W4, NED, W7),
        status="implemented",
        campaign=CLOSED_CAMPAIGN,
        impact=ImpactText(
            what_changed=(
                "Every ward has the same one-page induction pack at the desk, updated by the "
                "charge nurse when a code or a number changes."
            ),
            measure="Agency nurses who felt ready for their first shift",
            unit="% of those asked",
            before="41",
            after="83",
            lower_is_better=False,
            contributions=("Wrote the template", "Asked agency colleagues every week"),
        ),
    ),
    IdeaText(
        key="bariatric-kit-store",
        category=SAFETY,
        title="One store for bariatric equipment, with a number to call day and night",
        problem=(
            "When a bigger patient is admitted we ring round every ward for a bariatric bed, "
            "commode or hoist sling. It can take half a shift, and patients and staff get "
            "hurt in the meantime."
        ),
        proposal=(
            "Keep the bariatric equipment together in one store run by Patient Transport, "
            "with one number to call, and deliver within the hour."
        ),
        places=(TRANSPORT,),
        status="implemented",
        impact=ImpactText(
            what_changed=(
                "Bariatric beds, commodes, chairs and slings are kept in one store by Patient "
                "Transport, booked on one number and delivered day or night."
            ),
            measure="Wait for bariatric equipment",
            unit="hours",
            before="5.5",
            after="1.2",
            hours_saved="540",
            contributions=("Set up the store and the rota",),
        ),
    ),
    IdeaText(
        key="or-turnover-kits",
        category=COST,
        title="Pre-packed turnover kits for {place}",
        problem=(
            "Between cases we collect the same twelve items from four shelves. The room "
            "sits empty while we do it, and the list is slightly different every time."
        ),
        proposal=(
            "Central Sterile prepares a turnover kit per room type the night before; "
            "the runner only needs to grab one box."
        ),
        places=(OR, NOR),
        status="implemented",
        initiative="greener-operating-rooms",
        impact=ImpactText(
            what_changed=(
                "Each room gets a turnover kit per case, packed the night before by Central "
                "Sterile from one agreed list."
            ),
            measure="Average room turnover time",
            unit="minutes",
            before="38",
            after="29",
            hours_saved="750",
            money_saved="120000",
            contributions=("Agreed the kit list", "Packs the kits on nights"),
        ),
    ),
    IdeaText(
        key="reusable-sharps",
        category=COST,
        title="Switch to reusable sharps containers",
        problem=(
            "We throw away nearly two thousand plastic sharps containers a month. They're "
            "incinerated with what's inside them."
        ),
        proposal=(
            "Use the reusable containers that a service collects, empties safely and "
            "returns. Other hospitals in the region already do it."
        ),
        places=(EVS,),
        status="implemented",
        initiative="greener-operating-rooms",
        impact=ImpactText(
            what_changed=(
                "All three sites now use reusable sharps containers, collected, emptied and "
                "returned by a licensed service."
            ),
            measure="Single-use sharps containers thrown away a month",
            unit="containers a month",
            before="1900",
            after="60",
            money_saved="46000",
            contributions=("Ran the pilot on two floors",),
        ),
    ),
    IdeaText(
        key="sepsis-grab-bags",
        category=SAFETY,
        title="Sepsis grab bags in {place}",
        problem=(
            "When we suspect sepsis, gathering the blood culture bottles, lactate tubes, "
            "cannulas and fluids takes precious minutes, and something is always missing."
        ),
        proposal=(
            "A sealed grab bag with everything for the first hour, restocked by pharmacy "
            "and the lab, kept beside each resus trolley."
        ),
        places=(ED, NED),
        status="implemented",
        initiative="sepsis-within-the-hour",
        impact=ImpactText(
            what_changed=(
                "Sealed sepsis grab bags sit beside each resus trolley; the lab restocks the "
                "bottles and pharmacy the first-dose antibiotics."
            ),
            measure="Antibiotics given within an hour of recognising sepsis",
            unit="% of patients",
            before="62",
            after="84",
            lower_is_better=False,
            contributions=("Packed the first fifty bags", "Audited every sepsis case"),
        ),
    ),
    IdeaText(
        key="night-parking",
        category=WORK,
        title="Reserve the spaces by the main entrance for night staff after 7pm",
        problem=(
            "When the night shift arrives the only spaces left are at the far end of the top "
            "deck. Walking back alone at 8am after a night is one thing; arriving at 7pm in "
            "winter, in the dark, is another."
        ),
        proposal=(
            "From 7pm to 8am, keep the rows nearest the main entrance for staff with a night "
            "shift badge, and ask security to walk the far deck once an hour."
        ),
        places=(FACILITIES,),
        status="implemented",
        initiative="violence-free-workplace",
        impact=ImpactText(
            what_changed=(
                "The four rows nearest the main entrance are for night staff from 7pm to "
                "8am, and security patrols the top deck every hour at night."
            ),
            measure="Night staff parking more than five minutes' walk from the entrance",
            unit="% of night staff",
            before="64",
            after="12",
            lower_is_better=True,
            contributions=("Redid the signs and the barrier settings",),
        ),
    ),
    IdeaText(
        key="blood-culture-packs",
        category=SAFETY,
        title="Blood culture packs with a checklist to cut contaminated samples",
        problem=(
            "Our contaminated blood culture rate is high, which means repeat tests and "
            "antibiotics that patients didn't need."
        ),
        proposal=(
            "A pack with the skin prep, the bottles, the right caps and a printed checklist "
            "on the lid, plus a short refresher for everyone who takes cultures."
        ),
        places=(LAB,),
        status="implemented",
        initiative="sepsis-within-the-hour",
        impact=ImpactText(
            what_changed=(
                "Every unit takes blood cultures from the same pack, with the checklist on "
                "the lid; the lab feeds back each contaminated sample to the unit."
            ),
            measure="Contaminated blood cultures",
            unit="% of cultures",
            before="3.8",
            after="1.9",
            money_saved="64000",
            contributions=("Designed the pack", "Gave the refresher on every unit"),
        ),
    ),
    IdeaText(
        key="password-self-service",
        category=TECH,
        title="Let us reset our own passwords without calling the Service Desk",
        problem=(
            "Every time a password expires on a weekend or at night, we're locked out until "
            "someone at the Service Desk answers. It's the most common call they get."
        ),
        proposal=(
            "Self-service password reset with the authenticator app we already use for "
            "email, available from any ward computer."
        ),
        places=(IT,),
        status="implemented",
        impact=ImpactText(
            what_changed=(
                "Staff reset their own password from any computer with the authenticator "
                "app; the Service Desk only helps people who haven't set it up."
            ),
            measure="Password-reset calls to the Service Desk",
            unit="calls a month",
            before="1450",
            after="380",
            hours_saved="1900",
            contributions=("Set up the reset portal", "Wrote the how-to for the intranet"),
        ),
    ),
    IdeaText(
        key="meal-ordering-at-bedside",
        category=CARE,
        title="Order meals at the bedside on a tablet, the same day",
        problem=(
            "Menus are filled in the day before, so patients get food they ordered when they "
            "felt different, or for a bed someone else is now in. A lot comes back untouched."
        ),
        proposal=(
            "Hosts take orders on a tablet on the morning round for lunch and supper that "
            "same day, with the diet codes checked automatically."
        ),
        places=(FOOD,),
        status="implemented",
        impact=ImpactText(
            what_changed=(
                "Hosts take same-day orders at the bedside on tablets, which check each "
                "order against the patient's diet code."
            ),
            measure="Meal trays returned untouched",
            unit="% of trays",
            before="27",
            after="15",
            money_saved="52000",
            contributions=("Trained the hosts", "Set up the diet codes"),
        ),
    ),
    IdeaText(
        key="missed-dose-alerts",
        category=SAFETY,
        title="Show time-critical medicines in red on the drug round list",
        problem=(
            "Parkinson's medicines and some antibiotics must be given on time, but on the "
            "round list they look like everything else, so they get delayed."
        ),
        proposal=(
            "Flag time-critical medicines in red on the electronic round list, with an alert "
            "to the nurse if one is 30 minutes late."
        ),
        places=(PHARM,),
        status="implemented",
        initiative="closed-loop-medication",
        impact=ImpactText(
            what_changed=(
                "Time-critical medicines are red on the round list, and the assigned nurse "
                "gets an alert when one is 30 minutes late."
            ),
            measure="Missed or delayed time-critical doses",
            unit="per 1,000 doses",
            before="8.2",
            after="4.7",
            contributions=("Built the flag in the medicines system",),
        ),
    ),
    IdeaText(
        key="discharge-wheelchairs",
        category=COST,
        title="Park discharge wheelchairs on each floor, not in the basement",
        problem=(
            "Porters walk to the basement for a wheelchair for every discharge, and wards "
            "wait for them while the bed stays blocked."
        ),
        proposal=(
            "Keep two wheelchairs in a marked bay on each floor, checked and cleaned by the "
            "porters on their first round."
        ),
        places=(TRANSPORT,),
        status="implemented",
        impact=ImpactText(
            what_changed="Every floor has a marked bay with two clean wheelchairs.",
            measure="Wait for a porter with a wheelchair at discharge",
            unit="minutes",
            before="25",
            after="9",
            hours_saved="880",
            contributions=("Marked out the bays",),
        ),
    ),
    # --- Everyday ideas (their fate is drawn) -----------------------------------------------
    IdeaText(
        key="quiet-hours",
        category=CARE,
        title="Quiet hours from 10pm on {place}",
        problem=(
            "Patients tell us they can't sleep: phones ringing, bins clanging, lights on at "
            "the desk, and us talking at handover right outside the bays."
        ),
        proposal=(
            "Dim the corridor lights at 10pm, switch desk phones to quiet ring, soft-close "
            "bins, and offer eye masks and ear plugs on the evening round."
        ),
        places=(W4, N3, W7, PAEDS, N6),
    ),
    IdeaText(
        key="break-cover",
        category=WORK,
        title="A named break buddy on every shift on {place}",
        problem=(
            "Breaks get skipped because nobody is sure who is covering their patients, so "
            "people just don't go."
        ),
        proposal=(
            "Pair everyone with a break buddy on the board at handover, and stagger breaks "
            "so the pairs cover each other."
        ),
        places=(E5, ICU, LD, NED),
    ),
    IdeaText(
        key="rest-room-nights",
        category=WORK,
        title="Keep a rest room with recliners open at night at {place}",
        problem=(
            "On nights there is nowhere to close your eyes for twenty minutes in your break. "
            "People end up sitting in their car or in the stairwell."
        ),
        proposal=(
            "One quiet room with a couple of recliners, a blanket and a dimmer switch, kept "
            "for staff on breaks overnight."
        ),
        places=(("rgh-nursing-administration", "Riverside General"), NED, NICU),
        campaign=OPEN_CAMPAIGN,
    ),
    IdeaText(
        key="hot-food-nights",
        category=WORK,
        title="Hot food for night staff at {place}",
        problem=(
            "After 8pm the only food is the vending machine. On a 12-hour night that's not "
            "good enough, and people working long shifts on crisps isn't safe either."
        ),
        proposal=(
            "A hot meal trolley at 1am, or a fridge of fresh meals the kitchen stocks in the "
            "evening and staff pay for with their badge."
        ),
        places=(NFOOD, KFOOD, FOOD),
        campaign=OPEN_CAMPAIGN,
    ),
    IdeaText(
        key="walk-to-car",
        category=WORK,
        title="A security escort to the car park after night shifts at {place}",
        problem=(
            "The walk to the far car park at 7:30am is fine in summer. In winter it's still "
            "dark and there's nobody around."
        ),
        proposal=(
            "Security meets anyone who asks at the staff entrance at shift change and walks "
            "them to the car park, or runs a shuttle on dark mornings."
        ),
        places=(("ngh-executive-office", "Northgate"), ("lcw-executive-office", "Lakeside")),
        campaign=OPEN_CAMPAIGN,
        initiative="violence-free-workplace",
    ),
    IdeaText(
        key="panic-buttons",
        category=SAFETY,
        title="Personal alarms for staff working alone at night in {place}",
        problem=(
            "At night there can be one of us in a whole area. If something goes wrong with "
            "an aggressive visitor, nobody would know."
        ),
        proposal=(
            "Wearable alarms that call security with our location, for anyone working alone "
            "overnight."
        ),
        places=(EVS, NRAD, TRANSPORT),
        campaign=OPEN_CAMPAIGN,
        initiative="violence-free-workplace",
        anonymous=True,
    ),
    IdeaText(
        key="night-senior-review",
        category=SAFETY,
        title="A 2am safety huddle with the site manager and the night doctors",
        problem=(
            "At night the sickest patients are spread over many wards and the doctors find "
            "out about a deteriorating patient from a bleep at a bad moment."
        ),
        proposal=(
            "At 2am, a ten-minute phone huddle: each ward names any patient they're worried "
            "about, and the night team plans their rounds around them."
        ),
        places=(NURSING_OFFICE, ("ngh-executive-office", "Northgate")),
        campaign=OPEN_CAMPAIGN,
    ),
    IdeaText(
        key="night-lights-corridors",
        category=SAFETY,
        title="Low night lights along the corridor floor on {place}",
        problem=(
            "At night we either turn the corridor lights on full, which wakes everyone, or "
            "walk in the dark with a phone torch."
        ),
        proposal=(
            "Motion-sensing low lights at floor level along the corridors and into the bays, "
            "enough to see the floor but not to wake people."
        ),
        places=(E5, S2, PAEDS),
        campaign=OPEN_CAMPAIGN,
    ),
    IdeaText(
        key="night-pharmacist",
        category=SAFETY,
        title="A pharmacist on call we can reach directly at night",
        problem=(
            "At night we call switchboard, who call the on-call pharmacist, who calls back "
            "when they can. A simple dose question can hold up a drug round for an hour."
        ),
        proposal=(
            "A direct number, or a secure chat, for the on-call pharmacist, with a promise "
            "to answer within fifteen minutes."
        ),
        places=(PHARM, NPHARM),
        campaign=OPEN_CAMPAIGN,
        initiative="closed-loop-medication",
    ),
    IdeaText(
        key="lone-lab-nights",
        category=SAFETY,
        title="Never leave one person alone in the lab overnight at {place}",
        problem=(
            "There's one scientist in the lab from midnight to 8am. If they're ill, or "
            "there's a spill, nobody knows until the morning."
        ),
        proposal=(
            "A check-in call from the site manager every two hours, and a second person "
            "from the blood bank on the same floor."
        ),
        places=(NLAB,),
        campaign=OPEN_CAMPAIGN,
        anonymous=True,
    ),
    IdeaText(
        key="night-evs-radio",
        category=WORK,
        title="Radios for EVS on nights at {place}",
        problem=(
            "At night EVS gets calls on the pager and has to find a phone to call back. "
            "We waste time and rooms wait to be cleaned."
        ),
        proposal="Two-way radios for the night EVS team, on the same channel as the porters.",
        places=(NEVS, KEVS),
        campaign=OPEN_CAMPAIGN,
    ),
    IdeaText(
        key="fatigue-rule",
        category=WORK,
        title="No more than three 12-hour nights in a row",
        problem=(
            "The rota lets people do four or five nights in a row to bank days off. By the "
            "fourth night people are exhausted, and that's when mistakes happen."
        ),
        proposal=(
            "Make three 12-hour nights the maximum in a row in the rostering system, with a "
            "manager's sign-off for exceptions."
        ),
        places=(NURSING_OFFICE,),
        campaign=OPEN_CAMPAIGN,
        initiative="safe-staffing-self-scheduling",
    ),
    IdeaText(
        key="ed-door-nights",
        category=SAFETY,
        title="Lock the ambulance entrance to walk-ins after midnight at {place}",
        problem=(
            "At night people wander in through the ambulance entrance, straight into the "
            "resus corridor, with nobody on the desk to stop them."
        ),
        proposal=(
            "Badge-only access on the ambulance doors from midnight, with a buzzer and "
            "camera, and clear signs to the main ED entrance."
        ),
        places=(NED, KED),
        campaign=OPEN_CAMPAIGN,
        initiative="violence-free-workplace",
    ),
    IdeaText(
        key="sim-nights",
        category=SAFETY,
        title="Run emergency simulations on nights too",
        problem=(
            "Every simulation happens on a weekday afternoon. The night team, who have the "
            "fewest people to call on, never practise."
        ),
        proposal="One short simulation a month at 3am, on a different ward each time.",
        places=(("rgh-nursing-administration", "Nursing education"),),
        campaign=OPEN_CAMPAIGN,
    ),
    IdeaText(
        key="water-nights",
        category=WORK,
        title="Water fountains that work on every floor at night at {place}",
        problem=(
            "The only working water fountain at night is in the main lobby. People don't "
            "drink on shift and go home with a headache."
        ),
        proposal="Fix the fountains on each floor and put a water cooler in every staff room.",
        places=(FACILITIES,),
        campaign=OPEN_CAMPAIGN,
    ),
    IdeaText(
        key="bedside-handover",
        category=CARE,
        title="Bedside handover at the start of each shift on {place}",
        problem=(
            "Handover happens in the office, so patients don't know who their nurse is and "
            "we can't check lines, pumps and pressure areas together."
        ),
        proposal=(
            "Hand over at the bedside, quietly, with the patient involved if they want to "
            "be, and keep the sensitive bits for the office."
        ),
        places=(W7, N6, W8, S2),
    ),
    IdeaText(
        key="whiteboards",
        category=CARE,
        title="Bedside whiteboards with today's plan on {place}",
        problem=(
            "Patients and families keep asking who their nurse is, when the doctor is coming "
            "and what the plan for today is."
        ),
        proposal=(
            "A small whiteboard by each bed: today's nurse, the doctor, the plan, the "
            "expected day of going home, and a space for the patient's questions."
        ),
        places=(E5, W4, INFUSION, N3, PAEDS),
    ),
    IdeaText(
        key="family-parking",
        category=CARE,
        title="Free parking for parents of children in {place}",
        problem=(
            "Parents stay for weeks and pay for parking every day. Some leave earlier than "
            "they want to because of the cost."
        ),
        proposal="A free parking permit for one parent while their child is an inpatient.",
        places=(NICU, PICU, PAEDS),
        decline=(
            "We wish we could. The car park is run under a contract that sets every charge, "
            "and free permits would have to come out of the ward budgets. What we can do "
            "now: parents get the weekly ticket at a quarter of the price, from the desk in "
            "the main entrance, and we've made sure every ward knows about it."
        ),
    ),
    IdeaText(
        key="sit-stand-desks",
        category=WORK,
        title="Sit-stand desks in {place}",
        problem=(
            "We sit for hours at the same desks, and there are more and more back problems "
            "in the team."
        ),
        proposal="Replace some of the desks with sit-stand ones, shared on a rota.",
        places=(HR, IT, ("rgh-quality-safety", "the Quality office")),
    ),
    IdeaText(
        key="linen-top-up",
        category=COST,
        title="Linen top-up twice a day on {place} instead of once",
        problem=(
            "We run out of sheets and gowns by mid-afternoon and borrow from the ward next "
            "door, who then run out too."
        ),
        proposal=(
            "Two smaller linen deliveries, morning and mid-afternoon, sized to what each "
            "ward actually uses."
        ),
        places=(W8, S2, E5),
    ),
    IdeaText(
        key="supply-par-levels",
        category=COST,
        title="Labels with the right stock level on every shelf of the store room on {place}",
        problem=(
            "We over-order some things and run out of others, because nobody knows how many "
            "of each we should have."
        ),
        proposal=(
            "A label on each shelf with the minimum and maximum, and a scan of the barcode "
            "when we take the last one."
        ),
        places=(W4, ICU, NOR, LD),
    ),
    IdeaText(
        key="badge-tap",
        category=TECH,
        title="Tap-in with our badge instead of typing our password on shared computers",
        problem=(
            "We log in and out of the computers on wheels dozens of times a shift. Each time "
            "is a long password, with gloves on."
        ),
        proposal=(
            "Badge readers on shared computers so a tap logs you in and out, with a "
            "password once a shift."
        ),
        places=(IT,),
        initiative="closed-loop-medication",
    ),
    IdeaText(
        key="wifi-dead-spots",
        category=TECH,
        title="Fix the Wi-Fi dead spots on {place}",
        problem=(
            "The handheld scanners and the computers on wheels drop off in the far bays, so "
            "we scan medicines at the door or give up and document later."
        ),
        proposal=(
            "A Wi-Fi survey of the unit and an extra access point or two where the signal drops."
        ),
        places=(W8, N3, RAD, NICU),
    ),
    IdeaText(
        key="printer-per-ward",
        category=TECH,
        title="A label printer that works at the desk on {place}",
        problem=(
            "The label printer jams most days, and the nearest other one is on another "
            "floor. Samples wait while we walk."
        ),
        proposal="Replace it, and keep a spare printer on each floor for when one fails.",
        places=(E5, NED, LD),
    ),
    IdeaText(
        key="rota-app",
        category=TECH,
        title="See the rota and swap shifts on our phones",
        problem=(
            "The rota is a printout on the office wall. To swap a shift we ring round, then "
            "find the manager to sign a form."
        ),
        proposal=(
            "The rota on our phones, with shift swaps requested and approved in the app "
            "within the rules."
        ),
        places=(NURSING_OFFICE,),
        initiative="new-rostering-system",
        status="in_progress",
        answer=(
            "This is exactly what the new rostering system will do. The first wards move to "
            "it next quarter, and shift swaps in the app are part of the first release."
        ),
    ),
    IdeaText(
        key="self-rostering",
        category=WORK,
        title="Let teams on {place} build their own rota within agreed rules",
        problem=(
            "The rota comes out two weeks before it starts and doesn't take account of "
            "childcare, study or caring responsibilities."
        ),
        proposal=(
            "Team-based rostering: we choose our shifts within the staffing rules, the "
            "manager balances the gaps, and the rota is out six weeks ahead."
        ),
        places=(ICU, W7, LD),
        initiative="safe-staffing-self-scheduling",
    ),
    IdeaText(
        key="ed-triage-signs",
        category=CARE,
        title="Clear signs and wait times in the waiting room at {place}",
        problem=(
            "People in the waiting room don't know what happens next, so they keep asking "
            "at the desk, and the triage nurse gets interrupted."
        ),
        proposal=(
            "A screen showing the current wait for each stream, and a simple poster: what "
            "triage is, why some people go first, what to do if you feel worse."
        ),
        places=(ED, NED, KED),
    ),
    IdeaText(
        key="patient-comfort-packs",
        category=CARE,
        title="Comfort packs for patients admitted at night through {place}",
        problem=(
            "People admitted in the night arrive with nothing: no toothbrush, no phone "
            "charger, sometimes still in work clothes."
        ),
        proposal=(
            "A small pack with a toothbrush, socks, a comb, and a loan charger, given on "
            "arrival on the ward."
        ),
        places=(ED, NED),
    ),
    IdeaText(
        key="phone-chargers",
        category=CARE,
        title="Phone chargers patients can borrow on {place}",
        problem=(
            "Patients' phones die and they can't call home. Families call the ward instead, "
            "and we spend time on the phone."
        ),
        proposal="A box of multi-plug chargers at the desk, cleaned between patients.",
        places=(W4, W8, INFUSION, NICU),
    ),
    IdeaText(
        key="ot-home-visits",
        category=CARE,
        title="Video home assessments by occupational therapy before discharge",
        problem=(
            "Patients wait in hospital for a home visit by OT, sometimes for days, just to "
            "check the stairs and the bathroom."
        ),
        proposal=(
            "The family films the home on a video call with the therapist, who decides "
            "whether a visit in person is still needed."
        ),
        places=(REHAB,),
        initiative="neighbourhood-clinics",
    ),
    IdeaText(
        key="therapy-weekends",
        category=CARE,
        title="Physiotherapy on Saturdays for the surgical wards",
        problem=(
            "Patients who have surgery on Thursday or Friday don't see a physio until "
            "Monday, and lose two days of getting back on their feet."
        ),
        proposal="One physiotherapist on Saturdays for the surgical wards.",
        places=(REHAB,),
    ),
    IdeaText(
        key="transport-tracking",
        category=TECH,
        title="See where our porter request is in the queue",
        problem=(
            "We book a porter and then have no idea if they're coming in five minutes or "
            "an hour, so we call Transport, who are busy answering calls."
        ),
        proposal=(
            "Show the queue position and the porter's estimated arrival next to the "
            "request on screen."
        ),
        places=(TRANSPORT,),
    ),
    IdeaText(
        key="lab-results-text",
        category=TECH,
        title="A text to the ward when a critical lab result is ready",
        problem=(
            "Critical results are phoned through, but the phone rings at an empty desk and "
            "the lab tries again and again."
        ),
        proposal=(
            "Send critical results to the assigned nurse's work phone as a secure message, "
            "with the phone call as a backup if nobody acknowledges it."
        ),
        places=(LAB, NLAB),
    ),
    IdeaText(
        key="scanner-ready",
        category=COST,
        title="Call patients to CT from the ward only when the scanner is ready",
        problem=(
            "Patients are brought down early and wait in the corridor on a trolley, "
            "sometimes for an hour, with a nurse or porter waiting with them."
        ),
        proposal=(
            "The radiographer calls the ward 20 minutes before the slot, so the porter leaves then."
        ),
        places=(RAD, NRAD),
    ),
    IdeaText(
        key="mri-safety-checklist",
        category=SAFETY,
        title="Do the MRI safety questions on the ward before the patient comes down",
        problem=(
            "We find out about pacemakers and metal fragments in the MRI waiting area, and "
            "the slot is lost."
        ),
        proposal=(
            "The MRI safety checklist is filled in on the ward when the scan is booked, "
            "and checked again by the radiographer."
        ),
        places=(RAD,),
    ),
    IdeaText(
        key="paediatric-distraction",
        category=CARE,
        title="Distraction kits for children having blood tests in {place}",
        problem=(
            "Children having bloods or a cannula are frightened and it often takes two or "
            "three of us to hold them."
        ),
        proposal=(
            "A kit of bubbles, light-up toys and a tablet with cartoons, and numbing cream "
            "put on early whenever we can."
        ),
        places=(KED, PAEDS, KRAD),
    ),
    IdeaText(
        key="nicu-skin-to-skin",
        category=CARE,
        title="Recliners for parents doing skin-to-skin in the NICU",
        problem=(
            "Parents do skin-to-skin on hard upright chairs, so they stop after half an "
            "hour when their back hurts."
        ),
        proposal="A reclining chair next to every cot space.",
        places=(NICU,),
    ),
    IdeaText(
        key="ld-birth-partner",
        category=CARE,
        title="Somewhere for birth partners to rest on Labour & Delivery",
        problem=(
            "Partners sleep on the floor or in the car during long labours. They come back "
            "exhausted just when they're most needed."
        ),
        proposal="Fold-out chairs in every room and a quiet room with a kettle.",
        places=(LD,),
    ),
    IdeaText(
        key="chemo-chair-booking",
        category=COST,
        title="Book infusion chairs by how long the treatment takes",
        problem=(
            "Every infusion slot is booked as if it were the same length, so the morning is "
            "overbooked and the afternoon half empty."
        ),
        proposal="Book chairs by the real length of each regimen, from the prescribing system.",
        places=(INFUSION,),
    ),
    IdeaText(
        key="pre-op-calls",
        category=COST,
        title="Call patients two days before surgery to check they're ready",
        problem=(
            "Operations are cancelled on the day because someone ate breakfast, didn't stop "
            "a blood thinner, or has no one to take them home."
        ),
        proposal=(
            "A short call from the pre-op team two days before: fasting, medicines, transport home."
        ),
        places=(PACU, NOR, KOR),
    ),
    IdeaText(
        key="theatre-music",
        category=OTHER,
        title="A shared music speaker in {place} with agreed rules",
        problem=(
            "Music in theatre is down to whoever brings a phone. Sometimes it's too loud for "
            "the count or the anaesthetist."
        ),
        proposal=(
            "One speaker per theatre, volume agreed at the team brief, off for critical moments."
        ),
        places=(OR, NOR),
    ),
    IdeaText(
        key="central-sterile-tracking",
        category=TECH,
        title="Track instrument trays with barcodes from Central Sterile to theatre",
        problem=(
            "We phone Central Sterile to ask where a tray is, and they walk round to look. "
            "Sometimes the tray is already in theatre."
        ),
        proposal=(
            "Barcode each tray and show its status on a screen in theatre and in Central Sterile."
        ),
        places=(OR,),
    ),
    IdeaText(
        key="pharmacy-tubes",
        category=COST,
        title="Send medicines by the pneumatic tube at night on {place}",
        problem=(
            "At night the tube is switched off for pharmacy, so nurses walk to pharmacy for "
            "urgent medicines and leave the ward short."
        ),
        proposal="Keep the tube on overnight for medicines that fit.",
        places=(E5, N6),
    ),
    IdeaText(
        key="fridge-alarms",
        category=SAFETY,
        title="Remote temperature alarms on the medicine fridges",
        problem=(
            "We check fridge temperatures by hand once a day. If one fails overnight we only "
            "find out in the morning, and throw away everything inside."
        ),
        proposal=(
            "Wireless sensors that alert pharmacy and the ward when a fridge drifts out of range."
        ),
        places=(PHARM, KPHARM),
        initiative="cutting-waste",
    ),
    IdeaText(
        key="insulin-pens",
        category=SAFETY,
        title="Patient-named insulin pens stored in a separate drawer on {place}",
        problem=(
            "Insulin pens for different patients are kept together in the fridge and look the same."
        ),
        proposal="A labelled drawer per bed space for pens, checked at every drug round.",
        places=(W4, S2, E5),
        initiative="closed-loop-medication",
    ),
    IdeaText(
        key="allergy-bands",
        category=SAFETY,
        title="Red allergy wristbands applied in {place}, not later on the ward",
        problem=(
            "The red allergy band is often put on only when the patient reaches the ward, "
            "hours after the first medicines."
        ),
        proposal="Apply the allergy band at triage, with the ID band.",
        places=(ED, NED, KED),
    ),
    IdeaText(
        key="pressure-mattress",
        category=SAFETY,
        title="Faster delivery of pressure-relieving mattresses to {place}",
        problem=(
            "When a patient needs an air mattress it can take a day to arrive, and by then "
            "the skin damage has started."
        ),
        proposal=("Keep two mattresses on each floor, and order the replacement when one is used."),
        places=(W8, N3, E5),
    ),
    IdeaText(
        key="sharps-bins-trolleys",
        category=SAFETY,
        title="A small sharps bin on every phlebotomy tray on {place}",
        problem=(
            "We walk from the bed to the sharps bin with the needle, and that's when "
            "needlestick injuries happen."
        ),
        proposal="A small sharps bin fixed to every tray, so the needle goes in at the bedside.",
        places=(LAB, W4, NLAB),
    ),
    IdeaText(
        key="evs-isolation-signs",
        category=SAFETY,
        title="Isolation signs that tell EVS which clean to do",
        problem=(
            "The isolation sign on the door says what PPE to wear, but not which cleaning "
            "product, so EVS has to find a nurse to ask."
        ),
        proposal="Add the cleaning product and method to each isolation sign, colour-coded.",
        places=(EVS, NEVS),
    ),
    IdeaText(
        key="evs-carts",
        category=WORK,
        title="Lighter cleaning carts for {place}",
        problem=(
            "The carts are heavy and the wheels stick. By the end of the shift our backs "
            "and wrists hurt."
        ),
        proposal="Trial lighter carts with bigger wheels on one floor, and ask the team.",
        places=(EVS, KEVS, NEVS),
    ),
    IdeaText(
        key="evs-bed-board",
        category=TECH,
        title="Show EVS which beds are waiting to be cleaned, on our phones",
        problem=(
            "We find out about discharges by pager or by walking past. Beds sit dirty "
            "while patients wait in the ED."
        ),
        proposal=(
            "When a patient leaves, the bed shows as 'to clean' on the EVS phones, and "
            "turns green on the bed board when we're done."
        ),
        places=(EVS,),
        initiative="cutting-waste",
    ),
    IdeaText(
        key="evs-spanish-training",
        category=WORK,
        title="Training for Environmental Services in Spanish too",
        problem=(
            "Several of us learn better in Spanish, but mandatory training is only in "
            "English. People pass the quiz without really understanding it."
        ),
        proposal="Offer the infection control and chemical safety modules in Spanish.",
        places=(EVS,),
        initiative="language-access",
    ),
    IdeaText(
        key="kitchen-allergen",
        category=SAFETY,
        title="Allergen cards on every tray from {place}",
        problem=(
            "Hosts rely on memory for who has which allergy. A tray goes to the wrong bed "
            "now and then."
        ),
        proposal="Print an allergen card on each tray, matched to the order at the bedside.",
        places=(FOOD, NFOOD),
    ),
    IdeaText(
        key="kitchen-waste",
        category=COST,
        title="Weigh the food waste from {place} every day",
        problem=("We don't know which dishes come back untouched, so the menu never changes."),
        proposal="Weigh waste by dish for a month and drop or change the ones that come back.",
        places=(FOOD, KFOOD),
        initiative="cutting-waste",
    ),
    IdeaText(
        key="staff-salad-bar",
        category=WORK,
        title="A cheaper healthy option in the staff canteen",
        problem="The salad bar costs more than the chips, so people choose the chips.",
        proposal="Price one healthy hot meal and the salad bar below the fried options.",
        places=(FOOD,),
    ),
    IdeaText(
        key="hr-payslip",
        category=OTHER,
        title="Payslips that explain night and weekend pay line by line",
        problem=(
            "Nobody can tell from the payslip whether their night and weekend enhancements "
            "were paid correctly, so HR gets hundreds of queries."
        ),
        proposal="List each enhanced shift on the payslip with its date and rate.",
        places=(HR,),
    ),
    IdeaText(
        key="hr-references",
        category=COST,
        title="Chase references for new starters electronically",
        problem=(
            "Recruitment waits weeks for references sent by post, and new starters take "
            "other jobs in the meantime."
        ),
        proposal="Send reference requests as online forms with automatic reminders.",
        places=(HR,),
    ),
    IdeaText(
        key="childcare-nights",
        category=WORK,
        title="Childcare that covers early starts",
        problem=(
            "The nursery opens at 7:30, but day shifts start at 7. Parents can't do early "
            "shifts without help from family."
        ),
        proposal="Open the staff nursery at 6:45 on weekdays, even with a smaller team.",
        places=(HR,),
    ),
    IdeaText(
        key="career-ladder-hca",
        category=WORK,
        title="A clear path from support worker to nursing associate",
        problem=(
            "Support workers who want to train don't know where to start, or whether they "
            "can keep their pay while they study."
        ),
        proposal=(
            "A written path with the steps, the funding and the time off, and a named person "
            "in HR to talk to."
        ),
        places=(HR, NURSING_OFFICE),
        initiative="career-ladders-support-staff",
    ),
    IdeaText(
        key="recognition-cards",
        category=OTHER,
        title="Thank-you cards at the desk on {place}",
        problem=(
            "We only hear from managers when something goes wrong. Colleagues do great "
            "things every day and nobody says so."
        ),
        proposal=(
            "A stack of thank-you cards anyone can write and leave in a colleague's pigeonhole."
        ),
        places=(W8, NED, KRAD, LAB),
    ),
    IdeaText(
        key="bike-shelter",
        category=OTHER,
        title="A covered, locked bike shelter at {place}",
        problem=(
            "Bikes are locked to railings in the rain and a few have been stolen. More of us "
            "would cycle with somewhere safe to leave them."
        ),
        proposal="A covered shelter with a badge-access gate near the staff entrance.",
        places=(FACILITIES, ("ngh-executive-office", "Northgate")),
        initiative="greener-operating-rooms",
    ),
    IdeaText(
        key="lift-priority",
        category=COST,
        title="A lift that staff can call to priority with a badge",
        problem=(
            "Transferring a patient on a bed between floors can take ten minutes waiting for "
            "a lift that stops at every floor."
        ),
        proposal="One lift per block switches to priority when a badge is tapped.",
        places=(FACILITIES,),
    ),
    IdeaText(
        key="signage-lakeside",
        category=CARE,
        title="Coloured floor lines to find the clinics at {place}",
        problem=(
            "Families get lost looking for clinics and arrive late and stressed. Staff stop "
            "what they're doing to walk them there."
        ),
        proposal="Coloured lines on the floor from the main entrance to each clinic area.",
        places=(KPX, PX),
    ),
    IdeaText(
        key="volunteer-wayfinders",
        category=CARE,
        title="Volunteer wayfinders in the main entrance at {place}",
        problem="Visitors queue at the information desk just to ask the way.",
        proposal=(
            "Volunteers in bright lanyards meeting people in the entrance during visiting hours."
        ),
        places=(PX, KPX),
    ),
    IdeaText(
        key="complaint-callback",
        category=CARE,
        title="Call families back within a day when they raise a concern",
        problem=(
            "A family raises a concern, waits a week for a letter, and by then they're "
            "angry. Most concerns could be sorted out with a phone call."
        ),
        proposal="A call from the ward manager within one working day, before any letter.",
        places=(PX,),
    ),
    IdeaText(
        key="patient-menu-languages",
        category=CARE,
        title="Patient information in Spanish, Vietnamese and Arabic on {place}",
        problem=(
            "Most of our leaflets are only in English, so we explain with gestures or not at all."
        ),
        proposal="Translate the ten leaflets we hand out most and keep them at the desk.",
        places=(LD, NED, PAEDS),
        initiative="language-access",
    ),
    IdeaText(
        key="ecg-tablets",
        category=TECH,
        title="ECGs sent straight to the record from the machine on {place}",
        problem=(
            "We print the ECG, show it to the doctor, then scan it into the record. Some "
            "get lost on the way."
        ),
        proposal="Connect the ECG machines so tracings go straight into the patient's record.",
        places=(N6, ED, NED),
    ),
    IdeaText(
        key="cath-lab-waits",
        category=CARE,
        title="Tell patients waiting for the Cath Lab roughly when they'll go",
        problem=(
            "Patients fast from midnight and wait all day without knowing when they'll be "
            "called. Some end up cancelled at 6pm."
        ),
        proposal="Give each patient an estimated slot in the morning and update it at noon.",
        places=(CATH,),
    ),
    IdeaText(
        key="telemetry-alarms",
        category=SAFETY,
        title="Fewer false alarms from the monitors on {place}",
        problem=(
            "Monitors alarm constantly for loose leads and default limits. We've stopped "
            "hearing them, and that's dangerous."
        ),
        proposal=(
            "Change electrodes daily, set limits for each patient at admission, and review "
            "which alarms ring at the desk."
        ),
        places=(N6, ICU, NICU_ADULT),
    ),
    IdeaText(
        key="icu-diary",
        category=CARE,
        title="Diaries for patients in {place}",
        problem=(
            "Patients who leave intensive care often have gaps in their memory and "
            "nightmares about what happened."
        ),
        proposal=(
            "Staff and families write a short diary for each patient, given to them when they "
            "leave."
        ),
        places=(NICU_ADULT,),
    ),
    IdeaText(
        key="icu-visiting",
        category=CARE,
        title="Open visiting in {place}",
        problem=(
            "Visiting is limited to two slots a day. Families who work can't come, and "
            "patients are calmer when they're there."
        ),
        proposal="Open visiting, with a quiet hour after lunch for rest.",
        places=(ICU, NICU_ADULT),
    ),
    IdeaText(
        key="paeds-parent-meals",
        category=CARE,
        title="Meals for parents staying with their child on {place}",
        problem=(
            "Parents stay all day and night and don't want to leave the bedside to find food."
        ),
        proposal="Offer a parent meal from the patient menu at a small charge.",
        places=(PAEDS, PICU),
    ),
    IdeaText(
        key="oncology-cold-caps",
        category=CARE,
        title="Scalp cooling for patients in the Infusion Centre",
        problem=(
            "Patients ask about scalp cooling to keep their hair during chemotherapy, and "
            "we have to send them elsewhere."
        ),
        proposal="Two scalp-cooling machines in the Infusion Centre.",
        places=(INFUSION,),
    ),
    IdeaText(
        key="oncology-helpline",
        category=CARE,
        title="A 24-hour helpline for patients on chemotherapy",
        problem=(
            "Patients with a temperature at night call the ED switchboard and wait on hold, "
            "or don't call at all."
        ),
        proposal="A direct line to an oncology nurse day and night, with a triage script.",
        places=(W7,),
    ),
    IdeaText(
        key="surgery-drinks",
        category=CARE,
        title="Let patients drink clear fluids until two hours before surgery",
        problem=(
            "Patients are told nil by mouth from midnight, even when their operation is in "
            "the afternoon. They arrive thirsty and dizzy."
        ),
        proposal=(
            "Follow the current guidance: clear fluids until two hours before, with a drink round."
        ),
        places=(PACU, W8),
    ),
    IdeaText(
        key="pacu-families",
        category=CARE,
        title="Text families when their relative is out of surgery",
        problem=(
            "Families wait for hours in the lobby not knowing what's happening, and ring the "
            "theatre desk."
        ),
        proposal="A text message at key points: in theatre, in recovery, back on the ward.",
        places=(PACU, KOR),
    ),
    IdeaText(
        key="stairs-campaign",
        category=OTHER,
        title="Take the stairs week, with a leaderboard by department",
        problem="The lifts are crowded at shift change, and most of us could use the exercise.",
        proposal=(
            "A friendly stair-climbing challenge for a week, with a prize for the winning team."
        ),
        places=(COMMS,),
    ),
    IdeaText(
        key="newsletter-summary",
        category=OTHER,
        title="A three-line summary at the top of every all-staff email",
        problem="All-staff emails are long and we don't have time to read them on shift.",
        proposal="Put what it means for me in three lines at the top.",
        places=(COMMS,),
    ),
    IdeaText(
        key="intranet-search",
        category=TECH,
        title="Make the policies on the intranet searchable by what they're about",
        problem="We can't find the policy we need unless we know its exact title.",
        proposal="Tag policies by topic and make the search look inside them.",
        places=(IT,),
    ),
    IdeaText(
        key="headsets-desk",
        category=TECH,
        title="Wireless headsets for the Service Desk",
        problem=(
            "We're tied to the desk by the phone cable and can't walk over to help a colleague."
        ),
        proposal="Wireless headsets, so we can keep talking while we check something.",
        places=(IT,),
    ),
    IdeaText(
        key="green-theatres",
        category=COST,
        title="Turn off theatre air handling overnight when the rooms are empty at {place}",
        problem=(
            "The theatres run at full ventilation all night, even when nobody is there. "
            "That's a lot of energy."
        ),
        proposal=(
            "Set back the ventilation in empty theatres overnight, with quick restart for "
            "emergencies."
        ),
        places=(NOR, KOR),
        initiative="greener-operating-rooms",
    ),
    IdeaText(
        key="anaesthetic-gases",
        category=COST,
        title="Stop using desflurane in {place}",
        problem=(
            "Desflurane is a powerful greenhouse gas, and there are alternatives that work "
            "just as well for almost every case."
        ),
        proposal="Take desflurane off the anaesthetic machines and keep it only on request.",
        places=(OR, KOR),
        initiative="greener-operating-rooms",
    ),
    IdeaText(
        key="paper-forms",
        category=COST,
        title="Retire the paper observation charts still printed on {place}",
        problem=(
            "We write observations on paper first and then type them in, because the chart "
            "is still printed every morning."
        ),
        proposal="Stop printing it and enter observations directly on the handheld.",
        places=(S2, N3),
    ),
    IdeaText(
        key="glove-sizes",
        category=COST,
        title="Stock all glove sizes in every bay on {place}",
        problem="There are only medium gloves in the bays, so people waste pairs that don't fit.",
        proposal="A three-slot dispenser in every bay with small, medium and large.",
        places=(W4, LD),
    ),
    IdeaText(
        key="mental-health-first-aid",
        category=WORK,
        title="Mental health first aiders on every unit of {place}",
        problem=(
            "After a hard shift or a death on the unit, people go home without talking to anyone."
        ),
        proposal=(
            "Train two mental health first aiders per unit, and run a short debrief after hard "
            "shifts."
        ),
        places=(ED, ICU, NICU),
    ),
    IdeaText(
        key="debrief-after-codes",
        category=SAFETY,
        title="A hot debrief after every cardiac arrest call on {place}",
        problem=(
            "The team scatters after an arrest call and nobody talks about what went well or not."
        ),
        proposal="Five minutes together straight after, with a card of three questions.",
        places=(N6, ED),
    ),
    IdeaText(
        key="aggression-flag",
        category=SAFETY,
        title="Warn staff before they go in when a visitor has been aggressive before",
        problem=(
            "Colleagues on the next shift walk into the same situation without knowing "
            "what happened the night before."
        ),
        proposal=(
            "A simple alert on the ward board and in handover, agreed with security, when a "
            "visitor has been aggressive, and a plan for who goes in."
        ),
        places=(NED, ED),
        initiative="violence-free-workplace",
        anonymous=True,
    ),
    IdeaText(
        key="deescalation-training",
        category=SAFETY,
        title="De-escalation training for reception and front-desk staff",
        problem=(
            "Receptionists take the brunt of frustration in the ED and clinics, and most "
            "have had no training for it."
        ),
        proposal="A half-day de-escalation course for everyone on a front desk.",
        places=(PX, NED),
        initiative="violence-free-workplace",
    ),
    IdeaText(
        key="uniform-pockets",
        category=WORK,
        title="Uniforms with proper pockets",
        problem=(
            "The new tunics have one small pocket. We carry scissors, pens, a phone and a "
            "torch, and lose them all the time."
        ),
        proposal="Add a second pocket and a pen slot to the next uniform order.",
        places=(NURSING_OFFICE,),
    ),
    IdeaText(
        key="lockers",
        category=WORK,
        title="Enough lockers for everyone on {place}",
        problem="There are twenty lockers for forty staff, so people leave bags under the desk.",
        proposal="More lockers, or day lockers with a badge lock anyone can use for their shift.",
        places=(E5, NED, NICU),
    ),
    IdeaText(
        key="staff-showers",
        category=WORK,
        title="A staff shower that works at {place}",
        problem=(
            "People who cycle or run in, or who get splashed on shift, have nowhere to shower."
        ),
        proposal="Fix the shower by the changing rooms and add a second one.",
        places=(FACILITIES, ("ngh-executive-office", "Northgate")),
    ),
    IdeaText(
        key="team-noticeboard",
        category=OTHER,
        title="A digital noticeboard in the staff room on {place}",
        problem="Paper notices pile up on the board and nobody knows which are current.",
        proposal="A screen showing this week's news, rota changes and birthdays.",
        places=(W8, LAB),
    ),
    IdeaText(
        key="clinic-letters",
        category=TECH,
        title="Send clinic letters by email to patients who ask for it",
        problem="Letters arrive after the appointment, or not at all. Postage costs a fortune.",
        proposal="Offer email or the patient app as the first choice for letters.",
        places=(IT,),
        initiative="neighbourhood-clinics",
    ),
    IdeaText(
        key="neighbourhood-bloods",
        category=CARE,
        title="Blood tests at the neighbourhood clinics, not only at the hospital",
        problem=(
            "Patients travel an hour to the hospital for a five-minute blood test before "
            "their clinic."
        ),
        proposal="Phlebotomy two mornings a week at each neighbourhood clinic.",
        places=(LAB,),
        initiative="neighbourhood-clinics",
    ),
    IdeaText(
        key="pharmacy-discharge-early",
        category=COST,
        title="Write take-home prescriptions the day before discharge",
        problem=(
            "Most take-home prescriptions reach pharmacy after the morning ward round, so "
            "they're all ready at 4pm."
        ),
        proposal="Write them the afternoon before for patients expected to go home tomorrow.",
        places=(PHARM, NPHARM),
        initiative="cutting-waste",
    ),
    IdeaText(
        key="pharmacy-robots",
        category=TECH,
        title="An automated dispensing cabinet for {place}",
        problem=(
            "Controlled drugs are counted by two nurses twice a shift, and the key goes "
            "missing at the worst moments."
        ),
        proposal="An automated cabinet with fingerprint access and an automatic count.",
        places=(ICU, NED),
        initiative="closed-loop-medication",
        decline=(
            "Thank you: we agree the key and the counts take far too long. Automated "
            "cabinets are part of the closed-loop medication programme, but they come with "
            "the new medicines system in two years; buying them now would mean replacing "
            "them then. In the meantime pharmacy is trialling a key safe with a code, which "
            "should stop the key going missing."
        ),
    ),
    IdeaText(
        key="massage-chairs",
        category=WORK,
        title="Massage chairs in the staff rest room",
        problem=(
            "Long shifts on our feet. Ten minutes in a massage chair would make a real difference."
        ),
        proposal="Two massage chairs in the main staff rest room.",
        places=(("rgh-human-resources", "Riverside General"),),
        decline=(
            "A lovely thought, and we know how tired everyone is. We looked at the cost and "
            "the space, and decided to spend this year's wellbeing money on the night rest "
            "rooms and hot food at night first, which more colleagues asked for. We'll look "
            "at this again next year."
        ),
    ),
    IdeaText(
        key="four-day-week",
        category=WORK,
        title="A four-day week for office staff",
        problem="Office teams could do the same work in four longer days and commute less.",
        proposal="Trial compressed hours for office teams who want it.",
        places=(HR,),
        decline=(
            "Thank you for raising it. Compressed hours are already possible by agreement "
            "with your manager under the flexible working policy, so we don't need a "
            "separate trial. HR has written a short guide to asking for it, linked from the "
            "policy page."
        ),
    ),
    IdeaText(
        key="free-coffee",
        category=OTHER,
        title="Free coffee for staff on nights",
        problem=(
            "Coffee from the machine costs more than a pound and night staff drink a lot of it."
        ),
        proposal="Make the staff room coffee free from 8pm to 8am.",
        places=(FOOD,),
        campaign=OPEN_CAMPAIGN,
    ),
    IdeaText(
        key="tv-patient-rooms",
        category=CARE,
        title="Free TV for patients staying more than a week",
        problem=(
            "Long-stay patients pay for TV by the day, which adds up and isolates those who can't."
        ),
        proposal="Free TV and Wi-Fi after a week's stay.",
        places=(W7, REHAB),
        decline=(
            "We understand how long the days are. The bedside TV contract runs for three "
            "more years and sets the charges, so we can't make it free. We have made the "
            "Wi-Fi for patients free for everyone, with no time limit, and each ward has two "
            "tablets to lend for films and video calls."
        ),
    ),
    IdeaText(
        key="nurse-led-discharge",
        category=COST,
        title="Nurse-led discharge for straightforward patients on {place}",
        problem=(
            "Patients who are clearly ready wait for a doctor to sign the discharge, "
            "sometimes into the evening."
        ),
        proposal="Agreed criteria that let a senior nurse discharge patients who meet them.",
        places=(W8, S2),
        initiative="cutting-waste",
    ),
    IdeaText(
        key="early-warning-score",
        category=SAFETY,
        title="Automatic early-warning score alerts to the outreach team",
        problem=(
            "When a patient's early-warning score rises, we call the outreach team. At busy "
            "times that call is late."
        ),
        proposal="An automatic alert to outreach when the score reaches the threshold.",
        places=(ICU,),
        initiative="sepsis-within-the-hour",
    ),
    IdeaText(
        key="spanish-signs-evs",
        category=OTHER,
        title="Letreros de seguridad química también en español",
        problem=(
            "En el cuarto de productos de limpieza los letreros solo están en inglés. "
            "Varios compañeros no entienden bien las advertencias."
        ),
        proposal="Poner los letreros de seguridad en inglés y en español, con dibujos claros.",
        places=(NEVS,),
        initiative="language-access",
    ),
    IdeaText(
        key="spanish-kitchen-rota",
        category=WORK,
        title="Publicar el horario de la cocina una semana antes",
        problem=(
            "El horario de la cocina sale el viernes para el lunes. Así es muy difícil "
            "organizar el cuidado de los niños."
        ),
        proposal="Publicar el horario con al menos una semana de anticipación.",
        places=(KFOOD,),
    ),
    # --- The closed campaign: first weeks -------------------------------------------------
    IdeaText(
        key="buddy-first-shifts",
        category=WORK,
        title="A named buddy for every new starter's first four shifts on {place}",
        problem=(
            "New starters are counted in the numbers from day two and left to ask whoever "
            "looks least busy."
        ),
        proposal=(
            "A named buddy on the same shifts for the first four, off the numbers for the first "
            "two."
        ),
        places=(E5, LD, NED),
        campaign=CLOSED_CAMPAIGN,
        status="implemented",
    ),
    IdeaText(
        key="badge-before-day-one",
        category=TECH,
        title="Badges and logins ready before a new starter's first day",
        problem=(
            "New starters spend their first two days waiting for a badge and a login, "
            "shadowing because they can't do anything."
        ),
        proposal="HR triggers the badge and accounts when the contract is signed, not on day one.",
        places=(HR,),
        campaign=CLOSED_CAMPAIGN,
        status="implemented",
    ),
    IdeaText(
        key="site-maps",
        category=OTHER,
        title="A 'where things are' map of {place} for new staff",
        problem="New people get lost finding the pharmacy, the blood bank and the changing rooms.",
        proposal="A one-page map with the places staff need, given out at induction.",
        places=(("ngh-executive-office", "Northgate"), ("lcw-executive-office", "Lakeside")),
        campaign=CLOSED_CAMPAIGN,
        status="in_progress",
    ),
    IdeaText(
        key="welcome-coffee",
        category=OTHER,
        title="A welcome coffee with the unit manager in the first week",
        problem="Some new starters don't meet their manager properly for a month.",
        proposal="Every new starter has a coffee with their manager in their first week.",
        places=(NURSING_OFFICE,),
        campaign=CLOSED_CAMPAIGN,
        status="accepted",
    ),
    IdeaText(
        key="parking-first-month",
        category=WORK,
        title="A parking permit from day one for new starters",
        problem="New starters wait up to six weeks for a permit and pay daily rates until then.",
        proposal="Issue a temporary permit with the badge.",
        places=(FACILITIES,),
        campaign=CLOSED_CAMPAIGN,
        decline=(
            "We'd love to, and we know the daily rate hurts in the first month. The car "
            "parks are full and the waiting list is in date order, so a new starter "
            "jumping the queue would push out a colleague who has waited. When the new "
            "deck opens next spring, new starters will get a permit with their badge."
        ),
    ),
    IdeaText(
        key="agency-logins",
        category=TECH,
        title="Temporary logins for agency staff that work on the first shift",
        problem=(
            "Agency nurses often can't log in for the first hours of their shift, so "
            "someone else documents for them."
        ),
        proposal="Create agency logins when the shift is booked, not when they arrive.",
        places=(IT,),
        campaign=CLOSED_CAMPAIGN,
        status="implemented",
    ),
    IdeaText(
        key="induction-video",
        category=OTHER,
        title="A short welcome video from the people who work on {place}",
        problem=(
            "Induction is slides about policies. Nobody tells you what the ward is really like."
        ),
        proposal="A five-minute phone video: the team, the layout, the things we wish we'd known.",
        places=(W7, PICU),
        campaign=CLOSED_CAMPAIGN,
        status="accepted",
    ),
    IdeaText(
        key="new-starter-forum",
        category=OTHER,
        title="A monthly lunch for everyone who started that month",
        problem="New starters on different wards never meet, and feel on their own.",
        proposal="A sandwich lunch once a month for all new starters, with someone from HR.",
        places=(HR,),
        campaign=CLOSED_CAMPAIGN,
        decline=(
            "Thank you. We tried a version of this two years ago and few people could get "
            "away from their wards at lunchtime. Instead, each new starter's buddy now "
            "introduces them to the other new starters on their floor, and the new starters' "
            "group on Staffroom is open to anyone who joined this year."
        ),
    ),
)


DUPLICATES: tuple[DuplicateText, ...] = (
    DuplicateText(
        key="dup-call-bells",
        survivor="call-bell-pagers",
        title="Call bells should go to the nurse who has the patient",
        problem=(
            "The bell rings at the desk and whoever is passing answers, not the patient's nurse."
        ),
        proposal="Link the call bells to our pagers by bay.",
        category=CARE,
        place=W4,
    ),
    DuplicateText(
        key="dup-pumps",
        survivor="iv-pump-charging",
        title="Somewhere to charge IV pumps",
        problem="Pumps are always flat when we need them.",
        proposal="A charging shelf in the equipment room.",
        category=WORK,
        place=W4,
    ),
    DuplicateText(
        key="dup-discharge-lounge",
        survivor="discharge-lounge",
        title="Discharge lounge open in the morning",
        problem="Beds are blocked all morning by patients waiting to go home.",
        proposal="Open the discharge lounge first thing.",
        category=COST,
        place=E5,
    ),
    DuplicateText(
        key="dup-parking",
        survivor="night-parking",
        title="Parking near the door for the night shift",
        problem="By 7pm there's nowhere to park except the top deck, and it's dark.",
        proposal="Keep some spaces near the entrance for night staff.",
        category=WORK,
        place=ICU,
    ),
    DuplicateText(
        key="dup-interpreters",
        survivor="video-interpreter-carts",
        title="Interpreters on video, on the ward",
        problem="Waiting for an interpreter holds everything up.",
        proposal="A tablet for video interpreting in every department.",
        category=CARE,
        place=NED,
    ),
    DuplicateText(
        key="dup-gel",
        survivor="hand-gel-at-doors",
        title="More hand gel dispensers",
        problem="Not enough gel between bays.",
        proposal="A dispenser at every bay.",
        category=SAFETY,
        place=S2,
    ),
    DuplicateText(
        key="dup-agency",
        survivor="agency-induction-pack",
        title="Information sheet for bank and agency staff",
        problem="Agency colleagues don't know the codes or where anything is.",
        proposal="A simple sheet at the desk with the essentials.",
        category=WORK,
        place=E5,
    ),
    DuplicateText(
        key="dup-quiet",
        survivor="quiet-hours",
        title="Make the ward quieter at night",
        problem="Too much noise at night: phones, bins, talking.",
        proposal="Quiet time with dimmed lights after 10pm.",
        category=CARE,
        place=E5,
    ),
    DuplicateText(
        key="dup-rota-phone",
        survivor="rota-app",
        title="Rota on an app",
        problem="We can only see the rota on the office wall.",
        proposal="An app for the rota and swaps.",
        category=TECH,
        place=ICU,
    ),
    DuplicateText(
        key="dup-hot-food",
        survivor="hot-food-nights",
        title="Food at night for staff",
        problem="Nothing to eat after 8pm except vending machines.",
        proposal="Keep something hot available for night shifts.",
        category=WORK,
        place=S2,
    ),
    DuplicateText(
        key="dup-wifi",
        survivor="wifi-dead-spots",
        title="Wi-Fi drops in the far bays",
        problem="Scanners lose connection at the end of the corridor.",
        proposal="Another Wi-Fi point at the end of the ward.",
        category=TECH,
        place=W8,
    ),
    DuplicateText(
        key="dup-whiteboards",
        survivor="whiteboards",
        title="Boards by the bed with the name of the nurse",
        problem="Patients don't know who is looking after them today.",
        proposal="A whiteboard at each bed with the nurse's name.",
        category=CARE,
        place=N3,
    ),
    DuplicateText(
        key="dup-sepsis",
        survivor="sepsis-grab-bags",
        title="Ready-made sepsis packs",
        problem="We lose time collecting everything for sepsis bloods and antibiotics.",
        proposal="A pack with everything in it, by resus.",
        category=SAFETY,
        place=ED,
    ),
    DuplicateText(
        key="dup-password",
        survivor="password-self-service",
        title="Password reset without the helpdesk",
        problem="Locked out at night until the Service Desk answers.",
        proposal="Reset your own password online.",
        category=TECH,
        place=IT,
    ),
    DuplicateText(
        key="dup-buddy",
        survivor="buddy-first-shifts",
        title="Buddy system for new nurses",
        problem="New nurses are in the numbers too soon.",
        proposal="Pair new nurses with an experienced colleague for their first shifts.",
        category=WORK,
        place=E5,
    ),
)


# --- Reviewers' general answers, when an idea has none of its own ---------------------------

UNDER_REVIEW = (
    (
        "Thank you for this. I've shared it with the {place} leadership team and we'll talk it "
        "through at the next practice meeting. I'll come back to you here."
    ),
    (
        "Thanks for taking the time to write this up so clearly. We're looking at what it would "
        "take, and I'll update this page when we know more."
    ),
    (
        "Good idea, and you're not the only one to mention it. I'm checking with the teams it "
        "would affect before we decide."
    ),
    "Thank you. We need to cost this first; I've asked for a quote and will report back.",
    (
        "I've read this with the charge nurses. We like it and want to understand the impact on "
        "other teams before we commit. Answer to follow."
    ),
)
ACCEPTED = (
    (
        "We're going ahead with this. We'll agree the details with the team over the next few "
        "weeks and post the start date here."
    ),
    "Yes. This is simple, sensible and cheap. We'll plan it in for next month.",
    "Accepted. The budget is agreed; we'll pick a start date with the team.",
    "We've agreed to do this. Thank you to everyone who voted and commented, it helped.",
)
IN_PROGRESS = (
    "Work has started. We'll trial it for six weeks and measure how it goes.",
    "Under way: the equipment is ordered and the team briefing is booked.",
    "This is now being put in place, one area at a time. Tell us here how it's working.",
)
IMPLEMENTED = (
    (
        "Done! This is now how we work. Thank you for the idea, and for everyone's patience "
        "during the trial."
    ),
    "This is in place now. We'll keep an eye on it and share the results.",
    "Implemented. Thank you: small changes like this make a real difference.",
)
NOT_PLANNED = (
    (
        "Thank you for the idea. We looked at it carefully and can't do it this year: the cost "
        "is more than the budget we have for it, and other safety work has to come first. We'll "
        "look again when the budget is set next year."
    ),
    (
        "Thanks for raising this. Having talked it through with the team, we think the problem "
        "is better solved another way, and that work has started; I'll link it here when it's "
        "posted."
    ),
)
ANSWER_ONLY = (
    (
        "Thanks for this. Could you say a bit more about when it happens most, days or nights? "
        "It will help us decide."
    ),
    "Thank you. I've passed this on and will answer properly once I've heard back.",
)
MERGED = (
    "Thank you! This is the same idea as another one already on the board, so I've merged "
    "them: your votes and comments now count there."
)


# --- Comments on ideas ---------------------------------------------------------------------

COMMENTS = (
    "Yes please. Same problem on our unit, especially on nights.",
    "We tried something like this where I worked before and it made a real difference.",
    "Love this. Happy to help with a trial.",
    "Would this work on weekends too? That's when it's hardest.",
    "Great idea, but we'd need to make sure the night team is part of planning it.",
    "This happens every single shift. Voted.",
    "Could we start small, on one unit, and see how it goes?",
    "I'd add: make it part of the induction so new people know about it.",
    "Agree. It would save so much walking up and down.",
    "How would this work for the float pool? We move around a lot.",
    "Simple and cheap. Why haven't we done this already?",
    "Patients and families mention this to me all the time.",
    "I'm not sure about the cost, but the time it would save is huge.",
    "This would help the porters too.",
    "We have a spare room that could be used for this, if anyone wants to look at it.",
    "Voted. The same thing happens in outpatients.",
    "Brilliant. Please keep us posted.",
    "It would need a clear owner, otherwise it'll drift after a month.",
    "Could we ask the patient experience team what families think?",
    "Yes! Especially for colleagues working alone.",
    "Sí, por favor. En el turno de noche es donde más falta hace.",
    "Buena idea. En mi hospital anterior funcionaba muy bien.",
)
REVIEWER_COMMENTS = (
    "Thanks everyone for the comments: they're really useful as we look at this.",
    "Good question. I'll check and come back on this thread.",
    "We're looking at this together with Facilities; I'll post the answer on the idea.",
    "If anyone would like to help with the trial, reply here and I'll get in touch.",
)
