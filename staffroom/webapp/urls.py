from django.urls import path

from staffroom.webapp import views

app_name = "webapp"

urlpatterns = [
    # At the root: a service worker controls only pages under the folder it is served from.
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
]
