"""The cards sent to chat rooms: a Slack Block Kit message, or a Teams Adaptive Card.

Everything people wrote goes in as plain text: Slack's `&`, `<` and `>` are escaped (so a
title can't become a link or an @channel ping), and Teams gets it in TextRuns, which Teams
never reads as Markdown. Lengths are cut to what each service accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.text import Truncator

from staffroom.chat.models import HookKind

# Slack's limits: a header's text 150 characters, a section's 3,000, a button's 75.
SLACK_HEADER_MAX = 150
SLACK_SECTION_MAX = 3000
SLACK_BUTTON_MAX = 75
# Teams takes far more; a card is a teaser with a link, not the article.
TITLE_MAX = 200
TEXT_MAX = 1000
CONTEXT_MAX = 300


@dataclass(frozen=True)
class Card:
    """What a card says, as plain text; `url` is the absolute link back to Staffroom."""

    title: str
    text: str
    # One line above or below: "New post in Emergency · Ana García".
    context: str
    url: str
    button: str
    # The one-line version for notifications and clients that don't show cards.
    fallback: str


def cut(text: str, limit: int) -> str:
    return Truncator(" ".join(text.split())).chars(limit)


def slack_escape(text: str) -> str:
    """Slack's three control characters (https://api.slack.com/reference/surfaces/formatting)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(card: Card) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": cut(card.title, SLACK_HEADER_MAX)},
        }
    ]
    if card.text.strip():
        blocks.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": slack_escape(cut(card.text, min(TEXT_MAX, SLACK_SECTION_MAX))),
                },
            }
        )
    blocks.append(
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": slack_escape(cut(card.context, CONTEXT_MAX))}],
        }
    )
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": cut(card.button, SLACK_BUTTON_MAX)},
                    "url": card.url,
                }
            ],
        }
    )
    return {"text": slack_escape(cut(card.fallback, SLACK_SECTION_MAX)), "blocks": blocks}


def _rich_text(text: str, **style: Any) -> dict[str, Any]:
    """A RichTextBlock of one TextRun: shown as written, never read as Markdown."""
    return {
        "type": "RichTextBlock",
        "inlines": [{"type": "TextRun", "text": text, **style}],
    }


def teams_payload(card: Card) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        _rich_text(cut(card.context, CONTEXT_MAX), size="Small", isSubtle=True),
        _rich_text(cut(card.title, TITLE_MAX), size="Medium", weight="Bolder"),
    ]
    if card.text.strip():
        body.append(_rich_text(cut(card.text, TEXT_MAX)))
    return {
        "type": "message",
        "summary": cut(card.fallback, TITLE_MAX),
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": body,
                    "actions": [
                        {
                            "type": "Action.OpenUrl",
                            "title": cut(card.button, SLACK_BUTTON_MAX),
                            "url": card.url,
                        }
                    ],
                },
            }
        ],
    }


def payload(kind: str, card: Card) -> dict[str, Any]:
    if kind == HookKind.SLACK:
        return slack_payload(card)
    if kind == HookKind.TEAMS:
        return teams_payload(card)
    raise ValueError(f"Unknown chat hook kind {kind!r}")
