"""Two-factor sign-in (ASVS 5.0 level 2, V6.4-V6.6): an authenticator app
and recovery codes, asked after the password on every door — the site, the
Django admin, the API's token endpoint — and required of staff and HR when
the setting says so."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from mentorship.audit.models import SecurityEvent, SecurityEventKind
from mentorship.people import two_factor
from mentorship.people.models import Person
from tests.fixtures.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db
K = SecurityEventKind


def code_of(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(person: Person) -> Client:
    client = Client()
    response = client.post("/account/sign-in/", {"username": person.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def turned_on(person: Person) -> tuple[TOTPDevice, list[str]]:
    """Two-factor sign-in set up as the page does it; the clock then moves
    past the code's 30 seconds, so the next code is a new one."""
    device = two_factor.pending_device(person)
    codes = two_factor.enable(person=person, device=device, code=code_of(device))
    person.refresh_from_db()
    return device, codes


@pytest.fixture
def later() -> Any:
    """Each call moves the clock another 31 seconds on: a fresh code."""
    start = timezone.now()
    steps = iter(range(1, 1000))
    travellers: list[Any] = []

    def move() -> None:
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(start + dt.timedelta(seconds=31 * next(steps)), tick=False)
        traveller.start()
        travellers.append(traveller)

    yield move
    if travellers:
        travellers.pop().stop()


def test_setting_it_up_shows_a_qr_code_and_asks_for_a_code_first(personas: Personas) -> None:
    client = sign_in(personas.mentee)

    page = client.get("/account/two-factor/").content.decode()
    assert "<svg" in page
    key = re.search(r'<code id="totp-key">([A-Z2-7 ]+)</code>', page)
    assert key is not None
    device = TOTPDevice.objects.get(user=personas.mentee, confirmed=False)

    wrong = client.post("/account/two-factor/", {"code": "000000"})
    assert wrong.status_code == 400
    assert "That code is not the one the app shows now" in wrong.content.decode()
    personas.mentee.refresh_from_db()
    assert personas.mentee.two_factor_since is None

    done = client.post("/account/two-factor/", {"code": code_of(device)}, follow=True)
    assert done.redirect_chain == [("/account/two-factor/new-codes/", 302)]
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", done.content.decode())
    assert len(codes) == 10
    personas.mentee.refresh_from_db()
    assert personas.mentee.two_factor_since is not None
    # This session passed the factor by setting it up; it goes on.
    assert client.get("/account/profile/").status_code == 200
    assert SecurityEvent.objects.filter(person=personas.mentee, kind=K.TWO_FACTOR_ENABLED).exists()


def test_a_reload_shows_the_same_key_until_it_is_confirmed(personas: Personas) -> None:
    client = sign_in(personas.mentee)
    first = client.get("/account/two-factor/").content.decode()
    second = client.get("/account/two-factor/").content.decode()
    key = re.compile(r'<code id="totp-key">([A-Z2-7 ]+)</code>')
    assert key.findall(first) == key.findall(second)
    assert TOTPDevice.objects.filter(user=personas.mentee).count() == 1


