from django.urls import path

from staffroom.mail import views

app_name = "mail"

urlpatterns = [
    path("email/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
