"""Blind batch 5: staff posts written without reading the detector, to estimate recall/FPR."""

from __future__ import annotations

CASES: list[tuple[str, bool]] = [
    # ---------------------------------------------------------------- PHI (True)
    (
        (
            "HARGREAVES, Dennis \u2013 bay 3 bed 2 \u2013 NBM from midnight for ERCP am. K+ 5.9, "
            "recheck at 06:00"
        ),
        True,
    ),
    (
        (
            "Can whoever took over from me check on Mrs Okonkwo in side room 6? her sats dropped "
            "to 88% on 2L around 4am and I didn't get chance to escalate before handover"
        ),
        True,
    ),
    (
        (
            "Big thank you to the family of Mr Alan Petrie who brought in a massive tin of Roses "
            "for 5 North after he went home yesterday. He was an absolute joy to look after ❤️"
        ),
        True,
    ),
    (
        (
            "Pt Brenda (bay 2, bed 5) has been asking for her hearing aids all shift, anyone seen "
            "a little blue case??"
        ),
        True,
    ),
    (
        (
            "MRN: 004417823 \u2013 warfarin still not prescribed for tonight and INR was 3.4 this "
            "morning"
        ),
        True,
    ),
    (
        (
            "NHS no 485 777 3456 is showing as a duplicate record on the EPR, who do I raise that "
            "with?"
        ),
        True,
    ),
    (
        "hosp no K2291047 - awaiting OT assessment b4 he can go home, can therapies prioritise pls",
        True,
    ),
    (
        (
            "DOB 03/11/1948 \u2013 the lady in bed 9 says nobody has told her about her CT results "
            "and she is getting really upset"
        ),
        True,
    ),
    (
        (
            "Admission from ED, born 14th Feb 1937, #NOF L side. Family want a call from the "
            "consultant before theatre tomorrow."
        ),
        True,
    ),
    (
        (
            "Billing says they need his SSN ending 4417 before they can resubmit the claim — can "
            "admitting give him a ring?"
        ),
        True,
    ),
    (
        (
            "Registration typed SSN 512-44-9087 into the free-text notes field for the patient in "
            "ED 14. Can IT scrub it?"
        ),
        True,
    ),
    (
        (
            "Daughter of the gentleman in 412 asked us to call her at (617) 555-0143 as soon as "
            "he's out of surgery"
        ),
        True,
    ),
    (
        (
            "Mr Farouk's wife Samira is NOK, her mobile is 07700 900461 \u2013 please ring her if "
            "he deteriorates overnight"
        ),
        True,
    ),
    (
        (
            "Pt discharged yday with no TTOs!! his home number is 0161 496 0732 — can pharmacy "
            "ring him and arrange collection"
        ),
        True,
    ),
    (
        "Pt's son lives in Lagos, contact +234 803 555 0192 re consent, she's in bed 11 on AMU",
        True,
    ),
    (
        (
            "Mrs Delaney asked for her clinic letters to go to maureen.delaney58@gmail.com instead "
            "of by post, who updates that on the system?"
        ),
        True,
    ),
    (
        (
            "Community team pls note new address for Mr Ibbotson: 14 Larch Close, Rotherham S65 "
            "2QT. Discharge planned for Friday."
        ),
        True,
    ),
    (
        (
            "Pt going home to 27 Marsh Lane, Bootle L20 4DA \u2013 needs key safe fitting before "
            "discharge or she'll be stuck here another week"
        ),
        True,
    ),
    (
        (
            "DME delivery for the hospice referral: 1184 Willow Creek Dr, Apt 3B, Dayton OH 45419. "
            "Pt needs the hospital bed there by Thurs"
        ),
        True,
    ),
    (
        "we have a 94 yo in bed 7 with new fast AF, family not aware yet, can the reg call them",
        True,
    ),
    (
        (
            "Lovely ninety-three year old lady on Ward 12 told me she was a Wren in the war, Mrs "
            "Dorothy Ashworth, honestly made my whole shift 😊"
        ),
        True,
    ),
    (
        "Bed 18 \u2013 ?sepsis, lactate 4.1, Tazocin started 14:20, needs med reg review before 5",
        True,
    ),
    (
        (
            "Room 5214 is a known MRSA, please gown up. He's also confused and keeps climbing over "
            "the rails"
        ),
        True,
    ),
    (
        "Big Tony in bay 4 is back AGAIN 🙄 third admission this month with the same chest pain",
        True,
    ),
    (
        (
            "La paciente de la cama 6, Sra. Rosario Quintero, es alérgica a la penicilina. Por "
            "favor revisad la pauta antes de la toma de las 22h."
        ),
        True,
    ),
    (
        (
            "¿Alguien sabe si ya dieron de alta a Don Ernesto Villalba de la habitación 302? Su "
            "hija Marisol lleva toda la mañana llamando."
        ),
        True,
    ),
    (
        (
            "Acct # 77031942 \u2013 patient disputing her ER bill, says she was never actually "
            "seen by a physician"
        ),
        True,
    ),
    (
        (
            "Aetna member ID W2837491660 keeps failing the eligibility check for the pt on 6W, "
            "anyone from registration around?"
        ),
        True,
    ),
    (
        (
            "Policy no. HX-4471-2290-03 came back as terminated for the gentleman in 409, case "
            "mgmt please advise before we discharge"
        ),
        True,
    ),
    (
        (
            "Claim #0091847732 for Mrs Halvorsen's hip revision got kicked back for a missing "
            "modifier, again"
        ),
        True,
    ),
    (
        (
            "Whiteboard for nights (typed it cos my photo was blurry): B1 PATEL R \u2013 DNACPR, "
            "B2 O'NEILL M \u2013 falls risk, 1:1, B3 empty"
        ),
        True,
    ),
    (
        (
            "Bay C: 1) GREEN, Lily \u2013 UTI, IV abx day 2. 2) WALSH, Kathleen \u2013 POD1 lap "
            "chole, eating and drinking, for home tmrw"
        ),
        True,
    ),
    (
        (
            "Shoutout to Ward 3 — Mrs Patricia Oyelaran's daughter emailed PALS to say how kind "
            "everyone was in her mum's last few days. Proud of you all."
        ),
        True,
    ),
    (
        (
            "Can't find the pt on the system, name Eileen McAllister, DOB 22.07.1951, came up from "
            "ED about 2pm??"
        ),
        True,
    ),
    (
        (
            "dob Sept 9 '44 — pharmacy nearly mixed up the two Mr Hughes on 7B, please check "
            "wristbands"
        ),
        True,
    ),
    (
        (
            "Patient Ruth (bed 3) told me her birthday is 2 March 1934 so we're doing her a cake "
            "tomorrow 🎂"
        ),
        True,
    ),
    (
        (
            "Mr K Adeyemi, hosp no RTH 559 0012, needs his Tuesday dialysis slot moved to Weds "
            "this week"
        ),
        True,
    ),
    (
        "medical record # 3390-221-8 was merged wrong, both pts now show the same allergy list!!!",
        True,
    ),
    (
        (
            "NHS number 9434765919 \u2013 referral bounced back by the district nurses as "
            "'incomplete', that's the 3rd time"
        ),
        True,
    ),
    (
        (
            "the old chap in side room 2 (Wilf) has pulled his cannula out again, v agitated "
            "tonight, might need a 1:1"
        ),
        True,
    ),
    (
        (
            "Mrs Gallagher's son Declan is collecting her at 3, she needs her TTOs and transport "
            "cancelled"
        ),
        True,
    ),
    (
        (
            "Reminder: Mr Harold Bentley in bed 22 is deaf in his left ear and lip reads, please "
            "face him when you speak to him"
        ),
        True,
    ),
    (
        (
            "Who discharged Jenny Ho from CDU with no safety netting? Her husband rang absolutely "
            "furious, she's back in resus with a bleed"
        ),
        True,
    ),
    (
        (
            "Insurance verification stuck — SS# last 4: 8830, DOB 06/30/1962. Pt is in ED bay 9, "
            "can someone upstairs finish it off"
        ),
        True,
    ),
    (
        "pt cell 312.555.0187 \u2013 please call w/ biopsy results, she prefers texts after 5pm",
        True,
    ),
    (
        (
            "Our oldest patient on the unit is 101 today!! Mrs Ivy Clarke in bed 12 had a little "
            "party with the HCAs 🎉"
        ),
        True,
    ),
    (
        (
            "pt in rm 7 hx of siezures, name is Kyle Brandt, mom says he's missed his keppra x2 "
            "days pls flag to neuro"
        ),
        True,
    ),
    (
        (
            "He lives at Flat 4, 19 Quarry Road, Leeds LS6 2BX with no carers and no heating, SW "
            "referral done"
        ),
        True,
    ),
    (
        (
            "Tourist from Cork in resus 3 post-arrest, husband Liam's number is +353 87 555 4421, "
            "he's at the hotel and doesn't know yet"
        ),
        True,
    ),
    (
        (
            "Pt requested her discharge summary be emailed to jt.ramirez1979@outlook.com — are we "
            "even allowed to do that?"
        ),
        True,
    ),
    # ----------------------------------------------------------- NOT PHI (False)
    (
        (
            "Huge thanks to Sister Joan Adebayo for covering the late on 4 West at zero notice, "
            "you're a star ⭐"
        ),
        False,
    ),
    (
        (
            "Rota for December is up on the shared drive. Dr Mensah and Dr Kaur have swapped the "
            "23rd and 24th."
        ),
        False,
    ),
    (
        "Happy birthday to our fab ward clerk Bev!! 🎂 cake in the staff room at 3",
        False,
    ),
    (
        (
            "After 38 years with the trust our housekeeper Maureen Hollis retires on Friday. "
            "Collection envelope is in the manager's office if you'd like to chip in."
        ),
        False,
    ),
    (
        "Congratulations to NP Diego Alvarez on winning this quarter's DAISY Award!",
        False,
    ),
    (
        (
            "On-call pharmacist this weekend is Priya, mobile 07700 900812 if the bleep doesn't go "
            "through"
        ),
        False,
    ),
    (
        (
            "Ext 4471 for bed management, 4472 for the site manager. Switchboard is 0. Please stop "
            "ringing ED for bed states."
        ),
        False,
    ),
    (
        "Bleep 2290 is the ortho SHO tonight, 2291 is the reg",
        False,
    ),
    (
        "M&M meeting moved to Seminar Room 3 in the Education Centre, Thursday 12:30",
        False,
    ),
    (
        (
            "Bed 14 pressure mattress has a puncture, estates ticket raised, please don't use that "
            "bed until it's been swapped"
        ),
        False,
    ),
    (
        "Beds 3 and 4 in bay B have broken call bells \u2013 logged with estates, ref EST-55821",
        False,
    ),
    (
        (
            "Our unit hit 96.4% hand hygiene compliance in October and we've gone 412 days without "
            "a CLABSI 🙌"
        ),
        False,
    ),
    (
        (
            "The trust saw 148,930 ED attendances last year, up 7% on 2022, with the same number "
            "of cubicles"
        ),
        False,
    ),
    (
        "Flu jab clinic: 14/10/2024, 09:00\u201316:00, main atrium. No appointment needed.",
        False,
    ),
    (
        (
            "Email rota queries to nursing.rota@stmarys-hospital.nhs.uk, not to Jo's personal "
            "inbox please"
        ),
        False,
    ),
    (
        (
            "Summer fete this Saturday at the hospital, Westfield Road, Harrogate HG2 7SX — bring "
            "the kids, there's a bouncy castle!"
        ),
        False,
    ),
    (
        (
            "Our charge nurse Linda is turning 60 next week and says she doesn't want a fuss, so "
            "obviously we're making a fuss"
        ),
        False,
    ),
    (
        (
            "Shout out to Arthur, our 91-year-old volunteer on the welcome desk, who has been with "
            "us since 1998 and still beats everyone in the step challenge"
        ),
        False,
    ),
    (
        "Florence Nightingale would have had a LOT to say about these linen shortages 😂",
        False,
    ),
    (
        "Teaching point: paracetamol 1g QDS max, reduce to 15 mg/kg if the patient is under 50kg",
        False,
    ),
    (
        "IT ticket INC0049182 raised for the printers on 6B, still not fixed after 3 days",
        False,
    ),
    (
        "Lost my badge — ID 004417, if found please hand it in to security at main reception",
        False,
    ),
    (
        "Someone has parked in car park bay 112 (reserved for the blood bikes) all morning",
        False,
    ),
    (
        (
            "PO number 4500312877 for the new obs machines has been approved, delivery in about 2 "
            "weeks"
        ),
        False,
    ),
    (
        "Ward extension list: AMU 5501, CDU 5502, Ward 7 5507, Ward 8 5508, Discharge lounge 5520",
        False,
    ),
    (
        (
            "Let's get the sluice sorted before the CQC visit on Tuesday, it's a disgrace at the "
            "moment"
        ),
        False,
    ),
    (
        "Will someone please restock the gloves in bay A? Mediums have been out since 2pm",
        False,
    ),
    (
        "May is staff wellbeing month — free chair massages in the chapel on Wednesdays",
        False,
    ),
    (
        (
            "Grace period for mandatory training ends 31st March, after that it flags on your "
            "appraisal"
        ),
        False,
    ),
    (
        (
            "Hope everyone on nights stays safe in the snow, the gritters haven't done the back "
            "road yet"
        ),
        False,
    ),
    (
        (
            "Faith and Spirituality team are holding a remembrance service in the chapel on 2 "
            "November at 11am, all welcome"
        ),
        False,
    ),
    (
        (
            "Dr Emily Watson (consultant geriatrician) has been named Trainer of the Year by the "
            "Deanery 👏"
        ),
        False,
    ),
    (
        (
            "Bay 2 is being deep cleaned after the noro outbreak, closed to admissions until 48 "
            "hours symptom free"
        ),
        False,
    ),
    (
        "Room 4.12 in the Education Centre has the sim mannequin set up for the sepsis scenario",
        False,
    ),
    (
        "Retirement do for porter Kev Doyle, 31 years service — Friday 7pm at the Red Lion",
        False,
    ),
    (
        "New starters: welcome to HCA Jasmine Rowe and staff nurse Tomasz Nowak on Ward 9!",
        False,
    ),
    (
        (
            "IG refresher: under Safe Harbor any age over 89 has to be grouped as '90 or older' in "
            "reports"
        ),
        False,
    ),
    (
        "Reminder that NHS numbers are 10 digits and you should never post one here. Use the EPR.",
        False,
    ),
    (
        "Audit sample was 1,204 patients, mean age 71.3, 58% female. Full slides on the intranet.",
        False,
    ),
    (
        "The 2023 staff survey found 89% would recommend us as a place to work",
        False,
    ),
    (
        "Happy retirement to Dr Rajesh Iyer after 35 years as a consultant anaesthetist here 🥂",
        False,
    ),
    (
        (
            "Night supervisor's cell tonight is (312) 555-0199 — Marcus. Text first if it's not "
            "urgent."
        ),
        False,
    ),
    (
        "Switchboard number for the new site is 020 7946 0000, ask for the duty manager",
        False,
    ),
    (
        "Annual leave requests for August need to be in by 30/04/2025 please",
        False,
    ),
    (
        "Recordatorio: la formación de RCP será el jueves 12 en el aula 2. ¡No faltéis!",
        False,
    ),
    (
        "Felicidades a la enfermera Lucía Herrera por sus 25 años en la UCI 🎉",
        False,
    ),
    (
        (
            "Pharmacy tip: gentamicin levels — trough before the 3rd dose, aim <1 mg/L for once "
            "daily regimens"
        ),
        False,
    ),
    (
        (
            "Bed 7 in the discharge lounge is a recliner only, not suitable for anyone who needs "
            "hoisting"
        ),
        False,
    ),
    (
        "anyone got the wifi password for the new guest network? asking for a friend (me)",
        False,
    ),
    (
        (
            "Thank you Dr Patel for stepping in to facilitate the Schwartz round, really helpful "
            "discussion"
        ),
        False,
    ),
    (
        "Fire drill on Level 3 on 05/06 at 10:15, expect alarms for about 20 mins",
        False,
    ),
    (
        "We raised £2,340 for the hospice at the bake sale!! thanks everyone who baked",
        False,
    ),
    (
        (
            "Staff car park permits need renewing by 1 Jan. Permit numbers starting PK-22 are "
            "expiring."
        ),
        False,
    ),
    (
        "The new Omnicell is in Room 214 (the med room) — log in with your badge and PIN",
        False,
    ),
    (
        "Charlotte from Occ Health can do fit testing on Ward 5 on Monday between 9 and 12",
        False,
    ),
    (
        "ugh the vending machine on level 2 ate my £2 AGAIN",
        False,
    ),
    (
        "Porter request system is down — call ext 3300 for porters until further notice",
        False,
    ),
    (
        "Mark your calendars: International Nurses Day celebration 12 May, 2pm, Conference Room B",
        False,
    ),
    (
        "Henry VIII had gout apparently, so the rheumatology team are in good company 😂",
        False,
    ),
    (
        (
            "PSA: 2.5mg vs 25mg — two near misses with methotrexate this month, double check your "
            "decimals"
        ),
        False,
    ),
    (
        (
            "Purchase order 4500-88123 for the bariatric beds went through, 4 beds arriving on the "
            "18th"
        ),
        False,
    ),
    (
        "Can the day team please remember to sign the CD book, we've had 3 discrepancies this week",
        False,
    ),
    (
        "Congrats to our ward manager Sarah on her 40th! Fabulous at forty 💃",
        False,
    ),
    (
        "Deliveries postcode for the trust is LS9 7TF, please stop using the old site address",
        False,
    ),
    (
        (
            "Teams link for tomorrow's governance meeting came from governance.team@riverside.org "
            "— check your spam"
        ),
        False,
    ),
    (
        "Bariatric bed #3 (asset tag BB-0034) is back in the equipment library if anyone needs it",
        False,
    ),
    (
        (
            "Sorry to whoever I bumped into on the stairs at 7am with my coffee, I owe you a new "
            "tunic 😬"
        ),
        False,
    ),
    (
        (
            "Drug calc practice: child weighing 18 kg, amoxicillin 25 mg/kg/day in 3 divided "
            "doses. What's each dose?"
        ),
        False,
    ),
    (
        "Infection control stats: 3 C. diff cases trust-wide in Q2 vs 9 in Q1. Keep it up!",
        False,
    ),
    (
        "Staff nurses Grace Obi and Faith Mensah completed their preceptorship today 🎓 so proud",
        False,
    ),
]

PHI: tuple[str, ...] = tuple(text for text, is_phi in CASES if is_phi)
NOT_PHI: tuple[str, ...] = tuple(text for text, is_phi in CASES if not is_phi)
