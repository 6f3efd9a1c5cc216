"""Blind batch 2: 120 staff posts written before the detector rules were studied.

Written fresh for this project (nothing copied from the shared corpus or own_cases.py) to
estimate how the detector generalises. Each entry is a text; PHI holds posts that disclose
protected health information, NOT_PHI holds posts that do not. The first score of the
unchanged detector on this batch is recorded in docs/decisions/0011-phi-detector.md.
"""

from __future__ import annotations

PHI: tuple[str, ...] = (
    # patient_name
    "Can someone sit with Agnes Thornbury in 5 South? She keeps trying to climb out of bed.",
    "Walter Pruitt's family asked that nobody mention the scan results until the doctor arrives.",
    "Mrs. Delacroix had a reaction to the contrast dye, please add it to her allergies.",
    "pt Imani Okafor-Reyes declined the flu shot again, documenting it for the night team.",
    "Old Mr. Kowalczyk from the geri-psych unit asked for his harmonica back.",
    "The little Nguyen girl in peds finally ate a full breakfast after her appendectomy!",
    "Reminder that Bernard Ashworth is NPO after midnight for his colonoscopy.",
    "Heads up: Priya Raman's potassium came back critical, nephrology has been paged.",
    "Big thanks to whoever stayed late with Mrs. Fitzgerald while she waited for the ambulance.",
    "Jacqueline Morrow was readmitted with sepsis, same wound as last month.",
    "La paciente Carmen Ibáñez necesita una traductora para firmar el consentimiento.",
    "El señor Rodrigo Fuentes se cayó en el baño anoche, ya avisamos a su hija.",
    # room_bed
    "Bed 14B is pulling his NG tube out again, we need restraints ordered.",
    "The lady in room 318 has been asking for pain meds every hour since her surgery.",
    "Rm 7 in the CVICU coded twice overnight, family is on the way.",
    "Whoever is in bed 22 on Oncology has a fever of 39.4 and no cultures drawn yet.",
    "Room 1104, bed 2 is a confirmed C. diff, please use contact precautions.",
    "La paciente de la habitación 215 tiene fiebre desde la madrugada.",
    # mrn
    "Please merge the duplicate charts, MRN 7730418 and MRN 7730481 are the same person.",
    "Medical record number 00912556 shows the wrong blood type on the label.",
    "Can pharmacy verify the vancomycin level for MR# 4418207?",
    "chart #H0093341 is missing the discharge summary from Tuesday",
    "Número de historia clínica 5582910: falta el informe de alta.",
    # dob
    "The man born on 11/02/1948 in the ED hallway needs a urine sample.",
    "Patient's date of birth is 7 March 1961, please fix the wristband, it says 1916.",
    "DOB: 1985-09-30 — she's the one with the latex allergy on the step-down unit.",
    "Fecha de nacimiento 14/06/1957, diabética, ingresó por neumonía.",
    # phone
    "Her husband keeps calling, his number is (617) 555-0142 if the social worker needs it.",
    "Call the patient's daughter at 312-555-8890 before he goes to the OR.",
    "The patient's cell is 415.555.2093, he wants a callback about his biopsy.",
    "Su hijo pidió que le llamen al 612 345 987 cuando salga de quirófano.",
    "Pt's mom asked us to text updates to +1 646 555 0199.",
    # email
    "The patient wants his lab results sent to marco.bellini77@gmail.com, is that allowed?",
    "Discharge instructions bounced from ruthann.k@yahoo.com, the patient says she never got them.",
    "His wife emailed from dperalta@outlook.com asking about his chemo schedule.",
    "La familia de la paciente escribió desde lucia.moreno@hotmail.es para pedir el informe.",
    # address
    "The patient lives at 48 Birchwood Lane, Apt 3, and says the home nurse never came.",
    "Ambulance dropped him off from 1290 Harbor View Drive, he lives alone.",
    "Home health needs the address: 775 Old Mill Road, Springfield — she is on oxygen.",
    "El paciente vive en Calle de Alcalá 142, 3º B, y no tiene quien lo cuide.",
    # ssn
    "Insurance rejected the claim because SSN 078-05-1120 was typed wrong on the face sheet.",
    "Social security number 219 09 9999 is on the printout left at the copier, shred it please.",
    "The patient's SSN ends in 4471 and registration used the wrong one for his MRI.",
    # age_over_89
    "We have a 94-year-old gentleman on 2 East who is refusing his dialysis.",
    "Our 101 year old patient celebrated her birthday on the ward today with cake!",
    "The 92 yo woman in the hip fracture bay needs a delirium screen.",
    "Paciente de 96 años con insuficiencia cardíaca, pide ver al capellán.",
    # account_number
    "Billing says account number 55021987 has a balance from his ER visit last spring.",
    "Acct #A-7739201 was charged twice for the same CT, the patient is upset.",
    "Hospital account 3300458812 needs the surgery codes fixed before Friday.",
    # health_plan_id
    "Her Medicaid ID is MCD448812093, the pharmacy cannot process the prescription.",
    "Member ID XQH900123456 for the BlueCross patient in pre-op is not going through.",
    "Policy number on his insurance card is HMO-2281-4490, authorization still pending.",
    # date (of service linked to a patient)
    "Mr. Osei was admitted on 3/18 and still hasn't seen physical therapy.",
    "She had her stroke on January 4th and the rehab referral was lost.",
    "The patient discharged on 02/11/2026 came back with the same pneumonia.",
    "Surgery date for Mrs. Lindqvist moved to 12 May, please tell the family.",
    "Ingresó el 5 de marzo y todavía no le han hecho la resonancia.",
    "Shout-out to the night team for getting Mr. Baptiste through his DKA crisis.",
    "SS# 512-44-9031 was written on the whiteboard in bay 3, someone erase it.",
)

