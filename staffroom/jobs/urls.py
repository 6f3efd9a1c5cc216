from django.urls import path

from staffroom.jobs import views

app_name = "jobs"

urlpatterns = [
    path("system/jobs/", views.overview, name="overview"),
    path("system/jobs/retry/", views.retry, name="retry"),
]
