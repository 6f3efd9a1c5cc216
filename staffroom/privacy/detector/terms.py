"""Word lists the detector reads context from, written for Staffroom (English and Spanish).

Lower-case single words unless the list says otherwise. They describe *kinds* of context
(clinical vocabulary, staff roles, meeting places), never particular people or posts.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    """The whitespace-separated words of `text` (lists below stay easy to read and edit)."""
    return text.split()


# Diagnoses, procedures, treatments and care events: a name or room near these is about care.
CLINICAL_WORDS = frozenset(
    _words(
        """
        admitted admission admit readmitted readmission discharged discharge transferred
        transfer diagnosed diagnosis dx prognosis intubated extubated coded resuscitated surgery
        surgical operated operation procedure biopsy chemo chemotherapy radiation dialysis
        hemodialysis transplant insulin drip iv warfarin heparin morphine opioid overdose
        antibiotics antibiotic dose dosage prescribed prescription medication meds allergy
        allergic allergies sepsis septic pneumonia stroke cva mi infarction cardiac arrest
        seizure seizures fracture fractured hip replacement cancer tumor tumour leukemia
        lymphoma carcinoma metastatic oncology diabetes diabetic dka hypoglycemia copd asthma
        chf hypertension dementia alzheimer's alzheimers delirium fall falls wound ulcer
        pressure-injury amputation amputee trach tracheostomy ventilator vent bipap cpap oxygen
        o2 catheter foley picc port feeding tube ng peg c.diff c-diff mrsa vre tb tuberculosis
        covid covid-19 flu influenza rsv isolation hiv hepatitis pregnant pregnancy labor labour
        delivered delivery c-section miscarriage stillborn nicu picu icu ccu er ed trauma injury
        injured bleed bleeding hemorrhage gi mri ct x-ray xray ultrasound echo ekg ecg scan labs
        lab bloodwork redraw specimen pathology results symptoms symptom pain chest-pain fever
        vomiting nausea rash infection infected cellulitis abscess appendicitis appendectomy
        cholecystectomy colonoscopy endoscopy cardiac cath stent bypass cabg pacemaker
        arrhythmia afib psych psychiatric suicidal suicide depression anxiety schizophrenia
        bipolar withdrawal detox rehab rehabilitation hospice palliative dnr comfort-care
        terminal  died death deceased expired autopsy morgue code-blue rapid-response
        wristband chart recovering recovery recovered post-op postop pre-op preop anesthesia
        sedation sedated uti pe dvt embolism sats saturation bronchoscopy thoracentesis
        paracentesis intubation sickle anemia renal kidney liver cirrhosis pancreatitis hernia
        gallbladder concussion burn burns laceration stitches sutures splint pneumothorax ostomy
        colostomy urinary incontinence diarrhea dehydration dehydrated hypotension tachycardia
        bradycardia hyperkalemia hypokalemia hyponatremia confused confusion agitated restraints
        sitter fell med potassium sodium hemoglobin creatinine troponin inr lactate wbc a1c
        dnacpr dnar polst molst vitals bp hr ckd aki esrd ards cad pvd gerd ibs ibd crohn's
        crohns als parkinson's parkinsons mnd tia sah sdh osa t2dm t1dm htn hep
        glucose sugar transfusion blood platelets tpn npo paciente ingresado ingresada ingreso
        alta diagnóstico diagnosticado diagnosticada cirugía operado operada quimioterapia
        diálisis insulina neumonía ictus infarto fractura cáncer demencia caída herida úlcera
        sepsis tratamiento medicación dosis alergia embarazada parto urgencias uci intubado
        intubada falleció fallecido fallecida biopsia resultados síntomas dolor fiebre infección
        hospitalizado hospitalizada ingresó
        ambulance stretcher gurney wheelchair walker commode bedpan bedside bedbound bedridden
        camilla ambulancia silla-de-ruedas
        inhaler inhalers nebuliser nebulizer nebs neb cannula cannulas iv-line obs sats bloods
        temp temps spiked febrile afebrile physio mobilise mobilize mobilising mobilizing
        theatre theatres scope endoscope drain drains dressing dressings stoma pca epidural
        collar gcs unresponsive unconscious collapsed choking aspirated aspiration distressed
        wandering absconded ama af nstemi stemi acs angina palpitations syncope fainted dizzy
        vertigo migraine headache meningitis contractions ectopic postpartum postnatal
        antenatal neonatal preterm premature jaundice jaundiced norovirus noro barrier
        fluids thickened swallow swallowing dysphagia ng-tube peg-tube feed feeds tube-feed
        bp's hypoxic hypoxia desat desats desatted desatting desaturated desaturating
        breathless sob wheezy wheezing cough coughing sputum oedema edema swollen swelling
        bruising bruised blister pressure-sore bedsore bedsores sore sores vomited vomit
        nauseous constipated constipation incontinent catheterised catheterized bleeding
        bled haemorrhage seizing seized fitting fitted rigors shivering shaking tremor
        peds paeds pediatric paediatric pediatrics paediatrics cardiology neurology nephrology
        urology gastro respiratory obstetric obstetrics
        analgesia painkillers paracetamol ibuprofen tramadol codeine oxycodone fentanyl
        ketamine naloxone steroids steroid prednisolone prednisone antibiotics amoxicillin
        vancomycin gentamicin metformin apixaban enoxaparin clexane lasix furosemide
        digoxin salbutamol albuterol haloperidol lorazepam diazepam midazolam benzo benzos
        nil-by-mouth nbm crash crashed deteriorating deteriorated deterioration unwell
        operación intervención quirófano anestesia oxígeno sonda suero analítica analgesia
        curas tos vómitos mareo caído caída caídas tensión glucemia saturación desaturó
        hemorragia sangrado paliativos sedación sedado sedada respirador transfusión
        convulsión convulsiones delirio ingresar sondaje vía-central
        fasting fasted ayuno ayunas sacral pyelo hypo hypos hyper hypers
        dentures denture zimmer pyjamas slippers nightie dentadura audífono audífonos
        tto ttos safeguarding medicare medicaid funeral interpreter consent epoc ingresa
        reagudizado reagudización
        """
    )
)

# Multi-word clinical phrases (matched as phrases, lower-case).
CLINICAL_PHRASES = (
    "chest pain",
    "hip replacement",
    "knee replacement",
    "heart attack",
    "heart failure",
    "blood pressure",
    "blood sugar",
    "code blue",
    "rapid response",
    "fall risk",
    "c. diff",
    "end of life",
    "comfort care",
    "came in with",
    "brought in",
    "passed away",
    "out of bed",
    "sit with",
    "call light",
    "bed alarm",
    "sala de partos",
    "nil by mouth",
    "rapid af",
    "chest infection",
    "barrier nursed",
    "pulled out",
    "went into",
    "last days",
    "final days",
    "últimos días",
    "se ha caído",
    "se cayó",
    "low sats",
    "high temp",
    "fluid restriction",
    "went home",
    "sent home",
    "call bell",
    "care home",
    "nursing home",
    "do not resuscitate",
    "last rites",
    "asking for the chaplain",
    "asked for the chaplain",
    "see the chaplain",
    "for a priest",
    "hearing aid",
    "hearing aids",
    "walking stick",
    "walking frame",
    "not eating",
    "off her food",
    "off his food",
    "sin comer",
    "no come",
)

# Word shapes of clinical vocabulary the lists above can't enumerate: drug name endings
# (-mycin, -cillin, -pril, -olol, -statin, -parin...), procedure and diagnosis endings
# (-ectomy, -itis, -emia...) and common clinical stems (desat-, nebuli-, cannul-...).
CLINICAL_SHAPES = (
    r"\b(?:desat|nebuli[sz]|nebuliz|cannul|catheter|intubat|extubat|transfus|infus|sedat|"
    r"seiz|vomit|ha?emorrh|diabet|hypo(?:gly|ten|x|therm|natr|kal)|hyper(?:gly|ten|kal|natr)|"
    r"tachy|brady|arrhythm|fibrillat|pneumon|septic|sepsi|infect|fractur|dement|delir|"
    r"dialys|oxygen|saturat|antibio|analges|oncolog|chemo|radiother|palliat|hospice|thromb|"
    r"embol|dysphag|aphas|incontin|diarrh|nause|dyspn|apno?e|jaundic|ulcerat|gangren|"
    r"amputat|biops|resuscitat|defibrillat|ventilat|anaesth|anesth|postop|post-op|preop|"
    r"pre-op|haemat|hemat|metasta|tumou?r|lesion|neutropen|immunosupp)[a-z]*"
    r"|\b[a-záéíóú]{3,}(?:ectom[ií]a|otom[ií]a|ostom[ií]a|oscop[ií]a|plastia)\b"
    r"|\b[a-z]{3,}(?:ectomy|otomy|ostomy|oscopy|plasty|itis|algia|(?<!acad)a?emia|osis|"
    r"mycin|cillin|floxacin|azole|prazole|statin|sartan|(?<!c)olol|pril|parin|xaban|"
    r"dronate|triptan|tidine|zepam|azepam|barbital|profen|codone|morphone)\b"
)

# What a patient is to the ward: "our longest stay, Mrs. X", "our regular, Mr. Y".
PATIENT_DESCRIPTORS = frozenset(
    _words(
        """
        stay stayer long-stayer resident admission regular regulars frequent flyer
        centenarian nonagenarian survivor
        """
    )
)

# What a patient has with them on the ward: "Mr X's glasses", "Mrs Y's wedding ring".
BELONGINGS = frozenset(
    _words(
        """
        glasses spectacles clothes belongings property wallet purse handbag ring rings
        charger phone watch pyjamas slippers dentures hearing walking gafas ropa pertenencias
        flowers notes
        """
    )
)

# Words that point at one person who is (or is related to) a patient.
PATIENT_NOUNS = frozenset(
    _words(
        """
        patient pt pt. patient's pt's patients' gentleman lady man woman boy girl child kid baby
        infant newborn toddler teen teenager resident's paciente señor señora niño niña bebé
        hombre mujer anciano anciana gent chap fella bloke prisoner couple
        """
    )
)

# Nouns after "patient" that make it describe a service: "patient flow", "patient safety".
PATIENT_ATTRIBUTE_USES = frozenset(
    _words(
        """
        flow experience safety leaflet leaflets survey surveys satisfaction portal transport
        information education advice forum panel partners partnership liaison services
        feedback engagement voice council champions champion stories story pathway pathways
        """
    )
)

FAMILY_WORDS = frozenset(
    _words(
        """
        family daughter son wife husband mother father mom mum dad sister brother spouse
        grandson granddaughter grandpa grandma grandmother grandfather granny caregiver guardian
        parents parent niece nephew aunt uncle fiancé fiancée boyfriend girlfriend familia hija
        hijo esposa esposo marido madre padre hermana hermano nieta nieto abuela abuelo
        """
    )
)

# Pronouns that, together with clinical words, make a sentence about one person's care.
PERSON_PRONOUNS = frozenset(_words("he she his her him hers himself herself él ella su"))

# Courtesy titles used for patients as much as for staff. "Dr." is not here: see STAFF_TITLES.
HONORIFICS = frozenset(
    _words(
        """
        mr mrs ms miss mx sr sra srta señor señora don doña sir madam mister
        sgt capt cpl col rev revd dame
        """
    )
)

# Verbs whose object is a person being cared for: "caring for Mr. X", "cuidar a doña X".
CARE_OBJECT_VERBS = frozenset(
    _words(
        """
        caring cared nursing nursed looking looked sitting comforting comforted calming calmed
        settling settled feeding fed washing washed bathing bathed turning turned
        resuscitating treating treated cuidar cuidando cuidasteis cuidaron acompañar
        acompañando acompañasteis atender atendiendo atendisteis
        """
    )
)

# Titles and roles: a name right after one of these belongs to a colleague.
STAFF_TITLES = frozenset(
    _words(
        """
        dr dra doctor doctora nurse rn lpn np pa md cna tech technician therapist pharmacist
        chaplain manager director supervisor coordinator secretary clerk chief ceo cfo cno coo
        cmo vp president colleague coworker co-worker volunteer intern fellow surgeon physician
        provider educator specialist administrator officer aide resident attending hospitalist
        midwife paramedic emt dietitian nutritionist counselor counsellor receptionist scheduler
        porter housekeeper engineer analyst lead charge preceptor mentor professor instructor
        enfermera enfermero médico médica supervisora compañera compañero jefa jefe auxiliar
        celador celadora técnico técnica residente
        liaison rep representative champion ambassador steward governor trustee host
        matron sister leader practitioner chair chairman chairwoman chairperson fisioterapeuta
        trabajadora trabajador physiotherapist barber hairdresser capellán capellana limpiadora
        limpiador cocinera cocinero administrativa administrativo secretaria secretario matrona
        terapeuta psicóloga psicólogo farmacéutica farmacéutico physio hca consultant
        registrar sho
        """
    )
)

# Words of thanks and welcome: "thanks to Maria Lopez" is about a colleague.
STAFF_GREETINGS = frozenset(
    _words(
        """
        thanks thank kudos shout-out shoutout shout congrats congratulations welcome welcoming
        farewell goodbye bravo cheers applause gracias felicidades enhorabuena bienvenida
        bienvenido bienvenidos
        """
    )
)

# Work-life words that make a sentence about staff rather than about a patient's care.
STAFF_ACTIVITY = frozenset(
    _words(
        """
        nclex exam exams boards
        shift shifts covering covered cover anniversary retire retired retiring retirement
        promoted promotion hired joined joins onboarding orientation award awarded nominated
        nomination certification certified graduated graduation mentor mentored mentoring
        precepted precepting trained training taught teaching lecture talk presentation
        presented webinar conference meeting committee volunteers volunteering employee
        employees staff team colleague colleagues coworkers leads leading led organized
        organised organizing handled handling caught catching coordinated scheduling badge
        payroll pension retires crew turno turnos aniversario jubilación jubilada jubilado
        formación reunión equipo compañeros
        audit audits lead rota roster rostered recertification revalidation appraisal
        course courses e-learning competency competencies induction interview interviews
        estates canteen maternity paternity vacancy vacancies recruitment apprenticeship
        jubila jubilación cocina
        rollout roll-out implementation charge
        coordina coordinará organiza organizó vacaciones cuadrante libranzas
        """
    )
)

# Departments: "James in transport", "call pharmacy at ...".
DEPARTMENTS = frozenset(
    _words(
        """
        transport transportation facilities evs housekeeping pharmacy radiology lab laboratory
        it hr payroll finance billing security dietary nutrition kitchen cafeteria maintenance
        engineering registration admitting quality education marketing communications
        administration admin switchboard helpdesk help-desk desk office department dept service
        services unit station line hotline operator front-desk scheduling supply purchasing
        compliance privacy legal volunteers chaplaincy foundation parking farmacia admisión
        mantenimiento limpieza cocina informática
        turno turnos enfermería guardia guardias plantilla supervisión recepción equipo
        reception catering estates porters portering procurement governance league servicio
        recursos
        """
    )
)

# Rooms that are places for staff, events or things, not for a patient.
NON_PATIENT_ROOMS = frozenset(
    _words(
        """
        conference meeting meets meet committee training huddle lactation break classroom
        auditorium supply storage server call on-call locker board town quiet staff lounge
        education simulation sim lecture class session webinar orientation lunch seminar
        workshop presentation event interview office copy utility mechanical linen clean dirty
        nourishment family-room in-service inservice join rsvp
        reunión reuniones formación sala aula descanso
        skills cpr bls acls pals computer wellbeing well-being prayer multi-faith chapel gym
        library handover
        """
    )
)

# A bed or room that is broken or being fixed is furniture, not a patient's place.
ROOM_FAULT_WORDS = frozenset(
    _words(
        """
        broken faulty averiada averiado estropeada estropeado repair repaired repairs
        maintenance mantenimiento estates refurbishment refurbished replaced replacing
        ticket mattress ready cleaned empty vacant available blocked made-up
        painting painted decorating pintando pintada pintado obras
        """
    )
)

# What marks a date as an event (a meeting, a launch), not a day in a patient's care.
EVENT_WORDS = frozenset(
    _words(
        """
        meeting town hall webinar training class session workshop seminar conference lecture
        talk starts starting start begins beginning launch launches rolls deadline due effective
        go-live golive celebration party picnic potluck drive clinic orientation enrollment
        enrolment election vote survey scheduled downtime upgrade review forum fair festival
        poster abstract congress symposium summit
        mondays tuesdays wednesdays thursdays fridays saturdays sundays weekly fortnightly
        monthly booked jab jabs vaccination vaccinations vaccinator vaccinators teaching
        reunión formación sesión taller jornada charla celebración fiesta
        """
    )
)

# Verbs and nouns of a care episode that give a date to a patient.
CARE_EVENT_WORDS = frozenset(
    _words(
        """
        admitted admission readmitted discharged discharge transferred transfer operated surgery
        procedure intubated coded died passed expired delivered presented arrived seen visit
        fell injured diagnosed ingresado ingresada ingresó alta operado operada falleció
        trasladado trasladada
        """
    )
)

# Care verbs whose form already points at one person ("ingresó el 5 de marzo").
PERSON_CARE_VERBS = frozenset(
    _words(
        """
        ingresó ingresado ingresada reingresó falleció fallecido fallecida operado operada
        trasladado trasladada intubado intubada
        """
    )
)

# An address near these words is the hospital's own (a clinic, an office), not a home.
ORG_PLACE_WORDS = frozenset(
    _words(
        """
        clinic office campus building center centre parking garage lot site location hospital
        headquarters pavilion tower conference event meeting opens opening moving moved pharmacy
        lab entrance shuttle clínica oficina edificio centro aparcamiento sede
        """
    )
)

RESIDENCE_WORDS = frozenset(
    _words(
        """
        lives living live home house apartment apt address resides residence moved discharged
        vive casa domicilio piso dirección
        """
    )
)

# Errands of a patient's care that go to their address: "transport booked to ...".
ADDRESS_CARE_WORDS = frozenset(
    _words(
        """
        transport ambulance taxi pick picking pickup collect collecting collection district
        dressings meds medication medications equipment commode delivered delivery visit visiting
        referral gp carers package hospital-at-home appointment return returning key
        letter letters outpatient registered
        traslado recoger domicilio visita
        """
    )
)

# Mailbox names that belong to a team, not a person.
ROLE_MAILBOXES = frozenset(
    _words(
        """
        info help helpdesk it hr wellness admin support noreply no-reply contact office team
        staff nursing pharmacy education benefits payroll security privacy compliance
        communications comms events volunteers careers jobs news feedback hello schedule
        scheduling billing quality safety training service servicedesk desk facilities
        """
    )
)

# Capitalised words that start sentences or name places and things, never part of a name.
NOT_NAME_WORDS = frozenset(
    _words(
        """
        the a an our your their my his her its this that these those there here thanks thank
        huge big great kudos shout welcome happy congratulations congrats please reminder fyi
        question proposal idea suggestion update note note: we i you he she they it if when why
        how what who can could would should does did do is are was were has have had will may
        june april august march north south east west central general hospital medical center
        centre clinic unit room bed floor level wing tower building street avenue road monday
        tuesday wednesday thursday friday saturday sunday january february july september
        october november december today tomorrow yesterday tonight morning night patient
        patients pt family nurse doctor dr mr mrs ms miss team staff department icu nicu er ed
        or pacu picu ccu mri ct epic covid lot level also after before during while because but
        and or so then just still new old first last next every each all some baby boy girl
        grandpa grandma grandmother grandfather mom dad daughter son wife husband hi hello dear
        good well more most very much many any no not yes ok okay safety experience week day
        month year summit award awards program programme council committee quality care services
        health wellness week fair gala day policy plan emergency department pharmacy radiology
        lab laboratory security facilities transport chaplain volunteer services service desk
        line office auditorium conference cafeteria el la los las un una de del y en con por
        para que su mi gracias hola paciente señor señora sala planta hoy ayer mañana lunes
        martes miércoles jueves viernes sábado domingo enero febrero marzo abril mayo junio
        julio agosto septiembre octubre noviembre diciembre
        """
    )
)

# The same words as they appear capitalised, for filtering name lists ("May", "June").
NOT_NAME_WORDS_TITLE = frozenset(w.capitalize() for w in NOT_NAME_WORDS) | frozenset(
    _words(
        """
        Will Grant Hope Joy Faith Grace Rose Bill Mark Art Page Care Chase Dawn Summer Winter
        Autumn Iris Violet Lily Ruby Crystal Amber Holly Ivy Sky Star Major Sterling Mercy
        Christian Rich Young King White Black Brown Green Long Little Hall Field Park Lane Price
        Story Love Rest Cash Gay Bell Hill Wood Stone Ward Nurse Doctor Page Guy Sunny Patience
        Charity Honor Justice Destiny Unity Trinity Harmony Liberty Precious Blessing
        Let Lets Said Sure Nice Fine Stay Keep Call Ring Check Read Pat Bob Sue
        """
    )
)

# Words after which a role description stops ("Mr. X is the patient *of* Dr. Y").
ROLE_STOP_WORDS = frozenset(_words("of in for with at on from to who and de en con para que"))

# A run of capitalised words holding one of these is an organisation or a place, not a person
# ("the Smith Family Foundation", "Johnson Cancer Center").
ORGANISATION_WORDS = frozenset(
    _words(
        """
        foundation center centre institute clinic hospital university college fund society
        association pavilion wing building hall award scholarship lecture program programme
        school church library park street avenue road company inc llc group
        royal trust nhs infirmary memorial county regional league friends charity council
        university health healthcare ltd plc
        """
    )
)