def test_after_the_password_every_page_waits_for_the_code(personas: Personas, later: Any) -> None:
    device, _ = turned_on(personas.mentor)
    later()
    client = sign_in(personas.mentor)

    for url in ("/", "/account/profile/", f"/pairings/{personas.pairing.pk}/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/two-factor/code/"), url
    api = client.get("/api/v1/me/")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "second_factor_required"

    response = client.post(
        "/account/two-factor/code/", {"code": code_of(device), "next": "/account/profile/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/profile/"
    assert client.get("/api/v1/me/").status_code == 200
    kinds = SecurityEvent.objects.filter(person=personas.mentor).values_list("kind", flat=True)
    # The password alone is not a sign-in: the log says which half happened.
    assert list(kinds.order_by("id"))[-2:] == [K.PASSWORD_ACCEPTED, K.TWO_FACTOR_PASSED]


def test_a_code_works_once(personas: Personas, later: Any) -> None:
    device, _ = turned_on(personas.mentor)
    later()
    code = code_of(device)
    first, second = sign_in(personas.mentor), sign_in(personas.mentor)

    assert first.post("/account/two-factor/code/", {"code": code}).status_code == 302
    replay = second.post("/account/two-factor/code/", {"code": code})
    assert replay.status_code == 400
    assert second.get("/").status_code == 302


def test_a_recovery_code_works_once_in_place_of_the_app(personas: Personas) -> None:
    _, codes = turned_on(personas.mentor)
    client = sign_in(personas.mentor)

    response = client.post("/account/two-factor/code/", {"code": codes[3].upper()}, follow=True)
    assert "You signed in with a recovery code; 9 are left" in response.content.decode()
    assert client.get("/").status_code == 200
    again = sign_in(personas.mentor).post("/account/two-factor/code/", {"code": codes[3]})
    assert again.status_code == 400
    assert SecurityEvent.objects.get(kind=K.RECOVERY_CODE_USED).data == {"left": 9}


def test_recovery_codes_are_stored_as_keyed_digests(personas: Personas) -> None:
    _, codes = turned_on(personas.mentor)
    stored = set(personas.mentor.recovery_codes.values_list("digest", flat=True))
    assert len(stored) == 10
    for code in codes:
        assert code not in stored
        assert code.replace("-", "") not in stored


def test_wrong_codes_count_against_the_sign_in_allowance(
    personas: Personas, settings: Any, later: Any
) -> None:
    settings.LOGIN_ATTEMPTS_LIMIT = 3
    device, _ = turned_on(personas.mentor)
    later()
    client = sign_in(personas.mentor)
    for guess in ("111111", "222222", "333333"):
        later()  # past django-otp's own pause after a wrong code
        assert client.post("/account/two-factor/code/", {"code": guess}).status_code == 400
    later()

    refused = client.post("/account/two-factor/code/", {"code": code_of(device)})

    assert "Too many wrong codes" in refused.content.decode()
    assert client.get("/").status_code == 302
    assert (
        SecurityEvent.objects.filter(person=personas.mentor, kind=K.TWO_FACTOR_FAILED).count() == 3
    )


def test_the_admin_asks_for_the_code_too(personas: Personas, later: Any) -> None:
    hr = personas.hr
    hr.is_staff = True
    hr.save(update_fields=["is_staff"])
    device, _ = turned_on(hr)
    later()
    client = Client()
    client.post("/admin/login/?next=/admin/", {"username": hr.email, "password": PASSWORD})

    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/code/")
    client.post("/account/two-factor/code/", {"code": code_of(device)})
    assert client.get("/admin/").status_code == 200


def test_the_token_endpoint_asks_for_the_code_in_the_same_request(
    personas: Personas, later: Any
) -> None:
    device, _ = turned_on(personas.mentor)
    later()

    def ask(**extra: str) -> Any:
        return APIClient().post(
            "/api/v1/auth/token/",
            {"email": personas.mentor.email, "password": PASSWORD, **extra},
            format="json",
        )

    missing = ask()
    assert missing.status_code == 400
    assert "send its code" in missing.json()["error"]["fields"]["code"][0]
    assert ask(code="123456").status_code == 400
    # django-otp pauses the device a moment after a wrong code, and says so.
    too_soon = ask(code=code_of(device))
    assert "Wait a few seconds" in too_soon.json()["error"]["fields"]["code"][0]
    later()
    assert ask(code=code_of(device)).status_code == 201


def test_when_required_staff_and_hr_set_it_up_before_anything_else(
    personas: Personas, settings: Any
) -> None:
    settings.TWO_FACTOR_REQUIRED = True
    hr = sign_in(personas.hr)

    response = hr.get("/insights/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/")
    assert hr.get("/account/two-factor/").status_code == 200
    assert hr.get("/api/v1/me/").status_code == 403
    token = APIClient().post(
        "/api/v1/auth/token/",
        {"email": personas.hr.email, "password": PASSWORD},
        format="json",
    )
    assert token.status_code == 403
    # Not staff, not HR: not required.
    assert sign_in(personas.mentee).get("/").status_code == 200


def test_when_required_it_cannot_be_turned_off_by_its_owner(
    personas: Personas, settings: Any
) -> None:
    settings.TWO_FACTOR_REQUIRED = True
    turned_on(personas.hr)
    client = Client()
    client.force_login(personas.hr)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=personas.hr).persistent_id
    session.save()

    response = client.post("/account/two-factor/off/", {"password": PASSWORD}, follow=True)

    assert "required for your account" in response.content.decode()
    personas.hr.refresh_from_db()
    assert personas.hr.two_factor_since is not None


def test_turning_it_off_needs_the_password(personas: Personas) -> None:
    client = sign_in(personas.mentee)
    device = two_factor.pending_device(personas.mentee)
    client.post("/account/two-factor/", {"code": code_of(device)})

    wrong = client.post("/account/two-factor/off/", {"password": "nope"}, follow=True)
    assert "That is not your password" in wrong.content.decode()
    client.post("/account/two-factor/off/", {"password": PASSWORD})

    personas.mentee.refresh_from_db()
    assert personas.mentee.two_factor_since is None
    assert not TOTPDevice.objects.filter(user=personas.mentee).exists()
    assert not personas.mentee.recovery_codes.exists()


def test_new_recovery_codes_replace_the_old(personas: Personas) -> None:
    client = sign_in(personas.mentee)
    device = two_factor.pending_device(personas.mentee)
    old = re.findall(
        r"<code>([a-z2-9-]{11})</code>",
        client.post(
            "/account/two-factor/", {"code": code_of(device)}, follow=True
        ).content.decode(),
    )
    page = client.post("/account/two-factor/recovery-codes/", {"password": PASSWORD}, follow=True)
    new = re.findall(r"<code>([a-z2-9-]{11})</code>", page.content.decode())
    assert len(new) == 10
    assert not set(new) & set(old)
    stale = sign_in(personas.mentee).post("/account/two-factor/code/", {"code": old[0]})
    assert stale.status_code == 400


def test_hr_turns_it_off_for_someone_who_lost_phone_and_codes(personas: Personas) -> None:
    turned_on(personas.mentee)
    client = Client()
    client.force_login(personas.hr)

    client.post(f"/people/{personas.mentee.pk}/two-factor-off/")

    personas.mentee.refresh_from_db()
    assert personas.mentee.two_factor_since is None
    event = SecurityEvent.objects.get(kind=K.TWO_FACTOR_DISABLED)
    assert event.person == personas.mentee
    assert event.data == {"by": personas.hr.email}


@pytest.mark.parametrize("persona", ["program_admin", "mentor", "line_manager"])
def test_only_hr_turns_it_off_for_someone_else(personas: Personas, persona: str) -> None:
    turned_on(personas.mentee)
    client = Client()
    person = personas.everyone()[persona]
    assert person is not None
    client.force_login(person)

    assert client.post(f"/people/{personas.mentee.pk}/two-factor-off/").status_code == 404
    personas.mentee.refresh_from_db()
    assert personas.mentee.two_factor_since is not None


def test_the_admin_never_shows_the_key(personas: Personas) -> None:
    device, _ = turned_on(personas.mentee)
    from base64 import b32encode

    secret_forms = {device.key, b32encode(device.bin_key).decode().rstrip("=")}
    superuser = Person.objects.create_superuser("root@scaffold.test", PASSWORD)
    client = Client()
    client.force_login(superuser)
    for url in (
        "/admin/otp_totp/totpdevice/",
        f"/admin/otp_totp/totpdevice/{device.pk}/change/",
        "/admin/otp_totp/totpdevice/add/",
    ):
        page = client.get(url).content.decode()
        assert not any(secret in page for secret in secret_forms), url


def test_reloading_the_codes_page_neither_shows_nor_replaces_them(personas: Personas) -> None:
    """A reload after making codes used to send the form again and void the
    codes just saved."""
    client = sign_in(personas.mentee)
    device = two_factor.pending_device(personas.mentee)
    client.post("/account/two-factor/", {"code": code_of(device)})
    first = client.get("/account/two-factor/new-codes/").content.decode()
    codes = re.findall(r"<code>([a-z2-9-]{11})</code>", first)
    assert len(codes) == 10

    again = client.get("/account/two-factor/new-codes/", follow=True)

    assert "Recovery codes are shown once" in again.content.decode()
    assert not any(code in again.content.decode() for code in codes)
    assert "two_factor.new_codes" not in client.session
    assert SecurityEvent.objects.filter(kind=K.RECOVERY_CODES_RENEWED).count() == 0
    # The saved codes still work.
    assert (
        sign_in(personas.mentee).post("/account/two-factor/code/", {"code": codes[0]}).status_code
        == 302
    )


def test_a_session_owing_its_code_shows_no_navigation(personas: Personas) -> None:
    turned_on(personas.mentor)
    client = sign_in(personas.mentor)

    page = client.get("/account/two-factor/code/").content.decode()

    assert "Sign out" in page
    assert 'href="/insights/"' not in page
    assert 'href="/account/profile/"' not in page
    assert 'href="/api/docs/"' not in page


def test_what_hr_did_says_so_on_the_persons_own_activity(personas: Personas) -> None:
    turned_on(personas.mentee)
    hr = Client()
    hr.force_login(personas.hr)
    hr.post(f"/people/{personas.mentee.pk}/two-factor-off/")

    page = sign_in(personas.mentee).get("/account/security/").content.decode()

    assert f"by HR ({personas.hr.email})" in page
