from django.urls import path

from staffroom.discussion import views

app_name = "discussion"

urlpatterns = [
    path("discussion/<int:thread_id>/", views.thread_page, name="thread"),
    path("discussion/<int:thread_id>/comments/", views.comment, name="comment"),
    path("discussion/<int:thread_id>/react/", views.react_to_subject, name="react"),
    path("discussion/comments/<int:comment_id>/", views.comment_link, name="comment_link"),
    path(
        "discussion/comments/<int:comment_id>/react/",
        views.react_to_comment,
        name="comment_react",
    ),
    path("discussion/comments/<int:comment_id>/edit/", views.comment_edit, name="comment_edit"),
    path(
        "discussion/comments/<int:comment_id>/delete/",
        views.comment_delete,
        name="comment_delete",
    ),
    path(
        "discussion/comments/<int:comment_id>/history/",
        views.comment_history,
        name="comment_history",
    ),
    path("people/mention-suggestions/", views.mention_suggestions, name="mention_suggestions"),
]
