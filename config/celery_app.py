"""The Celery application. Configuration comes from Django's settings
(every ``CELERY_*`` name), so there is one place to look."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("scaffold")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
