from django.apps import AppConfig


class UpwardConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mentorship.upward"
    verbose_name = "Upward feedback"
