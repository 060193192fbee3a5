from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "mentorship.plans"
    label = "plans"
    verbose_name = "Onboarding plans"
