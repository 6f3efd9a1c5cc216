from django.urls import path

from staffroom.organisation import views

app_name = "organisation"

urlpatterns = [
    path("people/", views.directory, name="directory"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("me/", views.my_profile, name="me"),
    path("departments/", views.department_index, name="department_index"),
    path("departments/<slug:code>/", views.department_detail, name="department"),
    path("units/<slug:code>/", views.unit_detail, name="unit"),
]
