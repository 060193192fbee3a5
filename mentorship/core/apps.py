from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mentorship.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Connects the Celery signals that carry a request's id into the
        # tasks it queues (in the web process and in every worker).
        from mentorship.core import request_id  # noqa: F401

        # How the OpenAPI document describes our own field classes.
        from mentorship.core.api import schema_extensions  # noqa: F401
