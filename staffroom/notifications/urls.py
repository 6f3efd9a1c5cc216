from django.urls import path

from staffroom.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read/", views.mark_read, name="mark_read"),
    path("notifications/bell/", views.bell, name="bell"),
    path("notifications/<int:pk>/", views.open_notification, name="open"),
    path("me/notifications/", views.delivery_settings, name="settings"),
]
