from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "mentorship.programs"
    label = "programs"
    verbose_name = "Programs"
