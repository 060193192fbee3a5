from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mentorship.agreements"
    verbose_name = "Agreements with the line manager"
