from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "mentorship.demo"
    label = "demo"
    verbose_name = "Demo data"
