from django.urls import path

from staffroom.strategy import views

app_name = "strategy"

urlpatterns = [
    path("plan/", views.plan_current, name="plan_current"),
    path("plan/<slug:slug>/", views.plan_detail, name="plan"),
    path("plan/<slug:slug>/results/", views.plan_results, name="plan_results"),
    path("initiatives/<slug:slug>/", views.initiative_detail, name="initiative"),
    path("initiatives/<slug:slug>/answer/", views.initiative_answer, name="initiative_answer"),
    path("initiatives/<slug:slug>/status/", views.initiative_status, name="initiative_status"),
    path("initiatives/<slug:slug>/results/", views.initiative_results, name="initiative_results"),
]
