"""The one way a password is checked, whoever asks: the site's sign-in
form, the Django admin's, and the API token endpoint all call Django's
``authenticate()``, which comes here. So every one of them is throttled the
same way, and no door is left without a lock."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from mentorship.people import throttling


class ThrottledModelBackend(ModelBackend):
    """Django's email-and-password check, refused outright (even the right
    password) while the address or the client is over its failure limit,
    and counting each failure."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        email = username or kwargs.get("email") or ""
        client_ip = throttling.client_ip(request.META if request is not None else {})
        if throttling.retry_after(email=email, client_ip=client_ip) is not None:
            # PermissionDenied stops every backend: authenticate() answers None.
            raise PermissionDenied("Too many failed sign-in attempts.")
        person = super().authenticate(request, username=username, password=password, **kwargs)
        if person is None:
            if email:
                throttling.record_failure(email=email, client_ip=client_ip)
        else:
            throttling.record_success(email=email, client_ip=client_ip)
        return person
