"""The demo's video posts: what each post says, what its clip shows, and its captions.

Clips are drawn by ffmpeg when the demo is built (videos.py): a coloured card with the post's
title, each caption line shown as a slide while it is "spoken", and a soft tone. The captions
are the words of the clip, so they line up with what is on screen. Three posts in every build
(a ward's update, the chief nursing officer on Let's Talk about an initiative, and Facilities'
how-to); the `large` size adds ten more across other channels.
"""

from __future__ import annotations

from dataclasses import dataclass

from staffroom.demo.content.department_texts import NURSING_COUNCIL, WELLBEING
from staffroom.demo.content.lets_talk_texts import LETS_TALK
from staffroom.demo.content.specs import PostText

# (start, end, text) in seconds: one caption cue, and the slide shown meanwhile.
Line = tuple[float, float, str]


@dataclass(frozen=True)
class VideoText:
    post: PostText
    background: str  # ffmpeg colour of the card, e.g. "0x1d4e89"
    # What the speaker says, in English: the captions and the slides. A `|` breaks a slide's
    # line (the caption gets a space there).
    lines: tuple[Line, ...]
    # The same lines in Spanish (same timings), when the post has Spanish captions too.
    spanish: tuple[str, ...] = ()
    transcript: str = ""
    tone_hz: int = 220
    sizes: tuple[str, ...] = ("demo", "large")  # the demo sizes that have this video

    @property
    def seconds(self) -> float:
        return self.lines[-1][1] + 1.0


DEMO_VIDEOS: tuple[VideoText, ...] = (
    VideoText(
        post=PostText(
            key="video-4-west-handover-board",
            channel="rgh-medicine",
            by="manager",
            title="4 West: a first look at our new handover board",
            summary=(
                "A short video tour of the board we now use at every shift change: what each "
                "column means and when we update it."
            ),
            body="""\
Since the start of the month, 4 West hands over at the **board by the nurses' station**
instead of in the office. Every bay has a column: falls risk, mobility, and who to call.

The video shows how it works in under a quarter of a minute. We update the board together at
the 7 a.m. and 7 p.m. huddles, so the night team and the day team see the same picture.

If your ward would like to try it, come and see ours: any charge nurse will show you round.
Questions are welcome below.""",
            days_ago=4,
            tags=("nursing", "safety"),
            talk=0,
            reach=0.55,
        ),
        background="0x1d4e89",
        lines=(
            (0.5, 3.5, "This is the new handover board|on 4 West."),
            (3.5, 7.0, "Each bay has a column: falls risk,|mobility and who to call."),
            (7.0, 10.5, "We update it together at the|7 a.m. and 7 p.m. huddles."),
            (10.5, 13.5, "Questions? Ask any charge nurse,|or comment below."),
        ),
    ),
    VideoText(
        post=PostText(
            key="video-cno-self-scheduling",
            channel=LETS_TALK,
            by="cno",
            title="Video: what self-scheduling will mean for your rota",
            summary=(
                "Our chief nursing officer on the safe staffing initiative: rotas six weeks "
                "ahead, choosing your own shifts, and what happens next."
            ),
            body="""\
Self-scheduling is the part of **Safe staffing and self-scheduling** you asked about most, so
I recorded a short message about it. It has captions in English and Spanish, and the full
transcript is under the player.

The short version: rotas will be published six weeks ahead instead of two, and you will choose
your shifts within what your ward needs. Three wards start in the spring; every ward follows
by the end of next year.

Tell me below what would make it work on your ward.

{cno_first}""",
            days_ago=9,
            tags=("riverside-2030", "staffing", "nursing"),
            initiative="safe-staffing-self-scheduling",
            talk=0,
            reach=0.6,
        ),
        background="0x0f5c5c",
        tone_hz=196,
        lines=(
            (0.5, 4.0, "Hello everyone. Safe staffing|starts with a rota you can plan on."),
            (4.0, 7.5, "Rotas will be published six weeks|ahead, not two."),
            (7.5, 11.0, "You will choose your own shifts,|within what your ward needs."),
            (11.0, 14.5, "Three wards start in the spring.|Tell us what would help."),
        ),
        spanish=(
            "Hola a todos. La dotación segura empieza|con un turno con el que se pueda contar.",
            "Los turnos se publicarán con seis semanas|de antelación, no dos.",
            "Podrán elegir sus propios turnos,|según lo que necesite su unidad.",
            "Tres unidades empiezan en primavera.|Cuéntennos qué les ayudaría.",
        ),
        transcript="""\
Hello everyone. Safe staffing starts with a rota you can plan on.

Rotas will be published six weeks ahead, not two.

You will choose your own shifts, within what your ward needs.

Three wards start in the spring. Tell us what would help.""",
    ),
    VideoText(
        post=PostText(
            key="video-report-a-broken-bed",
            channel="rgh-facilities",
            by="director",
            title="How to report a broken bed",
            summary=(
                "A bed that won't raise, lower or brake: take it out of use and log it. "
                "Four steps, shown in a short video."
            ),
            body="""\
A broken bed is a safety problem for patients and for the people who move them. When one
won't raise, lower or brake:

1. **Take it out of use**: hang the red "Do not use" tag on the foot end.
2. **Log it** with the Facilities help desk on extension 4400, or in the help desk app.
3. **Give the bed number** from the white sticker on the head end.
4. We aim to repair or replace it **within four hours**, around the clock.

The video shows where the tag and the sticker are.""",
            days_ago=15,
            tags=("safety",),
            talk=0,
            reach=0.4,
        ),
        background="0x7a3e00",
        tone_hz=247,
        lines=(
            (0.5, 3.5, "A bed won't raise, lower or brake?"),
            (3.5, 7.0, "Take it out of use: hang the red|'Do not use' tag on the foot end."),
            (7.0, 10.5, "Call the help desk on 4400,|with the bed number from the sticker."),
            (10.5, 13.5, "We repair or replace it|within four hours."),
        ),
    ),
)


