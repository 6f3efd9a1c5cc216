"""What staff say under posts and initiatives, beyond the scripted conversations.

Lines are picked by the post's kind, so thanks go under recognition posts and questions
about the plan under Let's Talk. Spanish lines are said only by people who read Staffroom
in Spanish.
"""

from __future__ import annotations

GENERAL: tuple[str, ...] = (
    "Thanks for letting us know.",
    "This is great news. Thank you to everyone who made it happen.",
    "Shared with our night team, who don't always see these posts.",
    "Will there be a session for weekend staff too?",
    "Really helpful, thank you. Is there a one-page version we can print for the ward?",
    "We tried something similar at my last hospital and it made a big difference.",
    "Who should we contact with questions about this?",
    "Good to see this finally happening.",
    "Can this be added to the agenda for the next staff meeting?",
    "Brilliant. Please keep us posted on how it goes.",
    "Is this just for Riverside General, or Northgate and Lakeside too?",
    "Thank you for explaining the why, not just the what.",
    "Will agency and float pool staff be told as well?",
    "This will help a lot on busy days.",
    "Where can I find the details on the intranet?",
    "Love this. Small changes like this make a real difference to patients.",
    "Could we hear from the staff who tried it first?",
    "Our unit would be keen to be next.",
    "Is there any training for this, and is it in paid time?",
    "Thanks — I'd missed the email about this.",
)

RECOGNITION: tuple[str, ...] = (
    "Well deserved! Congratulations.",
    "What a team. Thank you all.",
    "So proud to work with you.",
    "Congratulations — you make this place better every day.",
    "Thank you! This is why I love working here.",
    "Huge thanks from the ward next door.",
    "Amazing work under real pressure.",
    "This made my day. Well done, everyone.",
    "Brilliant to see the hard work recognised.",
    "Thank you for everything you do, especially on the nights nobody sees.",
)

PLAN: tuple[str, ...] = (
    "How will we know whether this is working? Will the figures be published here?",
    "I support this, but where does the time come from on a short-staffed shift?",
    "Thank you for being honest about what is behind schedule.",
    "Will support services be part of this, or is it mostly clinical?",
    "This makes sense to me now. I hadn't understood the goal before reading this.",
    "Can the owner come to our department meeting to talk it through?",
    "What does this mean for Northgate and Lakeside?",
    "Good to see a clear target date.",
    "I answered the two questions on the initiative page — hope others do too.",
    "It would help to see the budget behind this.",
    "Really like that the goals are measurable.",
    "How were the priorities chosen? Staffing matters more to us than anything else.",
    "Will there be a chance to give feedback once it's been running for a while?",
    "Glad our ward's ideas from the listening sessions made it in.",
    "I'm not sure I understand how this affects my job day to day.",
)

REPLIES: tuple[str, ...] = (
    "Agreed!",
    "Same question here.",
    "Good point.",
    "Thanks, that answers it.",
    "+1, this would really help.",
    "I think the details are on the staff intranet under Riverside 2030.",
    "We asked the same at our huddle — I'll share the answer when we get it.",
    "Yes, it's in paid time — we did ours last week.",
    "Our manager said there will be more sessions next month.",
    "Totally agree.",
    "Thank you for raising this.",
    "It's been really good on our unit so far.",
)

SPANISH: tuple[str, ...] = (
    "¡Muchas gracias por compartir!",
    "¡Qué buena noticia! Gracias a todo el equipo.",
    "¿Habrá información en español para el turno de noche?",
    "¡Felicidades! Se lo merecen.",
    "Gracias por tenernos en cuenta.",
    "¿Dónde podemos encontrar más información?",
)

SPANISH_REPLIES: tuple[str, ...] = (
    "¡De acuerdo!",
    "Gracias, muy útil.",
    "Yo tengo la misma pregunta.",
    "¡Así es!",
)
