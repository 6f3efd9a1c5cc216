from __future__ import annotations

from django.urls import path

from staffroom.moderation import views

app_name = "moderation"

urlpatterns = [
    path("flag/<str:kind>/<int:item_id>/", views.flag, name="flag"),
    path("moderation/", views.queue, name="queue"),
    path("moderation/suspended/", views.suspended, name="suspended"),
    path("moderation/<str:kind>/<int:item_id>/", views.item, name="item"),
    path("moderation/<str:kind>/<int:item_id>/act/", views.act, name="act"),
]
