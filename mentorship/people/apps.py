from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "mentorship.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from mentorship.people import sessions

        # Session bookkeeping, as Django's own last_login update is: the
        # session remembers when it started (people/sessions.py).
        user_logged_in.connect(sessions.stamp, dispatch_uid="scaffold-session-stamp")
