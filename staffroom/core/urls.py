from django.conf import settings
from django.urls import path

from staffroom.core import views

app_name = "core"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]

if settings.BENCH_FLOOR_DIR:  # `make bench` only: see staffroom/core/benchmark.py
    from staffroom.core import benchmark

    urlpatterns.append(path("bench/floor/<str:name>", benchmark.floor, name="bench-floor"))
