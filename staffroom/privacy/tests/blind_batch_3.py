"""Blind batch 3: 60 staff posts written after the rule changes and scored once, unchanged.

Written fresh for this project (nothing copied from the shared corpus, own_cases.py or
blind_batch_2.py). The detector was not edited after this batch was first scored, so its
numbers in docs/decisions/0011-phi-detector.md are the fair "after" estimate.
"""

from __future__ import annotations

PHI: tuple[str, ...] = (
    # patient_name
    "Could the evening team check whether Lorraine Whitcombe got her nebuliser at 8?",
    "Mr. Abubakar asked me three times today when he can go home, can someone update him?",
    "Ramón Escobedo's daughter is flying in tonight, please let security know.",
    "Bianca Tolliver is back on our unit for the third time this month with the same abscess.",
    "Muchas gracias al equipo de noche por cuidar tan bien a doña Encarnación Villalba.",
    "Sad news: Mrs. Haverford, who was with us for six weeks on 7 West, passed away this morning.",
    # room_bed
    "The gentleman in 409 keeps pressing his call light for water, he's on fluid restriction.",
    "Bed 3 in the step-down unit desatted to 84% twice overnight.",
    "Can transport take room 1216 down to CT? They have been waiting since noon.",
    "La señora de la cama 8 no ha comido nada en todo el día.",
    # mrn
    "MRN# 66120934 has an old DNR form scanned in, please check with the attending.",
    "Registration created a new record number 4402917 for a patient who already had one.",
    # dob
    "Two patients with the same name on 4 East, the one born 2/9/1940 is the one with dementia.",
    "D.O.B. 22-08-1999, pregnant, came through triage with abdominal pain.",
    # phone
    "Her neighbour's number is 773-555-0167 in case we can't reach the son.",
    "Please ring the pt's wife on 07700 900 461 after the procedure.",
    # email
    "The patient asked for the care plan to be sent to bobby.tran.1962@gmail.com.",
    "Mom requested the discharge letter at k.ashford@icloud.com for the school nurse.",
    # address
    "He's homeless now but used to live at 310 Poplar Street, social work is aware.",
    "Home visit needed at 6 Kestrel Close for the lady we discharged on oxygen.",
    # ssn
    "Whoever left the face sheet with SSN 401-22-8837 on the printer, please collect it.",
    "Last four of his social are 9182, registration needs them to find his old account.",
    # age_over_89
    "Our oldest patient, 103 years old, just walked the hallway with PT!",
    "Señora de 91 años con fractura de cadera, pendiente de quirófano.",
    # account_number
    "Patient account #20019847 shows the wrong insurance, billing please fix.",
    "Billing acct no. 7711-00452 for the lady in the ED was sent to collections by mistake.",
    # health_plan_id
    "Medicare number 1EG4-TE5-MK72 doesn't match what's on file for the patient in bay 6.",
    "Subscriber ID W228814409 for the transplant patient, prior auth expires Friday.",
    # date
    "He came in on 8/14 with chest pain and still has no cardiology consult.",
    "She was discharged on October 2nd and readmitted two days later.",
)

NOT_PHI: tuple[str, ...] = (
    "Does anyone have a spare phone charger on 2 North? Mine died mid-shift.",
    "Thank you to Gabriela Ortiz for covering my nights while my kid was sick.",
    "Shout-out to the float pool, especially Kwame Mensah, for jumping in on a crazy Monday.",
    "The new infusion pumps arrive on November 3rd, training sign-ups are on the board.",
    "Reminder: annual TB tests are due by December 15 for all clinical staff.",
    "Epic will be down for maintenance Sunday 01:00-03:00, downtime forms are in the blue binder.",
    "The printer in room 210 keeps printing blank pages, ticket submitted.",
    "Our ED saw 312 patients on Saturday, a new record for the department.",
    "Median length of stay on medicine fell to 4.1 days this quarter.",
    "Only 3% of our patients were over 90 last year, but they made up 10% of the falls.",
    "Congratulations Dr. Feldstein on 25 years with the hospital!",
    "Welcome back Nurse Oyelaran after her maternity leave, we missed you.",
    "Potluck on 5 East Friday, sign-up sheet is on the fridge.",
    "Can someone explain the new sepsis screening tool in Epic? It keeps firing on everyone.",
    "The cafeteria is closing early on Thanksgiving, grab dinner before 6pm.",
    "Hoy celebramos el Día de la Enfermería con desayuno en la sala de descanso.",
    "Gracias a Marta y a Iker de limpieza por dejar la planta impecable.",
    "¿Alguien sabe a qué hora abre la farmacia los domingos?",
    "Please use the new visitor policy: two visitors per patient until 8pm.",
    "Our pharmacy extension changed to 4-2290, update your speed dials.",
    "The education team can be reached at nursing.education@ourhospital.org.",
    "Employee health is at 410 Maple Avenue, across from the main entrance.",
    "Bed 5 on our unit has a broken rail, engineering said they'd come after lunch.",
    "The ice machine by room 12 is leaking again.",
    "Fun fact: the oldest nurse on staff is 71 and still works nights!",
    "Mr. Oduya from facilities fixed the thermostat in the break room, thank you!",
    "Chaplain Rosa will lead a remembrance service on June 9 in the chapel.",
    "Heads up: the parking lot on Elm closes for resurfacing from 7/1 to 7/5.",
    "CPR skills lab is in room 118 every Tuesday this month.",
    "We had 17 falls last quarter, down from 29, great work everyone.",
)
