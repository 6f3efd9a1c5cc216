from django.urls import path

from staffroom.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read/", views.mark_read, name="mark_read"),
    path("notifications/<int:pk>/", views.open_notification, name="open"),
]
