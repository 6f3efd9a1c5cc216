from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "staffroom.chat"
    label = "chat"
    verbose_name = _("Chat webhooks")

    def ready(self) -> None:
        from staffroom.channels.services.posts import after_post_went_live
        from staffroom.chat.services import queue_idea_response, queue_post
        from staffroom.ideas.services.reviewing import after_response

        # Cards are queued in the transaction that shows a post or records a decision.
        if queue_post not in after_post_went_live:
            after_post_went_live.append(queue_post)
        if queue_idea_response not in after_response:
            after_response.append(queue_idea_response)
