"""The cards' structure: Slack Block Kit and a Teams Adaptive Card, escaped and cut."""

from __future__ import annotations

import json

import pytest

from staffroom.chat.cards import Card, payload, slack_payload, teams_payload
from staffroom.chat.models import HookKind

CARD = Card(
    title="Flu jabs <b>today</b> & tomorrow",
    text="Clinic in room 4 <!channel> — bring your badge.",
    context="New post in Emergency · Ana García",
    url="https://staff.riverside.example/posts/12/",
    button="Read in Staffroom",
    fallback="New post in Emergency: Flu jabs <b>today</b> & tomorrow",
)


def test_a_slack_card_has_a_fallback_text_a_header_a_section_a_context_and_a_button() -> None:
    message = slack_payload(CARD)
    assert (
        message["text"] == "New post in Emergency: Flu jabs &lt;b&gt;today&lt;/b&gt; &amp; tomorrow"
    )
    header, section, context, actions = message["blocks"]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Flu jabs <b>today</b> & tomorrow"},
    }
    assert section["type"] == "section"
    assert section["text"] == {
        "type": "mrkdwn",
        # Escaped: no link, no @channel ping can be smuggled in.
        "text": "Clinic in room 4 &lt;!channel&gt; — bring your badge.",
    }
    assert context["type"] == "context"
    assert context["elements"] == [{"type": "mrkdwn", "text": "New post in Emergency · Ana García"}]
    assert actions["type"] == "actions"
    [button] = actions["elements"]
    assert button["type"] == "button"
    assert button["url"] == "https://staff.riverside.example/posts/12/"
    assert button["text"] == {"type": "plain_text", "text": "Read in Staffroom"}
    json.dumps(message)  # serialisable as it is sent


def test_a_slack_card_without_text_has_no_empty_section() -> None:
    card = Card(**{**CARD.__dict__, "text": "  "})
    assert [block["type"] for block in slack_payload(card)["blocks"]] == [
        "header",
        "context",
        "actions",
    ]


def test_slack_limits_are_respected() -> None:
    card = Card(**{**CARD.__dict__, "title": "word " * 100, "text": "x" * 5000})
    blocks = slack_payload(card)["blocks"]
    assert len(blocks[0]["text"]["text"]) <= 150
    assert len(blocks[1]["text"]["text"]) <= 3000


def test_a_teams_card_is_an_adaptive_card_1_4_with_plain_text_runs_and_an_open_url_action() -> None:
    message = teams_payload(CARD)
    assert message["type"] == "message"
    [attachment] = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    content = attachment["content"]
    assert content["type"] == "AdaptiveCard"
    assert content["version"] == "1.4"
    assert content["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    texts = []
    for block in content["body"]:
        # TextRuns are never read as Markdown: a title can't become a link.
        assert block["type"] == "RichTextBlock"
        [run] = block["inlines"]
        assert run["type"] == "TextRun"
        texts.append(run["text"])
    assert texts == [
        "New post in Emergency · Ana García",
        "Flu jabs <b>today</b> & tomorrow",
        "Clinic in room 4 <!channel> — bring your badge.",
    ]
    assert content["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "Read in Staffroom",
            "url": "https://staff.riverside.example/posts/12/",
        }
    ]
    json.dumps(message)


def test_teams_cards_are_cut_to_a_teaser() -> None:
    card = Card(**{**CARD.__dict__, "text": "long " * 1000})
    body = teams_payload(card)["attachments"][0]["content"]["body"]
    assert len(body[2]["inlines"][0]["text"]) <= 1000


def test_the_payload_follows_the_hook_kind() -> None:
    assert "blocks" in payload(HookKind.SLACK, CARD)
    assert "attachments" in payload(HookKind.TEAMS, CARD)
    with pytest.raises(ValueError, match="Unknown"):
        payload("irc", CARD)
