from django.urls import path

from staffroom.organisation import import_views, views

app_name = "organisation"

urlpatterns = [
    path("people/", views.directory, name="directory"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/photo/", views.person_photo, name="person_photo"),
    path("me/", views.my_profile, name="me"),
    path("departments/", views.department_index, name="department_index"),
    path("departments/<slug:code>/", views.department_detail, name="department"),
    path("units/<slug:code>/", views.unit_detail, name="unit"),
    path("manage/directory/", import_views.import_list, name="import_list"),
    path("manage/directory/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("manage/directory/<int:pk>/apply/", import_views.import_apply, name="import_apply"),
]
