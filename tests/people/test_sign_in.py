from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.factories import PersonFactory
from tests.fixtures.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def sign_in(client: Client, email: str, password: str) -> Any:
    return client.post("/account/sign-in/", {"username": email, "password": password})


def test_it_signs_in_by_email_whatever_the_case(client: Client, personas: Personas) -> None:
    response = sign_in(client, "MENTEE@Scaffold.test", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").context["user"] == personas.mentee


def test_the_email_field_is_an_email_input(client: Client, db: None) -> None:
    page = client.get("/account/sign-in/").content.decode()
    field = re.search(r"<input[^>]*name=\"username\"[^>]*>", page)
    assert field is not None
    assert re.findall(r"\btype=\"(\w+)\"", field.group(0)) == ["email"]
    assert 'autocomplete="email"' in field.group(0)


def test_it_says_plainly_when_the_password_is_wrong(client: Client, personas: Personas) -> None:
    response = sign_in(client, personas.mentee.email, "not the password")

    assert response.status_code == 200
    assert "That email and password do not match an active account." in response.content.decode()


def test_it_pauses_sign_in_after_too_many_failures(
    client: Client, personas: Personas, settings: Any
) -> None:
    settings.LOGIN_ATTEMPTS_LIMIT = 3
    for _ in range(3):
        sign_in(client, personas.mentee.email, "guess")

    # Even the right password is refused for the rest of the window.
    response = sign_in(client, personas.mentee.email, PASSWORD)

    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttling_one_address_leaves_others_alone(
    client: Client, personas: Personas, settings: Any
) -> None:
    settings.LOGIN_ATTEMPTS_LIMIT = 3
    for _ in range(3):
        sign_in(client, personas.mentee.email, "guess")

    assert sign_in(client, personas.mentor.email, PASSWORD).status_code == 302


def test_signing_out_takes_a_post(client: Client, personas: Personas) -> None:
    client.force_login(personas.mentee)

    # Opened in the browser (a bookmark, a typed address): it asks, and
    # the person is still signed in.
    asked = client.get("/account/sign-out/")
    assert asked.status_code == 200
    assert "Sign out?" in asked.content.decode()
    assert personas.mentee.email in asked.content.decode()
    assert "_auth_user_id" in client.session
    response = client.post("/account/sign-out/", follow=True)
    assert response.redirect_chain[0][1] == 302
    assert "You are signed out." in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Already signed out: the sign-in page.
    assert client.get("/account/sign-out/")["Location"].startswith("/account/sign-in/")


def test_pages_need_a_signed_in_person(client: Client) -> None:
    for url in ("/", "/account/profile/", "/account/api-tokens/", "/mail/outbox/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/sign-in/?next="), url


def test_the_profile_saves_time_zone_and_weekday_preference(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.mentee)
    response = client.post(
        "/account/profile/",
        {
            "full_name": "Mira M.",
            "title": "EM",
            "time_zone": "Asia/Kolkata",
            "email_weekdays_only": "on",
        },
    )

    assert response.status_code == 302
    personas.mentee.refresh_from_db()
    assert (personas.mentee.full_name, personas.mentee.time_zone) == ("Mira M.", "Asia/Kolkata")
    assert personas.mentee.email_weekdays_only is True


def test_the_profile_refuses_an_unknown_time_zone_next_to_the_field(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.mentee)
    response = client.post(
        "/account/profile/", {"full_name": "Mira", "time_zone": "Mars/Olympus_Mons"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_time_zone_error"' in html
    assert 'aria-invalid="true"' in html
    personas.mentee.refresh_from_db()
    assert personas.mentee.time_zone == "America/New_York"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy: the header is the client's own
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "1.1.1.1, 203.0.113.9", "203.0.113.9"),  # the left part is a claim
        (2, "1.1.1.1, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.2"),  # shorter than the proxies: not trusted
        (1, "not-an-address", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "", "10.0.0.2"),
    ],
)
def test_the_client_address_behind_trusted_proxies(
    settings: Any, proxies: int, forwarded: str, expected: str
) -> None:
    from mentorship.people.throttling import client_ip

    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_ip(meta) == expected


