"""``python -m tests.oidc_provider.serve``: start the test provider.

Reads ``PROVIDER_DB`` (an SQLite file), ``PROVIDER_PORT`` and
``PROVIDER_SETUP`` (JSON: ``users`` and ``clients`` to create), makes an RSA
signing key, migrates, and serves on 127.0.0.1 until killed, printing
``ready`` once it answers."""

from __future__ import annotations

import json
import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


def main() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    os.environ["PROVIDER_RSA_KEY"] = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    setup = json.loads(os.environ.get("PROVIDER_SETUP", "{}"))
    for user in setup.get("users", []):
        User.objects.create_user(
            username=user["username"],
            email=user["email"],
            password=user["password"],
            first_name=user.get("name", ""),
            last_name="" if user.get("verified", True) else "unverified",
        )
    for client in setup.get("clients", []):
        Application.objects.create(
            name=client["client_id"],
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=client["redirect_uri"],
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
    server = make_server(
        "127.0.0.1",
        int(os.environ["PROVIDER_PORT"]),
        get_wsgi_application(),
        server_class=_Server,
        handler_class=_Quiet,
    )
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
