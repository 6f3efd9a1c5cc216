"""The board part of the idea box: the board, the implemented wall, the idea page, voting,
following and the idea's files."""

from django.urls import URLPattern, URLResolver, path

from staffroom.ideas.views import board

urlpatterns: list[URLPattern | URLResolver] = [
    path("", board.board, name="board"),
    path("implemented/", board.implemented, name="implemented"),
    path("<int:pk>/", board.idea_detail, name="idea"),
    path("<int:pk>/vote/", board.vote, name="vote"),
    path("<int:pk>/follow/", board.follow, name="follow"),
    path("<int:pk>/photo/", board.photo, name="photo"),
    path("<int:pk>/attachment/", board.attachment, name="attachment"),
]