def test_behind_a_proxy_each_client_is_throttled_on_its_own(
    personas: Personas, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_ATTEMPTS_LIMIT = 2
    guesser = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1")
    colleague = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.2")
    # Spread over several addresses, so only the per-client count can trip.
    others = [PersonFactory.create(email=f"p{i}@scaffold.test") for i in range(12)]
    for person in others:
        sign_in(guesser, person.email, "guess")
    assert (
        "Too many failed attempts"
        in sign_in(guesser, personas.mentee.email, PASSWORD).content.decode()
    )
    # Same proxy, another client: not paused.
    assert sign_in(colleague, personas.mentee.email, PASSWORD).status_code == 302


def test_the_admin_sign_in_is_throttled_like_every_other(
    client: Client, personas: Personas, settings: Any
) -> None:
    """The admin's own sign-in page used to let a guesser go on for ever,
    and let the right password in while the site said it was paused."""
    settings.LOGIN_ATTEMPTS_LIMIT = 3
    hr = personas.hr
    hr.is_staff = True
    hr.save(update_fields=["is_staff"])

    def admin_sign_in(password: str) -> Any:
        return client.post(
            "/admin/login/?next=/admin/", {"username": hr.email, "password": password}
        )

    for _ in range(3):
        assert admin_sign_in("guess").status_code == 200
    refused = admin_sign_in(PASSWORD)

    assert refused.status_code == 200
    assert "Too many failed attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # The same allowance, whichever door was used: the site's sign-in and
    # the API's token endpoint are paused for the address too.
    assert "Too many failed attempts" in sign_in(client, hr.email, PASSWORD).content.decode()
    token = Client().post(
        "/api/v1/auth/token/",
        {"email": hr.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert token.status_code == 429


def test_guesses_on_the_api_count_against_the_web_sign_in(
    client: Client, personas: Personas, settings: Any
) -> None:
    settings.LOGIN_ATTEMPTS_LIMIT = 3
    for _ in range(3):
        Client().post(
            "/api/v1/auth/token/",
            {"email": personas.mentee.email, "password": "guess"},
            content_type="application/json",
        )

    response = sign_in(client, personas.mentee.email, PASSWORD)

    assert "Too many failed attempts" in response.content.decode()


def test_a_stranger_cannot_lock_someone_out_of_their_own_machine(
    personas: Personas, settings: Any
) -> None:
    settings.LOGIN_ATTEMPTS_LIMIT = 3
    stranger = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        sign_in(stranger, personas.mentee.email, "guess")
    assert "Too many failed attempts" in (
        sign_in(stranger, personas.mentee.email, PASSWORD).content.decode()
    )

    # Her own client still has its allowance.
    assert (
        sign_in(Client(REMOTE_ADDR="192.0.2.7"), personas.mentee.email, PASSWORD).status_code == 302
    )


def test_a_password_reset_ends_the_pause(personas: Personas, settings: Any) -> None:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    settings.LOGIN_ATTEMPTS_LIMIT = 3
    client = Client()
    for _ in range(3):
        sign_in(client, personas.mentee.email, "guess")
    assert "Too many failed attempts" in (
        sign_in(client, personas.mentee.email, PASSWORD).content.decode()
    )
    uid = urlsafe_base64_encode(force_bytes(personas.mentee.pk))
    token = default_token_generator.make_token(personas.mentee)
    form = client.get(f"/account/password-reset/{uid}/{token}/", follow=True)
    reset = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert reset.status_code == 302

    assert sign_in(Client(), personas.mentee.email, "a brand new passphrase").status_code == 302


def test_a_password_reset_revokes_every_api_token(personas: Personas) -> None:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from mentorship.people.services import api_token_create

    _token, raw = api_token_create(person=personas.mentee, name="laptop script")
    api = Client(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get("/api/v1/me/").status_code == 200

    client = Client()
    uid = urlsafe_base64_encode(force_bytes(personas.mentee.pk))
    token = default_token_generator.make_token(personas.mentee)
    form = client.get(f"/account/password-reset/{uid}/{token}/", follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )

    assert api.get("/api/v1/me/").status_code == 401
