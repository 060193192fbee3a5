from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "mentorship.checkins"
    label = "checkins"
    verbose_name = "Check-ins"
