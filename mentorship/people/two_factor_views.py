"""The pages of two-factor sign-in (people/two_factor.py): the code asked
after the password, and turning it on, renewing codes and turning it off."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from mentorship.audit.security import Client
from mentorship.core.forms import attach_service_errors
from mentorship.people import two_factor
from mentorship.people.signed_in import AuthenticatedHttpRequest


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=20,
        label="Code",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="The six digits your authenticator app shows, or one of your recovery codes.",
    )


class SetupCodeForm(CodeForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["code"].help_text = "The six digits your authenticator app shows for Scaffold."


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To show that it is you.",
    )

    def __init__(self, person: object, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.person = person

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.person.check_password(password):  # type: ignore[attr-defined]
            raise forms.ValidationError("That is not your password.")
        return str(password)


def _next(request: AuthenticatedHttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    return target


@sensitive_post_parameters("code")
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """After the password: the code. Reached only by a person who has
    two-factor sign-in and has not passed it in this session."""
    person = request.user
    if not two_factor.enabled(person) or person.is_verified():  # type: ignore[attr-defined]
        return redirect(_next(request))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            passed = two_factor.verify(
                person=person, code=form.cleaned_data["code"], client=Client.of(request)
            )
        except ValidationError as exc:
            attach_service_errors(exc, form)
        else:
            two_factor.mark_verified(request, passed.device)
            if passed.recovery_codes_left is not None:
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {passed.recovery_codes_left} are left. "
                    "Make new ones under Password and sign-ins.",
                )
            return redirect(_next(request))
    return render(
        request,
        "people/two_factor_verify.html",
        {"form": form, "next": _next(request)},
        status=400 if form.errors else 200,
    )


@sensitive_post_parameters("code", "password")
@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Turn two-factor sign-in on (scan, then confirm with a code), and once
    on: make new recovery codes or turn it off."""
    person = request.user
    client = Client.of(request)
    if two_factor.enabled(person):
        return render(
            request,
            "people/two_factor.html",
            {
                "enabled": True,
                "left": two_factor.recovery_codes_left(person),
                "required": two_factor.required_for(person),
                "password_form": PasswordConfirmForm(person),
            },
        )
    device = two_factor.pending_device(person)
    form = SetupCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.enable(
                person=person, device=device, code=form.cleaned_data["code"], client=client
            )
        except ValidationError as exc:
            attach_service_errors(exc, form)
        else:
            device.refresh_from_db()
            two_factor.mark_verified(request, device)
            return _show_codes_once(request, codes, first=True)
    return render(
        request,
        "people/two_factor.html",
        {
            "enabled": False,
            "form": form,
            "qr": two_factor.qr_svg(device),
            "key": two_factor.readable_key(device),
            "required": two_factor.required_for(person),
        },
        status=400 if form.errors else 200,
    )


@sensitive_post_parameters("password")
@login_required
@require_POST
def recovery_codes_renew(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = request.user
    form = PasswordConfirmForm(person, request.POST)
    if not two_factor.enabled(person):
        return redirect("two-factor")
    if not form.is_valid():
        messages.error(request, "New recovery codes need your password: " + _first(form))
        return redirect("two-factor")
    codes = two_factor.recovery_codes_renew(person=person, client=Client.of(request))
    return _show_codes_once(request, codes, first=False)


NEW_CODES = "two_factor.new_codes"


def _show_codes_once(
    request: AuthenticatedHttpRequest, codes: list[str], *, first: bool
) -> HttpResponse:
    """Post, redirect, get: a reload shows the page again instead of
    sending the form again (which would replace the codes just saved)."""
    request.session[NEW_CODES] = {"codes": codes, "first": first}
    return redirect("two-factor-new-codes")


@login_required
@require_http_methods(["GET"])
def new_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The codes just made, shown on this one visit: the session forgets
    them as the page is made, so they are in no later page or session."""
    shown = request.session.pop(NEW_CODES, None)
    if not shown:
        messages.info(
            request,
            "Recovery codes are shown once, when they are made. Make new ones below if you "
            "did not save them.",
        )
        return redirect("two-factor")
    return render(request, "people/recovery_codes.html", shown)


@sensitive_post_parameters("password")
@login_required
@require_POST
def turn_off(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = request.user
    form = PasswordConfirmForm(person, request.POST)
    if not form.is_valid():
        messages.error(
            request, "Turning two-factor sign-in off needs your password: " + _first(form)
        )
        return redirect("two-factor")
    try:
        two_factor.disable(person=person, client=Client.of(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Two-factor sign-in is off. Your password alone signs you in.")
    return redirect("two-factor")


def _first(form: forms.Form) -> str:
    return str(next(iter(form.errors.get("password", ["it was missing."]))))
