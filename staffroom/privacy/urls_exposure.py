"""Items marked as patient information after publication: exposure reports and purges."""

from __future__ import annotations

from django.urls import URLPattern, path

from staffroom.privacy.views import exposure

urlpatterns: list[URLPattern] = [
    path("mark/<str:kind>/<int:item_id>/", exposure.mark_phi, name="mark_phi"),
    path("exposure/", exposure.report_list, name="exposure_list"),
    path("exposure/<int:pk>/", exposure.report, name="exposure"),
    path("exposure/<int:pk>/csv/", exposure.report_csv, name="exposure_csv"),
    path("exposure/<int:pk>/purge/", exposure.purge, name="purge"),
]
