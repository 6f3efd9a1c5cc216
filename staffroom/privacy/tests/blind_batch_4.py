# ruff: noqa: E501  # the posts are kept whole, as people wrote them
"""Blind batch 4: written without reading the detector, to estimate recall/FPR on unseen posts."""

from __future__ import annotations

CASES: list[tuple[str, bool]] = [
    # ---------------------------------------------------------------- PHI (True)
    (
        "Bed 14 on Ward 7 (Mrs Adaeze Nwosu) is refusing her evening clexane again, can the day team document the conversation they had with her?",
        True,
    ),
    (
        "the gentleman in 12B, Mr Kowalczyk, keeps asking for the chaplain. anyone know if spiritual care is in on sundays?",
        True,
    ),
    (
        "Pharmacy here - script for mrn no 7730-1184 came up with a duplicate ramipril, who's the prescriber??",
        True,
    ),
    (
        "pls dont put hosp no. RXH0049217 in the handover chat, use the EPR!! (and yes I know I just did it, sorry)",
        True,
    ),
    (
        "Anyone know why claim CLM-2024-0038817 for the knee arthroplasty got denied? The patient is calling billing every single day and I have no answers for her.",
        True,
    ),
    (
        "Member ID XGH448190233 - BCBS keeps bouncing the prior auth for the lumbar MRI. Can someone in UM take a look before Thursday?",
        True,
    ),
    (
        "DOB 4 Feb 1948 on the wristband doesn't match the drug chart for the lady in side room 3. Datix submitted, but check your patients' bands tonight pls.",
        True,
    ),
    (
        "born 1939-11-23 per the referral but the GP letter says 1938?? which one do we trust for the frailty score",
        True,
    ),
    (
        "Reminder to the team: when calling back Mr. Haddad about his biopsy, use his cell (617) 555-0192, NOT the home number on file.",
        True,
    ),
    (
        "Her son asked us to ring him on 07700 900461 if she deteriorates overnight. It's in the notes but putting it here for nights x",
        True,
    ),
    (
        "Family in Lagos keep calling the ward, their number is +234 803 555 0178. Can someone with an interpreter call them back re Mr Eze's CT?",
        True,
    ),
    (
        "registration can't find her old account. last 4 of her social is 0932, she came in by ambulance without any ID",
        True,
    ),
    (
        "Full SSN 512-60-3391 was written on the whiteboard in ED triage bay 2 this morning. The photo has been deleted but PLEASE be careful what goes on those boards.",
        True,
    ),
    (
        "Patient email on the portal is jdmurphy.1957@yahoo.com and the after-visit summary keeps bouncing back. Ticket raised but if anyone knows a workaround...",
        True,
    ),
    (
        "Discharge transport booked to 14 Harcourt Terrace, Leeds LS6 2AP for 11am. Crew will need the key safe code from the daughter before they set off.",
        True,
    ),
    (
        "Home health referral: 2217 Willow Bend Dr, Apt 4C, Round Rock TX 78664. Wound vac supplies need to be delivered before Friday or she'll bounce back to us.",
        True,
    ),
    (
        "Our 94yo in bay 2 bed 5 was a Navy signalman and he's been teaching the HCAs Morse code all afternoon \U0001f602",
        True,
    ),
    (
        "Had a ninety-three-year-old lady walk out of eye clinic today after her cataract op telling everyone she'll be back for her 100th. Legend.",
        True,
    ),
    (
        "Huge thank you to everyone on Ward 22 who looked after my grandad, Dennis Fairbrother, in his last days. You made the hardest week of our lives bearable.",
        True,
    ),
    (
        "So proud of the stroke team \u2014 Maureen from bed 9 walked to the day room unaided today, first time since her admission!!",
        True,
    ),
    (
        "Can whoever took Ms Abernathy-Cole down to CT please bring her notes back to AMU? Her daughter Kezia is at the nurses' station asking.",
        True,
    ),
    (
        "Screenshot of the board (sorry for the formatting):\nBay A\n1 - PATEL, Hemant - NBM ?obstruction\n2 - empty\n3 - O'DRISCOLL, Siobhan - falls, DoLS\n4 - WARD, T. - awaiting POC",
        True,
    ),
    (
        "Room 408 bed B \u2014 the C. diff patient \u2014 got moved to 5N without the isolation sign going with him. Infection control please follow up.",
        True,
    ),
    ("Mrs O. in 6 has finally agreed to the PEG, could the dietitian pop up before 3?", True),
    (
        "Paciente Mar\u00eda Guadalupe Torres, cama 17, al\u00e9rgica a la penicilina \u2014 favor de avisar al turno de noche.",
        True,
    ),
    (
        "Su hija nos dej\u00f3 su correo (lupita.torres88@hotmail.com) para mandarle el resumen de alta de su mam\u00e1, alguien sabe c\u00f3mo se hace desde el portal?",
        True,
    ),
    (
        "Fecha de nacimiento 12/07/1951 y n\u00famero de expediente 00-48-2291: el laboratorio tiene la muestra etiquetada con otro nombre.",
        True,
    ),
    (
        "Big Al in bay 4 (you all know who I mean \U0001f605) pulled his cannula out for the third time tonight. Day team can we think about mittens?",
        True,
    ),
    (
        "NHS number 485 777 3456 is showing two different GPs on the spine, who do I escalate that to?",
        True,
    ),
    (
        "admitted 03/11 and still waiting on the echo \u2014 Mr Brennan-Walsh in 3C has been NBM twice for it now. this is not ok",
        True,
    ),
    (
        "Acct 0004-557812-01 (self pay, ortho f/u) \u2014 pt says she paid in full in January, can PFS check the ledger?",
        True,
    ),
    (
        "health plan id UHC 9981-27734-00 got typed wrong on the face sheet for the bed 3 admit. Fixed now but the claim already went out \U0001f643",
        True,
    ),
    (
        "Rest in peace Mr Olumide Bankole. Nine weeks on our unit and he never once forgot to ask about our kids. Thinking of his wife Funmi today.",
        True,
    ),
    (
        "pt Gerry (surname on the board) fell at 0340, no injury, neuro obs started. family not yet informed - daughter is Claire, her number's in the notes",
        True,
    ),
    (
        "Can someone tell me why the clinic letter for dob 29.02.1944 went to the wrong address?? The family are furious and I don't blame them",
        True,
    ),
    (
        "Re: the complaint \u2014 the gentleman is Mr Thaddeus Quill, he was in Resus on the 14th with an NSTEMI. PALS want statements by Friday.",
        True,
    ),
    (
        "Handover snippet someone posted in the wrong group: 'Bed 22 \u2013 Lin, Wei, 67, POD2 lap chole, mobilising, eGFR 38, for d/c tmrw'. Removing but FYI.",
        True,
    ),
    (
        "Reminder that MRN 10294857 and MRN 10294875 are two DIFFERENT patients with the same surname. Check wristbands!!",
        True,
    ),
    ("My patient today, 91, asked if I was old enough to be a nurse. Made my week honestly", True),
    (
        "Lovely card from Jennifer Oyelaran's husband thanking 4 East for looking after her through chemo \u2014 it's up on the staff room board if you want a read.",
        True,
    ),
    (
        "If anyone sees Mr Rasheed's wife in the canteen can you send her up to ITU? Consultant wants to talk to her about withdrawing treatment.",
        True,
    ),
    (
        "Insurance says policy # MCD-00731-8842-A is inactive but the kid in PICU bed 6 was covered last month. Social work, any ideas?",
        True,
    ),
    (
        "Mrs Halloran's mobile on PAS is +44 7911 123456 but it goes to a stranger. Can derm update it when she's in clinic on Thurs?",
        True,
    ),
    (
        "Ms. Treadwell (the lady with the service dog, rm 1114) asked me to pass on that she's being discharged Monday and wants to say bye to the night nurses \u2764\ufe0f",
        True,
    ),
    (
        "Quick one \u2014 the woman born 17th March 1962 who came through urgent care this morning left her glasses in cubicle 4. Reception has them.",
        True,
    ),
    # ------------------------------------------------------------ not PHI (False)
    (
        "Massive shoutout to Precious Adeyemi on 4 West for covering three nights in a row this week. You're a star \u2b50",
        False,
    ),
    (
        "Happy 60th birthday to our very own Sister Margaret Dunleavy!! Cake in the ward kitchen from 2pm, bring your own fork.",
        False,
    ),
    (
        "Retirement do for Bill Okonkwo (portering, 34 years!!) is Friday 21 June, 5pm at The Red Lion. Everyone welcome, partners too.",
        False,
    ),
    (
        "Pharmacy extension has changed \u2014 it's now x4471, out of hours bleep 2202. Update your lanyard cards please.",
        False,
    ),
    (
        "Switchboard is 0161 555 0100 for anyone who keeps asking. Dial 9 first from ward phones.",
        False,
    ),
    (
        "Mandatory BLS refresher in Training Room 3, Level 2, Education Centre \u2014 Tues 9 April, 0900-1230. Book through ESR, not by emailing me.",
        False,
    ),
    (
        "Hand hygiene audit results for March: 92% compliance across medicine, 88% surgery. Let's get surgery over 90 next month!",
        False,
    ),
    (
        "ED saw 98 patients between 8pm and 8am on Saturday. Ninety-eight. Thank you to everyone who stayed late.",
        False,
    ),
    (
        "Reminder: annual appraisals due by 31/05/2024. Your line manager will book a slot with you, don't panic.",
        False,
    ),
    (
        "Does anyone know who to email about the broken bladder scanner in room 12? (the equipment store on 5A, not a patient room \U0001f605)",
        False,
    ),
    (
        "Florence Nightingale would be horrified by the state of the sluice on 5B. Just saying.",
        False,
    ),
    (
        "Staff Christmas party is in the Main Atrium, St Bartholomew's, 1200 Riverside Ave \u2014 tickets $15 from the social committee, dress code 'festive'.",
        False,
    ),
    (
        "Enoxaparin 40mg SC once daily is standard VTE prophylaxis, but check renal function and weight first. Updated guideline is on the intranet.",
        False,
    ),
    ("IT ticket INC0048213 still open for the printer on Ward 9. Day 11. Send help.", False),
    (
        "Car park bay 214 has had a non-staff car in it three days running. Estates, can you ticket it?",
        False,
    ),
    (
        "New starters: your badge number (the 6 digits under your photo, e.g. 104882) is what you use to log in to the rostering app.",
        False,
    ),
    (
        "Email me at k.bhattacharya@nhs.net if you want to join the wellbeing working group. First meeting in Seminar Room 2 next Weds.",
        False,
    ),
    (
        "Rota swap anyone? I've got Sat 12th / Sun 13th nights and need that weekend off for my sister's wedding. Will swap for any earlies.",
        False,
    ),
    (
        "Congrats to Dr Sofia Ram\u00edrez on passing her MRCP! Drinks are on her apparently \U0001f37b",
        False,
    ),
    (
        "Bed 3 on AMU has a broken brake - labelled and reported to EBME. Please don't use it until it's fixed.",
        False,
    ),
    (
        "Flu jab clinic this Thursday in Room 1.14, Outpatients Building, 10-4. Bring your staff ID.",
        False,
    ),
    (
        "Capacity update 08:00: 47 beds open across the trust, 12 escalation beds in use, 3 patients waiting >12h in ED.",
        False,
    ),
    (
        "Can we PLEASE stop using the Ward 7 meeting room (7.03) as a storage cupboard? We have MDT in there at 11.",
        False,
    ),
    (
        "Mi turno cambia la semana que viene: lunes y martes de noche. Si alguien quiere cambiar, escr\u00edbame por aqu\u00ed.",
        False,
    ),
    (
        "Felicidades a Rosa Jim\u00e9nez del servicio de limpieza por sus 25 a\u00f1os en el hospital. \u00a1Gracias por todo, Rosa!",
        False,
    ),
    (
        "Our oldest volunteer Ted turned 91 last week and he still does the Tuesday tea trolley round. Absolute legend.",
        False,
    ),
    (
        "The new IV pumps arrive 15 July. Super-users are Jo (ICU), Marcus (theatres) and Ayesha (ward 10) \u2014 grab them with questions.",
        False,
    ),
    (
        "HR reminder: your employee number is NOT your NI number. Please stop putting your NI number on the expenses form.",
        False,
    ),
    (
        "Cardiology secretaries are on ext 3321/3322. Please stop ringing the ward about clinic letters, we don't have them.",
        False,
    ),
    (
        "Well done to the 6 North team for 100 days without a hospital-acquired pressure ulcer!!",
        False,
    ),
    (
        "Training: sepsis six simulation, Sim Suite B, 3rd floor, Wed 2 Oct 1300. 8 places, first come first served.",
        False,
    ),
    (
        "Looking for a lift share from Stockport, I start 7:30 Mon-Fri. DM me or text my work mobile 07700 900123.",
        False,
    ),
    (
        "anyone else find the new EPR logs you out after 5 mins?? raised RITM0012934 with the service desk, add yourselves to it",
        False,
    ),
    (
        "Guidance reminder: max paracetamol dose is 4g in 24h for adults over 50kg; 15mg/kg per dose if under 50kg. Poster is by the drugs trolley.",
        False,
    ),
    (
        "Payroll cutoff is the 10th this month because of the bank holiday. Overtime forms to Linda in room G.04 by 4pm.",
        False,
    ),
    (
        "Thanks to Mr Anand Patel and his registrars for the cracking urology teaching session on Tuesday \u2014 slides are on the shared drive.",
        False,
    ),
    (
        "Porters: please use lift 4 for beds, lift 3 is out until Monday (engineer ref OTIS-77812).",
        False,
    ),
    (
        "Mental health first aiders this month: Grace (ext 5510), Tomasz (ext 5521), Helen (bleep 1134). Reach out, that's what we're here for.",
        False,
    ),
    (
        "Quarterly stats: 1,204 discharges, average LOS 4.6 days, 30-day readmissions 9.1%. Full deck is in the Teams channel.",
        False,
    ),
    ("is it just me or does the vending machine outside room B12 eat every \u00a31 coin", False),
    (
        "Please welcome Chidi, Hannah and Lukas to Ward 14 this week \u2014 be nice and show them where the good biscuits are hidden.",
        False,
    ),
    (
        "The renal unit opened in 1952, so that's 72 years! Photos from the archive are on the wall outside the Jenner Room.",
        False,
    ),
    (
        "Patient experience survey is live until 30 November. Share the QR code with patients at discharge, it's completely anonymous.",
        False,
    ),
    (
        "anyone have the out of hours number for estates? radiator in the relatives' room on Ward 3 is stuck on full blast",
        False,
    ),
    (
        "Go-live for the new bed management system is 04/03/2025. Training sessions in IT Suite 2 every day that week.",
        False,
    ),
    (
        "Address for the job fair flyer: Royal Northgate Hospital, Northgate Road, Sheffield S5 7AU. Please share widely!",
        False,
    ),
    (
        "Happy 30 years to Mrs Carol Hennessy, our ward clerk on 8B \u2014 still the only person who knows where everything is.",
        False,
    ),
    (
        "Reminder: don't share patient details on here. Use the EPR or secure email. This is a staff social channel. Thanks \u2014 Info Gov team",
        False,
    ),
    (
        "Sra. Mart\u00ednez del turno de noche: gracias por ense\u00f1arme a poner v\u00edas en mi primera semana. \u00a1Eres la mejor!",
        False,
    ),
    (
        "Room 412 is now the clean utility, not a side room any more. The door sign is wrong, Estates are aware.",
        False,
    ),
    (
        "Our incidents this week: 3 falls (no harm), 1 medication near miss, 0 pressure ulcers. Good going team.",
        False,
    ),
    (
        "Metformin 500mg stock is low trust-wide. Pharmacy advises using 850mg where appropriate until the 18th.",
        False,
    ),
    (
        "New parking permits: bring your staff number and reg plate to the security office (Block C, room C0.21) between 8 and 10.",
        False,
    ),
    ("my DOB on ESR says 01/01/1900 lol. who do I talk to, am I really 124??", False),
    (
        "Congrats to Keane Ward for Team of the Year! Special mention to our HCA Doreen, 67 and still running rings around the lot of us.",
        False,
    ),
]

PHI: tuple[str, ...] = tuple(text for text, phi in CASES if phi)
NOT_PHI: tuple[str, ...] = tuple(text for text, phi in CASES if not phi)
