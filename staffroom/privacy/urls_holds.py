"""Held items: the author's view and the privacy officers' queue."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