NOT_PHI: tuple[str, ...] = (
    # shift talk
    "Can anyone swap my Saturday night on 4 West for a Tuesday day shift?",
    "Night shift on the step-down unit was calm for once, thank you all!",
    "Looking for someone to cover 0700-1930 on the 14th, I'll take your weekend in return.",
    "Our unit is short two nurses tonight, float pool please check your messages.",
    "Reminder: handover starts at 06:45 sharp in the conference room on 3 North.",
    "¿Alguien puede cambiarme el turno de noche del viernes por uno de mañana?",
    # thank-yous and shout-outs with names
    "Huge shout-out to Rebecca Liang in pharmacy for sorting the vancomycin shortage.",
    "Thank you Dr. Abiodun for staying two hours past your shift to teach the residents.",
    "Congratulations to Marcus Delgado on passing his CCRN exam!",
    "Kudos to Nurse Patel and the whole 6 East team for the perfect audit score.",
    "Welcome to our new unit manager, Hannah Brightwell, who joins us from Mercy General.",
    "Gracias a Lucía Herrera por organizar la cena de Navidad del equipo de urgencias.",
    "Farewell drinks for Tom O'Sullivan on Friday, he is retiring after 31 years in radiology.",
    "Props to Joaquín and Aisha from transport for being so quick today.",
    # IT complaints
    "Epic froze again at 2pm, is anyone else's session timing out every ten minutes?",
    "The badge reader at the east entrance is broken, IT ticket 448213 has been open for a week.",
    "Printer on 5 South keeps jamming, the wristband printer works fine though.",
    "The Pyxis in room 3 of the pharmacy is offline, use the one by the elevators.",
    (
        "My password expired and the reset link goes to a 404 page, "
        "help desk ext 4410 isn't answering."
    ),
    "La impresora de la planta 2 no funciona desde el lunes.",
    "VPN keeps dropping when I chart from home, version 10.4.2 of the client.",
    # event notices
    "BLS recertification sessions on March 12 and March 19 in classroom B, sign up on the portal.",
    "The staff picnic is on 6/21 at Riverside Park, bring your families!",
    "Grand rounds this Thursday: Dr. Okoye on antimicrobial stewardship, room 220 at noon.",
    "Yoga for night-shift staff every Wednesday at 8am in the wellness room on level 2.",
    "Fire drill scheduled for 10/03 between 10:00 and 11:00, do not use the lifts.",
    "Charla sobre seguridad del paciente el 15 de abril a las 13:00 en el aula 4.",
    "Blood drive in the main lobby on Monday, 7am to 3pm.",
    # statistics
    "Our hand hygiene compliance reached 96% in October, best on the campus!",
    "Falls on 3 West dropped from 12 to 4 per quarter after the hourly rounding pilot.",
    "ED wait times averaged 94 minutes last month, down from 131.",
    "We had 1,248 admissions in Q3 and readmissions fell to 11.2%.",
    "Patient satisfaction scores for the surgical floor went up 8 points this year.",
    "La tasa de infecciones de catéter bajó un 40% este trimestre.",
    "Average age of our ICU patients was 67 this year, according to the quality report.",
    # general clinical without identifiers
    "Reminder: all patients on heparin drips need an anti-Xa level every six hours.",
    "New protocol: sepsis bundles must be started within one hour of triage.",
    "We are out of size 7 sterile gloves on 4 North, supply has been called.",
    "A patient on our floor thanked the whole team today, it made my week.",
    "Had a tough code this morning, grateful for the debrief afterwards.",
    "Does anyone have a good teaching sheet for new insulin pump users?",
    "The pediatric ward is decorating for Halloween, costumes welcome on the 31st.",
    "Los pacientes con aislamiento de contacto necesitan bata y guantes siempre.",
    # things that look like identifiers but are not
    "The new extension for the bed management office is 5521.",
    "Order code 88420 is the one for the basic metabolic panel now.",
    "Call the help desk at 1-800-555-0100 for Epic password resets.",
    "Questions about the policy go to education@staffroom-hospital.org.",
    "Parking garage B is at 200 Hospital Drive, entrance on the north side.",
    "Room 4 in the basement is the new lactation room for staff.",
    "Bed 12 is being replaced with a bariatric bed, maintenance comes Thursday.",
    "Form HR-2291 is due for all staff by the end of the month.",
    "Our unit phone is 555-0173, please stop calling the charge nurse's cell.",
    "The 90-day orientation review is due for all new hires this week.",
    "We're celebrating 95 years of the hospital this fall!",
    "Staff ID badges starting with 77 need to be reprinted before January 1st.",
    # colleague personal news
    "Maria from housekeeping had her baby girl on Sunday, mom and baby are doing great!",
    "Dr. Chen is out on leave until the 20th, Dr. Russo is covering her clinic.",
    "Happy birthday to our unit clerk Donna, 30 years young today!",
    "Condolences to Pedro Álvarez from security whose father passed away last week.",
    "Jessica broke her wrist skiing, so she's on light duty this month.",
)
