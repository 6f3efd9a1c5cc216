from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "staffroom.demo"
    label = "demo"
    verbose_name = "Demo hospital"
