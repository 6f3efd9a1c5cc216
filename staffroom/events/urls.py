from django.urls import path

from staffroom.events import views

app_name = "events"

urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/new/", views.event_new, name="new"),
    path("events/<int:pk>/", views.event_detail, name="detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="edit"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="cancel"),
    path("events/<int:pk>/event.ics", views.event_download, name="download"),
    # No sign-in: the secret token in the address picks whose calendar it is.
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
