"""Let's Talk: the chief executive and the chief nursing officer explain Riverside 2030."""

from __future__ import annotations

from staffroom.demo.content.images import Illustration
from staffroom.demo.content.specs import PostText, Said

LETS_TALK = "lets-talk"

LETS_TALK_POSTS: tuple[PostText, ...] = (
    PostText(
        key="lt-riverside-2030",
        channel=LETS_TALK,
        by="ceo",
        title="Riverside 2030: where we are going, and why",
        summary=(
            "Our new five-year plan in one page: four pillars, eleven initiatives, and how you "
            "can tell us what you think of each."
        ),
        body="""\
Dear colleagues,

Today we publish **Riverside 2030**, the plan that will guide Riverside Health for the next
five years. More than 1,400 of you shaped it, in ward huddles, night-shift listening sessions
and the survey last spring. Thank you.

The plan has four pillars:

1. **Safe and kind care** — no avoidable harm, starting with falls and sepsis.
2. **A great place to work** — enough of us on every shift, and safe at work.
3. **Healthier communities** — care closer to home in Millbrook and Eastgate.
4. **Sustainable future** — less waste, less carbon, money spent where it matters.

Each pillar has a few initiatives with an owner, a goal and a status that we will keep up to
date here, in the open. On every initiative's page you can answer two quick questions: *do
you understand what it is for*, and *do you support it*. Leadership sees the answers by
department, and we will act on what they tell us.

Over the coming weeks {cno_first} and I will explain each pillar here on Let's Talk. Ask us
anything in the comments: we read all of them, and we answer.

Catherine""",
        days_ago=56,
        pinned=True,
        tags=("riverside-2030",),
        images=(Illustration("2030", "teal and navy", "waves"),),
        said=(
            Said(
                "staff",
                "Thank you for putting the whole plan on one page. Will the goals for each "
                "hospital be different? Northgate is much smaller than Riverside General.",
                replies=(
                    Said(
                        "ceo",
                        "The goals are the same for everyone, but each hospital chooses its own "
                        "route to them. Northgate's leadership team will post their plan in "
                        "their channel next month.",
                        days_after=0.6,
                    ),
                ),
            ),
            Said(
                "nurse",
                "Really glad to see staffing as a pillar and not a footnote. Looking forward "
                "to hearing more about self-scheduling.",
                replies=(
                    Said(
                        "cno",
                        "It's coming next week, @{nurse} — and 4 West is one of the first "
                        "wards to try it.",
                        days_after=0.4,
                    ),
                    Said(
                        "manager", "We'll talk about it at Thursday's huddle too.", days_after=0.7
                    ),
                ),
            ),
            Said(
                "evs",
                "Gracias por incluir a Servicios Ambientales en las sesiones de escucha. "
                "Es la primera vez que nos preguntan a los del turno de noche.",
                replies=(
                    Said(
                        "ceo",
                        "Thank you, Rosa. The night sessions changed the plan — the career "
                        "ladders came straight out of them.",
                        days_after=1.0,
                    ),
                ),
            ),
        ),
        talk=24,
        reach=0.85,
    ),
    PostText(
        key="lt-nursing-and-2030",
        channel=LETS_TALK,
        by="cno",
        title="What Riverside 2030 means for nursing",
        summary=(
            "Three of the plan's initiatives are led by nursing. Here is what will change on "
            "your ward, and when."
        ),
        body="""\
Hello everyone,

Nurses, technicians and nursing assistants are half of Riverside Health, and three of the
plan's initiatives are led from nursing. Here is what each will mean on a ward.

**Zero harm from falls.** Every medical and surgical ward will use the same falls bundle by
the spring. 4 West and 5 East start next month, with a falls champion on each.

**Safe staffing and self-scheduling.** 84 new registered nurse posts are funded. Rotas will be
published six weeks ahead, and you will choose your own shifts within the ward's needs.

**A workplace free from violence.** Security in the ED around the clock, and personal alarms
for anyone who wants one.

None of this works unless it works at 3 a.m. on a short-staffed night. So please tell me,
here or on my rounds, where it doesn't.

{cno_first}""",
        days_ago=49,
        tags=("riverside-2030", "nursing"),
        images=(Illustration("RN", "sky blue and white", "circles"),),
        said=(
            Said(
                "staff",
                "Will self-scheduling apply to night-only staff? Most of us chose nights for "
                "childcare and can't rotate.",
                replies=(
                    Said(
                        "cno",
                        "Yes. Fixed-pattern agreements stay as they are; self-scheduling works "
                        "within them.",
                        days_after=0.5,
                    ),
                    Said("staff", "That's a relief, thank you.", days_after=0.6),
                ),
            ),
            Said(
                "editor",
                "For the ED: the security pilot has already made a difference on weekend "
                "nights. Would love to see it permanent.",
            ),
        ),
        talk=18,
        reach=0.8,
    ),
    PostText(
        key="lt-safe-and-kind-care",
        channel=LETS_TALK,
        by="ceo",
        title="Safe and kind care: why we start with falls and sepsis",
        summary=(
            "The first pillar of Riverside 2030, and why two of the least glamorous problems "
            "in the hospital come first."
        ),
        body="""\
Last year 212 of our patients were harmed by a fall, and 38 died with sepsis that might have
been treated sooner. Those two numbers are why *safe and kind care* starts where it does.

Neither needs new buildings or new technology. Both need the same thing done reliably on
every shift, which is much harder. The falls bundle and the sepsis screen were designed by
nurses and doctors on our own wards, and tested on 4 West and in the ED before anywhere else.

*Kind* matters as much as *safe*. Patients remember whether someone sat down and explained
what was happening. In the spring we will ask patients to tell us, in their own words, what
kindness looked like on their stay.

Catherine""",
        days_ago=42,
        tags=("riverside-2030", "safety"),
        images=(Illustration("SAFE", "mint and forest green", "blocks"),),
        talk=10,
        reach=0.7,
    ),
    PostText(
        key="lt-staffing-what-we-heard",
        channel=LETS_TALK,
        by="cno",
        title="Staffing: what we heard from you, and what we're changing",
        summary=(
            "You told us staffing comes first. Here is where the 84 new nursing posts go, and "
            "how self-scheduling will work."
        ),
        body="""\
In the listening sessions one word came up more than any other: *staffing*. Here is what we
are doing about it, as a progress update on **Safe staffing and self-scheduling**.

- **84 new registered nurse posts**: 30 on the medical and surgical wards, 18 in critical
  care, 14 in the ED, the rest across Northgate and Lakeside.
- **A bigger float pool**, so that a short shift is filled by a colleague who knows our
  hospital rather than by an agency.
- **Self-scheduling** pilots on 4 West, the Adult ICU and Labour & Delivery from next month.

We are honest that this initiative is *at risk*: recruitment is slower than planned, and 19
posts are still open. If you know a good nurse, our referral bonus is now $2,500.

{cno_first}""",
        days_ago=35,
        tags=("riverside-2030", "staffing"),
        initiative="safe-staffing-self-scheduling",
        said=(
            Said(
                "manager",
                "4 West is ready for the pilot. Our rota for January went out yesterday, six "
                "weeks ahead for the first time.",
                replies=(
                    Said(
                        "nurse",
                        "I swapped two shifts without a single phone call. Small thing, big "
                        "difference.",
                        days_after=0.5,
                    ),
                ),
            ),
        ),
        talk=15,
        reach=0.75,
    ),
    PostText(
        key="lt-safe-at-work",
        channel=LETS_TALK,
        by="ceo",
        title="A great place to work starts with being safe at work",
        summary="312 of you were assaulted at work last year. That has to change.",
        body="""\
No one should be hurt for coming to work. Last year 312 members of staff reported an assault,
and we know many more didn't report one.

From this month there are security officers in the emergency department around the clock,
and personal alarms for anyone who asks (your manager can order one). Everyone in the ED and
on our behavioural health units will have de-escalation training by the summer.

Most importantly: if you are hurt, your manager will call you within a day. If that doesn't
happen, tell me.

Catherine""",
        days_ago=27,
        tags=("riverside-2030", "safety", "wellbeing"),
        initiative="violence-free-workplace",
        images=(Illustration("SAFE", "gold and charcoal", "circles", variant=1),),
        talk=12,
        reach=0.7,
    ),
    PostText(
        key="lt-falls-six-weeks-in",
        channel=LETS_TALK,
        by="cno",
        title="Falls: six weeks in",
        summary="The first results from 4 West and 5 East, and what the falls champions learned.",
        body="""\
Six weeks ago 4 West and 5 East started the falls bundle. The early figures are encouraging:
**no falls with harm on 4 West in five weeks**, and falls overall down by a third on 5 East.

What the falls champions learned:

- Purposeful rounding works best when it is shared with the patient care technicians.
- Non-slip socks run out on Fridays: supply chain now stocks wards on Thursdays.
- Patients' families are our best allies: the new leaflet is in English and Spanish.

Thank you to everyone on both wards. Next: 8 West and the Lakeside wards in January.

{cno_first}""",
        days_ago=12,
        tags=("riverside-2030", "safety", "recognition"),
        initiative="zero-harm-from-falls",
        images=(Illustration("4W", "coral and plum", "waves"),),
        said=(
            Said(
                "manager",
                "So proud of this team. Special thanks to our falls champion @{nurse}, who "
                "rewrote the night rounding checklist.",
                replies=(
                    Said("nurse", "It was a team effort — thank you all!", days_after=0.2),
                    Said(
                        "staff",
                        "Congratulations 4 West! Could you share the checklist with 8 West "
                        "before we start?",
                        days_after=0.5,
                    ),
                ),
            ),
            Said(
                "director:rgh-rehabilitation",
                "Physical therapy is part of this too: we now see every patient over 70 on "
                "both wards within a day — see [Up and walking on day one]"
                "({post:rehab-early-mobility}).",
                days_after=1.5,
            ),
        ),
        talk=14,
        reach=0.55,
    ),
    PostText(
        key="lt-town-hall-questions",
        channel=LETS_TALK,
        by="ceo",
        title="Your questions from the Riverside 2030 town hall",
        summary="The twelve questions asked most often at last week's town hall, answered.",
        body="""\
Thank you to the 600 of you who joined the town hall in person or online. We couldn't answer
every question live, so here are the twelve asked most often.

**Will the plan mean job cuts?** No. The savings in *Cutting waste* pay for new frontline
posts; no one loses their job because of this plan.

**Why is "Cutting waste" off track?** The single catalogue needs a new ordering system, and we
chose the wrong supplier. We have changed it, and we will publish a new date in the spring.

**When will the neighbourhood clinics open?** We have signed the lease in Millbrook; Eastgate
is still being negotiated. I will post when we know more.

Keep asking: the comments are open, and {cno_first} and I read them every day.

Catherine""",
        days_ago=4,
        tags=("riverside-2030",),
        said=(
            Said(
                "staff",
                "Posted in the wrong thread, sorry — moving this to the staffing post.",
                removed=True,
                replies=(
                    Said(
                        "staff",
                        "If it was about the float pool, the answer is in the staffing post "
                        "from last month.",
                        days_after=0.2,
                    ),
                ),
            ),
            Said(
                "nurse",
                "Thank you for answering the job cuts question so clearly. Could the answers "
                "be read out at night huddles for those who missed the town hall?",
                edited_from="Thank you for answering the job cuts question. Could the answers "
                "be read out at huddles?",
                replies=(
                    Said(
                        "ceo",
                        "Good idea, @{nurse}. The house supervisors will read them at the "
                        "night huddles this week.",
                        days_after=0.6,
                    ),
                    Said("staff", "Yes please — nights always hear last.", days_after=0.8),
                ),
            ),
        ),
        talk=11,
        reach=0.35,
    ),
    PostText(
        key="lt-healthier-communities",
        channel=LETS_TALK,
        by="ceo",
        title="Healthier communities: the clinics we're opening",
        summary="Why Millbrook and Eastgate, what the clinics will offer, and how to get involved.",
        body="""\
People in Millbrook and Eastgate live eleven years less than people five miles away. The
third pillar of Riverside 2030 starts there, with two neighbourhood clinics offering primary
care, diabetes care and maternity check-ups in the evenings and on Saturdays.

We are looking for colleagues who would like to work some of their hours in the community.
Talk to your manager, or reply here.

Catherine""",
        days_ago=-6,
        status="scheduled",
        tags=("riverside-2030", "community"),
        initiative="neighbourhood-clinics",
        images=(Illustration("MB", "amber and brown", "blocks"),),
        talk=0,
    ),
    PostText(
        key="lt-nursing-strategy-draft",
        channel=LETS_TALK,
        by="cno",
        title="Draft: our nursing strategy, refreshed",
        summary="For the Nursing Practice Council to review before it goes to everyone.",
        body="""\
*Draft — not yet published.*

Our nursing strategy was last refreshed in 2021. This draft brings it in line with Riverside
2030: safe staffing, professional growth, and nursing research on every unit.

1. Every nurse has a development conversation each year, with time set aside for it.
2. Shared governance: a unit practice council on every ward by 2026.
3. Nursing research: two funded nurse researcher posts.""",
        days_ago=0,
        status="draft",
        tags=("nursing",),
        talk=0,
    ),
)
