"""The review part of the idea box: the reviewers' queue, answering and merging, and
leadership's response times."""

from django.urls import URLPattern, URLResolver, path

from staffroom.ideas.views import review

urlpatterns: list[URLPattern | URLResolver] = [
    path("review/", review.review_queue, name="review_queue"),
    path("<int:pk>/review/", review.review, name="review"),
    path("<int:pk>/merge/", review.merge, name="merge"),
    path("response-times/", review.response_times, name="response_times"),
]
