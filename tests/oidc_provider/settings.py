"""A real OpenID Connect provider for the tests (django-oauth-toolkit), run
in a process of its own on loopback by ``serve.py``: the company's identity
provider that Scaffold signs people in with. Nothing of Scaffold is in it."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = os.environ.get(
    "PROVIDER_SECRET_KEY", "test-provider-key-not-a-secret-0123456789abcdef"
)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.oidc_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {"context_processors": ["django.template.context_processors.csrf"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["PROVIDER_DB"]}}
USE_TZ = True
LOGIN_URL = "/login/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ.get("PROVIDER_RSA_KEY", ""),
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "tests.oidc_provider.validator.Validator",
    "SCOPES": {"openid": "Who you are", "email": "Your address", "profile": "Your name"},
    "ID_TOKEN_EXPIRE_SECONDS": int(os.environ.get("PROVIDER_ID_TOKEN_SECONDS", "300")),
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
}
# Its own cookie names: a browser keeps cookies by host, not by port, so on
# 127.0.0.1 the provider's session would otherwise replace Scaffold's in the
# middle of a sign-in (a company's provider lives on a host of its own).
SESSION_COOKIE_NAME = "provider_sessionid"
CSRF_COOKIE_NAME = "provider_csrftoken"
