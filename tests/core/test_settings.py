"""Configuration is strict: a wrong value stops start-up with the variable's
name, and production refuses to run half-configured."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import Env

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SCAFFOLD_ENV": "production",
    "SECRET_KEY": "test-only-4f9c2a7e1b8d6035e9a1c7f2b4d8e6a0c3f5b7d9e1a2c4f6",
    "ALLOWED_HOSTS": "scaffold.example.com",
    "SITE_URL": "https://scaffold.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/scaffold",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_HOST": "smtp.example.com",
}


@pytest.mark.parametrize(
    ("raw", "value"), [("true", True), ("0", False), ("OFF", False), ("Yes", True)]
)
def test_booleans_accept_the_usual_spellings(raw: str, value: bool) -> None:
    assert Env({"DEBUG": raw}).flag("DEBUG", default=not value) is value


@pytest.mark.parametrize("raw", ["ture", "2", "enabled", "y"])
def test_booleans_refuse_anything_else(raw: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=f"DEBUG={raw!r} is not a boolean"):
        Env({"DEBUG": raw}).flag("DEBUG", default=False)


def test_numbers_are_checked_and_bounded() -> None:
    env = Env({"PORT": "80x", "LOW": "0"})
    with pytest.raises(ImproperlyConfigured, match="PORT='80x' is not a whole number"):
        env.number("PORT", 25)
    with pytest.raises(ImproperlyConfigured, match="LOW=0 is below the minimum of 1"):
        env.number("LOW", 5, minimum=1)
    assert env.number("UNSET", 25) == 25


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mysql://db/scaffold", "must start with one of"),
        ("postgres:///scaffold", "has no host name"),
        ("postgres://db:99999/scaffold", "invalid port"),
    ],
)
def test_database_urls_are_validated(url: str, problem: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=problem):
        Env({"DATABASE_URL": url}).database("DATABASE_URL", "sqlite:///x.db")


def test_an_empty_variable_counts_as_unset() -> None:
    assert Env({"EMAIL_HOST": "  "}).text("EMAIL_HOST", "localhost") == "localhost"


def clean_environ() -> dict[str, str]:
    """This process's environment without anything that configures Scaffold
    or Django, so a subprocess sees only what a test gives it."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SCAFFOLD", "DJANGO", "EMAIL_"))
        and key not in PRODUCTION
        and key != "DEBUG"
    }


def load_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with exactly this environment."""
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=BASE_DIR,
        env={**clean_environ(), **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_load_when_complete() -> None:
    result = load_settings(PRODUCTION)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set"),
        ("DATABASE_URL", "DATABASE_URL must be set in production"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must be set in production"),
        ("SITE_URL", "SITE_URL must be set in production"),
        ("REDIS_URL", "REDIS_URL must be set in production"),
        ("EMAIL_HOST", "EMAIL_HOST must be set in production"),
    ],
)
def test_production_refuses_to_start_half_configured(missing: str, message: str) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = load_settings(env)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_typo_stops_start_up_with_the_variables_name() -> None:
    result = load_settings({"DEBUG": "ture"})
    assert result.returncode != 0
    assert "DEBUG='ture' is not a boolean" in result.stderr


def test_a_short_production_secret_is_refused() -> None:
    result = load_settings({**PRODUCTION, "SECRET_KEY": "too-short-a-secret"})
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_the_sending_timeout_leaves_room_for_the_email_in_progress() -> None:
    """A worker starts no email after half the timeout; the one in progress
    may take the SMTP timeout, so the timeout must hold two of them."""
    short = load_settings({"NOTIFICATIONS_SENDING_TIMEOUT": "30", "EMAIL_TIMEOUT": "20"})
    assert short.returncode != 0
    assert "NOTIFICATIONS_SENDING_TIMEOUT must be at least twice EMAIL_TIMEOUT" in short.stderr
    assert (
        load_settings({"NOTIFICATIONS_SENDING_TIMEOUT": "4", "EMAIL_TIMEOUT": "2"}).returncode == 0
    )


def beat_schedule_file(env: dict[str, str]) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings as s; print(s.CELERY_BEAT_SCHEDULE_FILENAME)",
        ],
        cwd=BASE_DIR,
        env={**clean_environ(), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_beats_schedule_file_lives_outside_the_code_in_production(tmp_path: Path) -> None:
    """Under systemd (StateDirectory=) it goes where systemd says; its folder
    is made if missing, so beat starts on a fresh checkout."""
    state = tmp_path / "state" / "scaffold"
    path = beat_schedule_file({**PRODUCTION, "STATE_DIRECTORY": str(state)})
    assert path == str(state / "celerybeat-schedule")
    assert state.is_dir()
    assert not path.startswith(str(BASE_DIR))
    chosen = tmp_path / "elsewhere" / "beat-schedule"
    assert beat_schedule_file({**PRODUCTION, "CELERY_BEAT_SCHEDULE_FILE": str(chosen)}) == str(
        chosen
    )
    assert chosen.parent.is_dir()


def test_the_published_development_key_signs_nothing_outside_debug() -> None:
    """With DEBUG off (even outside production) a real secret is required;
    the development key once signed one-click links there."""
    development = "development-only-key-never-use-in-production-4c1f0e8a9b"
    for env in ({"DEBUG": "false"}, {"DEBUG": "false", "SECRET_KEY": development}):
        result = load_settings(env)
        assert result.returncode != 0
        assert "DEBUG is off: set SECRET_KEY" in result.stderr
    assert load_settings({"DEBUG": "false", "SECRET_KEY": "x" * 50}).returncode == 0
    assert load_settings({"DEBUG": "true"}).returncode == 0


def test_check_deploy_passes_under_production_settings() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={**clean_environ(), **PRODUCTION},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_hashes_passwords_with_argon2_first() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.PASSWORD_HASHERS[0]); print(settings.SESSION_COOKIE_SECURE, "
            "settings.SECURE_HSTS_SECONDS, settings.SECURE_SSL_REDIRECT)",
        ],
        cwd=BASE_DIR,
        env={**clean_environ(), **PRODUCTION, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.splitlines() == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "True 31536000 True",
    ], result.stderr


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_our_postgresql_connections_run_without_jit() -> None:
    """JIT compilation cost the dashboard 21 ms a statement and saved nothing."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
