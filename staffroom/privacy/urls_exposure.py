"""Items marked as patient information after publication: exposure reports and purges."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