def _short(
    *,
    key: str,
    channel: str,
    by: str,
    title: str,
    summary: str,
    body: str,
    days_ago: float,
    background: str,
    lines: tuple[str, str, str],
    tags: tuple[str, ...] = (),
) -> VideoText:
    """A large-size video: three lines of about three seconds each."""
    return VideoText(
        post=PostText(
            key=key,
            channel=channel,
            by=by,
            title=title,
            summary=summary,
            body=body,
            days_ago=days_ago,
            tags=tags,
            talk=0,
            reach=0.35,
        ),
        background=background,
        lines=tuple((0.5 + 3 * i, 3.5 + 3 * i, text) for i, text in enumerate(lines)),
        sizes=("large",),
    )


LARGE_VIDEOS: tuple[VideoText, ...] = (
    _short(
        key="video-ed-triage-bays",
        channel="rgh-emergency",
        by="editor",
        title="Finding your way round the new triage bays",
        summary="Where each of the four bays is, and which one takes walk-in patients first.",
        body="A short walk through the new triage area, for everyone who hasn't worked there yet.",
        days_ago=3,
        background="0x8b1e3f",
        lines=(
            "Four triage bays, left to right.",
            "Bay 1 takes walk-in patients first.",
            "Bay 4 is kept for children.",
        ),
    ),
    _short(
        key="video-pharmacy-returns",
        channel="rgh-pharmacy",
        by="director",
        title="Using the new medication return bins",
        summary="Which bin for what: unopened packs, opened packs and controlled drugs.",
        body="The new return bins arrive on every ward this week. This video shows which is which.",
        days_ago=6,
        background="0x2e6b30",
        lines=(
            "Green bin: unopened packs.",
            "Blue bin: opened packs.",
            "Controlled drugs: back to pharmacy, signed.",
        ),
    ),
    _short(
        key="video-after-hours-meals",
        channel="rgh-food-services",
        by="director",
        title="Ordering a patient meal after hours",
        summary="From 7 p.m. to 7 a.m., order hot meals from the night kitchen in three steps.",
        body=(
            "Patients admitted late shouldn't go hungry. This is how to "
            "order from the night kitchen."
        ),
        days_ago=11,
        background="0x9c5a00",
        lines=(
            "Call the night kitchen on 4120.",
            "Give the bed and any diet code.",
            "A hot meal arrives within 40 minutes.",
        ),
    ),
    _short(
        key="video-icu-proning",
        channel="rgh-critical-care",
        by="director",
        title="Proning team refresher",
        summary="Roles and the count, for the next time the proning team is called.",
        body=(
            "A refresher for everyone on the proning team rota. Practice sessions are on Thursdays."
        ),
        days_ago=14,
        background="0x3b3f8f",
        lines=(
            "Five people: one at the head leads.",
            "Lines and tubes checked before the count.",
            "Turn on three, together.",
        ),
    ),
    _short(
        key="video-breathing-exercise",
        channel=WELLBEING,
        by="comms",
        title="A short breathing exercise for the end of a shift",
        summary="Half a minute to slow down before you drive home.",
        body=(
            "Our wellbeing team recorded this for the end of a long shift. Try it in the car park."
        ),
        days_ago=20,
        background="0x4a6b8a",
        lines=("Breathe in for four.", "Hold for four.", "Breathe out for six. Again."),
        tags=("wellbeing",),
    ),
    _short(
        key="video-council-iv-dwell",
        channel=NURSING_COUNCIL,
        by="cno",
        title="Council decision on IV dwell times, explained",
        summary="Why peripheral IVs now stay in while they work, and what to check each shift.",
        body="The council's decision in one short video, with the checks that go with it.",
        days_ago=24,
        background="0x5b2a86",
        lines=(
            "IVs stay in while they work.",
            "Check the site every shift.",
            "Any redness: take it out.",
        ),
        tags=("nursing",),
    ),
    _short(
        key="video-ceo-thank-you",
        channel=LETS_TALK,
        by="ceo",
        title="Riverside 2030: thank you for your answers",
        summary=(
            "More than half of you have answered on the initiatives. Here is what happens next."
        ),
        body="A short thank-you, and what leadership will do with your answers.",
        days_ago=28,
        background="0x14365c",
        lines=(
            "Thank you for answering.",
            "We read every comment.",
            "Next: a plan for each pillar.",
        ),
        tags=("riverside-2030",),
    ),
    _short(
        key="video-lab-labels",
        channel="rgh-laboratory",
        by="director",
        title="Labelling samples right first time",
        summary="Three checks at the bedside that save a repeat blood test.",
        body=(
            "One in fifty samples comes back unlabelled or mislabelled. These three checks fix it."
        ),
        days_ago=33,
        background="0x6d2f2f",
        lines=(
            "Label at the bedside, never later.",
            "Two identifiers on every tube.",
            "Sign and time the label.",
        ),
    ),
    _short(
        key="video-evs-uv-robot",
        channel="rgh-environmental-services",
        by="director",
        title="Meet our UV disinfection robot",
        summary="What the robot does, how long it takes, and why the room must be empty.",
        body="Our new UV robot started on the isolation rooms this month. Here is how it works.",
        days_ago=38,
        background="0x00607a",
        lines=(
            "The room must be empty.",
            "Ten minutes of UV light per room.",
            "Then the room is ready.",
        ),
    ),
    _short(
        key="video-badge-sign-in",
        channel="rgh-information-technology",
        by="director",
        title="Signing in with your badge on shared ward PCs",
        summary="Tap to sign in, tap again to sign out: no more passwords on ward computers.",
        body="Badge sign-in reaches every ward PC by the end of the month. This is all it takes.",
        days_ago=45,
        background="0x303030",
        lines=(
            "Tap your badge to sign in.",
            "Enter your PIN the first time.",
            "Tap again to sign out.",
        ),
    ),
)

VIDEO_TEXTS: tuple[VideoText, ...] = (*DEMO_VIDEOS, *LARGE_VIDEOS)
