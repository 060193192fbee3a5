from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import FormView

from mentorship import access
from mentorship.audit import selectors as audit_selectors
from mentorship.audit.models import SecurityEventKind, SecurityEventVia
from mentorship.audit.security import Client, security_record
from mentorship.core.forms import attach_service_errors
from mentorship.notifications.links import LinkError, LinkInvalid
from mentorship.people import (
    company_sign_in,
    erasure,
    personal_data,
    selectors,
    services,
    sessions,
    throttling,
    two_factor,
)
from mentorship.people.backends import paused
from mentorship.people.forms import (
    ApiTokenForm,
    EraseForm,
    PasswordResetRequestForm,
    PersonForm,
    ProfileForm,
    SignInForm,
)
from mentorship.people.models import Department, Person
from mentorship.people.signed_in import AuthenticatedHttpRequest
from mentorship.programs.models import Program
from mentorship.programs.selectors import programs_administered_by

# What Django's reset tokens look like: a base-36 timestamp and a hash.
RESET_TOKEN = re.compile(r"[0-9a-z]{1,13}-[0-9a-f]{32}")


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "people/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["company_sign_in"] = company_sign_in.enabled()
        context["company_label"] = settings.OIDC_BUTTON_LABEL
        context["password_sign_in"] = settings.PASSWORD_SIGN_IN
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.PASSWORD_SIGN_IN:
            messages.error(request, "Passwords do not sign in here: use your company account.")
            return redirect("login")
        return super().post(request, *args, **kwargs)


NEXT_KEY = "scaffold.company_sign_in_next"
# How this session signed in, when it was through the company's provider: signing
# out then says that the company account stays signed in.
VIA_KEY = "scaffold.signed_in_via"


@require_GET
def company_sign_in_start(request: HttpRequest) -> HttpResponse:
    """Off to the company's identity provider."""
    if not company_sign_in.enabled():
        raise Http404
    wanted = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        request.session[NEXT_KEY] = wanted
    try:
        return company_sign_in.start(request)
    except company_sign_in.SignInRefused as refused:
        return _company_sign_in_refused(request, refused)


@require_GET
def company_sign_in_done(request: HttpRequest) -> HttpResponse:
    """Back from the provider: signed in, or told why not."""
    if not company_sign_in.enabled():
        raise Http404
    try:
        person = company_sign_in.finish(request)
    except company_sign_in.SignInRefused as refused:
        if refused.code == company_sign_in.STATE_MISMATCH and request.user.is_authenticated:
            # The return link reloaded (or reached by Back) after it signed
            # them in: they are in; nothing failed.
            return redirect(settings.LOGIN_REDIRECT_URL)
        return _company_sign_in_refused(request, refused)
    wanted = request.session.pop(NEXT_KEY, "")
    login(request, person, backend=settings.AUTHENTICATION_BACKENDS[0])
    request.session[VIA_KEY] = SecurityEventVia.COMPANY.value
    security_record(
        SecurityEventKind.SIGNED_IN,
        person=person,
        client=Client.of(request),
        via=SecurityEventVia.COMPANY,
    )
    return redirect(wanted or settings.LOGIN_REDIRECT_URL)


def _company_sign_in_refused(
    request: HttpRequest, refused: company_sign_in.SignInRefused
) -> HttpResponse:
    security_record(
        SecurityEventKind.SIGN_IN_FAILED,
        client=Client.of(request),
        via=SecurityEventVia.COMPANY,
        data={"why": refused.code},
    )
    return render(
        request, "people/company_sign_in_refused.html", {"message": str(refused)}, status=403
    )


class PasswordResetRequestView(FormView[PasswordResetRequestForm]):
    form_class = PasswordResetRequestForm
    template_name = "people/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not settings.PASSWORD_SIGN_IN:
            # No password signs in: there is none to reset.
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: PasswordResetRequestForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        if throttling.reset_request_allowed(email=email):
            services.password_reset_request(email=email, client=Client.of(self.request))
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "people/password_reset_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "people/password_reset_confirm.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # A new password ends any pause on signing in with it, and every API
        # token made under the old one.
        services.password_reset_used(person=form.user, client=Client.of(self.request))
        return response

    def dispatch(self, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().dispatch(*args, **kwargs)
        if not self.validlink and response.status_code == 200:
            # The page says the link no longer works; so does the status:
            # damaged on its way (400), or good once and no more (410).
            token = str(kwargs.get("token", ""))
            well_formed = self.user is not None and (
                token == self.reset_url_token or RESET_TOKEN.fullmatch(token) is not None
            )
            response.status_code = 410 if well_formed else 400
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "people/password_reset_complete.html"


class SignOutView(auth_views.LogoutView):
    """Signing out is a POST (a link or an image must not sign anyone out);
    the address opened in the browser asks first, and when already signed
    out goes to the sign-in page."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("login")
        return render(request, "people/sign_out.html")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        via_company = request.session.get(VIA_KEY) == SecurityEventVia.COMPANY
        response = super().post(request, *args, **kwargs)
        if via_company:
            messages.info(
                request,
                "You are signed out of Scaffold. Your company account stays signed in, and "
                "its button would sign you straight back in: on a shared computer, sign out "
                "of your company account too.",
            )
        else:
            messages.info(request, "You are signed out.")
        return response


@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def welcome(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation: choose a password, and you are signed in."""
    try:
        person = services.invitation_person(token)
    except LinkError as exc:
        return render(
            request,
            "people/welcome.html",
            {"validlink": False, "invitation_days": settings.SCAFFOLD_INVITATION_DAYS},
            # Damaged on its way (400), or good once and no more (410).
            status=400 if isinstance(exc, LinkInvalid) else 410,
        )
    form = SetPasswordForm(person, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        form.save()
        services.invitation_accepted(person=person, client=Client.of(request))
        login(request, person, backend="mentorship.people.backends.ThrottledModelBackend")
        messages.success(
            request,
            f"Welcome to Scaffold, {person.get_short_name()}. Check your time zone here: "
            "reminders arrive at 09:00 your time.",
        )
        return redirect("profile")
    return render(
        request,
        "people/welcome.html",
        {"validlink": True, "form": form, "person": person},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = request.user
    form = ProfileForm.for_person(person, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.person_update_profile(person=person, **form.cleaned_data)
        messages.success(request, "Your profile is saved.")
        return redirect("profile")
    return render(request, "people/profile.html", {"form": form})


@login_required
@require_GET
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything Scaffold holds about the person signed in, as JSON."""
    return _personal_data_download(request, request.user)


def _personal_data_download(request: AuthenticatedHttpRequest, person: Person) -> HttpResponse:
    document = personal_data.personal_data(request.user, person)
    services.personal_data_export_record(person=person, by=request.user)
    response = JsonResponse(
        document, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    local_part = re.sub(r"[^A-Za-z0-9._-]", "_", person.email.split("@")[0])
    response["Content-Disposition"] = f'attachment; filename="scaffold-data-{local_part}.json"'
    response["Cache-Control"] = "no-store"
    return response


ACTIVITY_SHOWN = 20


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@require_http_methods(["GET", "POST"])
def account_security(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A person's own account: change the password, sign out everywhere
    else, and what has happened to the account lately."""
    person = request.user
    client = Client.of(request)
    form = PasswordChangeForm(person, request.POST if request.method == "POST" else None)
    if request.method == "POST" and not _has_password(person):
        messages.error(request, "You have no Scaffold password: you sign in with your company.")
        return redirect("account-security")
    if request.method == "POST":
        # Guessing the current password from a borrowed session is guessing
        # a password: the sign-in allowance applies.
        if paused(request, person.email) is not None:
            form.add_error(None, "Too many wrong passwords. Try again in a few minutes.")
        elif form.is_valid():
            revoked = services.password_change(
                person=person, new_password=form.cleaned_data["new_password1"], client=client
            )
            update_session_auth_hash(request, person)
            messages.success(request, password_changed_message(revoked))
            return redirect("account-security")
        elif "old_password" in form.errors:
            services.password_change_refused(person=person, client=client)
    return _security_page(request, form)


def _has_password(person: Person) -> bool:
    """Whether a password of theirs signs in: not where the company's
    provider is the only way in, nor for someone it made an account for."""
    return settings.PASSWORD_SIGN_IN and person.has_usable_password()


def password_changed_message(revoked_tokens: int) -> str:
    said = "Your password is changed. Every other session is signed out."
    if revoked_tokens:
        tokens = "API token was" if revoked_tokens == 1 else f"{revoked_tokens} API tokens were"
        said += (
            f" Your {tokens} revoked with the old password: make a new one on the API tokens page."
        )
    return said


@login_required
@require_POST
def sign_out_elsewhere(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.sessions_end_elsewhere(person=request.user, client=Client.of(request))
    update_session_auth_hash(request, request.user)
    messages.success(
        request,
        "Every other session is signed out; this one stays. API tokens still work: "
        "revoke them on the API tokens page.",
    )
    return redirect("account-security")


def _security_page(request: AuthenticatedHttpRequest, form: PasswordChangeForm) -> HttpResponse:
    return render(
        request,
        "people/account_security.html",
        {
            "form": form,
            "has_password": _has_password(request.user),
            # Said before the change: a new password revokes them all.
            "live_tokens": selectors.api_tokens_for(request.user).count(),
            "activity": audit_selectors.account_activity(request.user)[:ACTIVITY_SHOWN],
            "activity_kept_days": settings.RETENTION_SECURITY_EVENTS_DAYS,
            "idle": settings.SESSION_IDLE_TIMEOUT
            and sessions.describe(settings.SESSION_IDLE_TIMEOUT),
            "max_age": sessions.describe(settings.SESSION_COOKIE_AGE),
        },
        status=400 if form.errors else 200,
    )


NEW_TOKEN = "api_tokens.new_token"  # noqa: S105 -- a session key, not a secret


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        _, raw = services.api_token_create(
            person=request.user,
            name=form.cleaned_data["name"],
            expires_in_days=form.cleaned_data["expires_in_days"],
            client=Client.of(request),
        )
        # Post, redirect, get: a reload shows the page, it does not make a
        # second token. The token waits in the session for that one page.
        request.session[NEW_TOKEN] = raw
        return redirect("api-tokens")
    new_token = request.session.pop(NEW_TOKEN, None) if request.method == "GET" else None
    return render(
        request,
        "people/api_tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": selectors.api_tokens_for(request.user),
        },
    )


@login_required
@require_http_methods(["POST"])
def api_token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = selectors.api_tokens_for(request.user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    services.api_token_revoke(token=token, by=request.user)
    messages.success(request, f"The token “{token.name}” is revoked.")
    return redirect("api-tokens")


# --------------------------------------------------------------------------
# HR's people pages: the directory, adding and editing one person.

DIRECTORY_PAGE = 50


def _people_admin(request: AuthenticatedHttpRequest) -> Person:
    """HR, or a 404: others do not learn these pages exist."""
    if not access.manages_people(request.user):
        raise Http404
    return request.user


def _hr_and_person(request: AuthenticatedHttpRequest, person_id: int) -> tuple[Person, Person]:
    """HR and the person a page of theirs is about, or a 404."""
    hr = _people_admin(request)
    person = selectors.person_visible_to(hr, person_id)
    if person is None:
        raise Http404
    return hr, person


def _program_of(request: AuthenticatedHttpRequest) -> Program | None:
    """The program's People page these pages were opened from, to go back to."""
    program_id = request.GET.get("program", "")
    if not program_id.isdigit():
        return None
    return programs_administered_by(request.user).filter(pk=int(program_id)).first()


@login_required
@require_GET
def people_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    viewer = _people_admin(request)
    q = request.GET.get("q", "").strip()[:200]
    raw_after = request.GET.get("after", "")
    after = int(raw_after) if raw_after.isdigit() and len(raw_after) < 19 else None
    # One row more than shown says whether there are more, without counting.
    people = list(selectors.people_directory(viewer, q=q, after=after)[: DIRECTORY_PAGE + 1])
    shown = people[:DIRECTORY_PAGE]
    following = None
    if len(people) > DIRECTORY_PAGE:
        following = "?" + urlencode(({"q": q} if q else {}) | {"after": str(shown[-1].pk)})
    return render(
        request,
        "people/people_list.html",
        {
            "people": shown,
            "following": following,
            "first_page": ("?" + urlencode({"q": q})) if q else "?",
            "paged": after is not None,
            "q": q,
        },
    )


SECURITY_LOG_PAGE = 50


@login_required
@require_GET
def security_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """HR's view of the security log: every account's sign-ins, failures,
    pauses, resets and tokens, newest first, a page at a time."""
    viewer = _people_admin(request)
    kind = request.GET.get("kind", "")
    if kind not in SecurityEventKind.values:
        kind = ""
    email = request.GET.get("email", "").strip()[:254]
    before = request.GET.get("before", "")
    events = list(
        audit_selectors.security_events_visible_to(
            viewer, kind=kind, email=email, before=int(before) if before.isdigit() else None
        )[: SECURITY_LOG_PAGE + 1]
    )
    shown = events[:SECURITY_LOG_PAGE]
    older = None
    if len(events) > SECURITY_LOG_PAGE:
        older = "?" + urlencode(
            {k: v for k, v in (("kind", kind), ("email", email)) if v}
            | {"before": str(shown[-1].pk)}
        )
    return render(
        request,
        "people/security_log.html",
        {
            "events": shown,
            "kinds": SecurityEventKind.choices,
            "kind": kind,
            "email": email,
            "older": older,
            "newest": "?" + urlencode({k: v for k, v in (("kind", kind), ("email", email)) if v}),
            "paged": before.isdigit(),
        },
    )


def _render_form(
    request: AuthenticatedHttpRequest,
    form: PersonForm,
    *,
    person: Person | None,
    program: Program | None,
) -> HttpResponse:
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "person": person,
            "program": program,
            "departments": Department.objects.values_list("name", flat=True),
            "invitation_days": settings.SCAFFOLD_INVITATION_DAYS,
        },
        status=400 if form.errors else 200,
    )


def _back(program: Program | None, **query: str) -> HttpResponse:
    if program is None:
        return redirect("people:list")
    url = reverse("programs:people", kwargs={"program_id": program.pk})
    return redirect(f"{url}?{urlencode(query)}" if query else url)


@login_required
@require_http_methods(["GET", "POST"])
def person_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    hr = _people_admin(request)
    program = _program_of(request)
    form = PersonForm(request.POST if request.method == "POST" else None, adding=True)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(by=hr, **form.details())
        except ValidationError as exc:
            attach_service_errors(exc, form)
        else:
            invited = form.cleaned_data["invite"]
            if invited:
                services.person_invite(person=person, by=hr)
            messages.success(
                request,
                f"{person.full_name} is added"
                + (f"; an invitation is on its way to {person.email}" if invited else "")
                + (". Enroll them below." if program else "."),
            )
            return _back(program, email=person.email)
    return _render_form(request, form, person=None, program=program)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    hr, person = _hr_and_person(request, person_id)
    if person.is_erased:
        # Nothing to edit, invite or erase: who they were is gone.
        return render(request, "people/person_erased.html", {"person": person})
    program = _program_of(request)
    form = PersonForm.for_person(person, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, by=hr, **form.details())
        except ValidationError as exc:
            attach_service_errors(exc, form)
        else:
            messages.success(request, f"{form.cleaned_data['full_name'].strip()} is saved.")
            return _back(program)
    return _render_form(request, form, person=person, program=program)


@login_required
@require_GET
def person_data(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """For HR: what Scaffold holds about one person (audited)."""
    _, person = _hr_and_person(request, person_id)
    return _personal_data_download(request, person)


@login_required
@require_http_methods(["GET", "POST"])
def person_erase(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """For HR: what erasing a person does, and (typing their address) doing it."""
    hr, person = _hr_and_person(request, person_id)
    if person.is_erased:
        return render(request, "people/person_erased.html", {"person": person})
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        name = person.full_name
        try:
            erasure.person_erase(
                person=person, by=hr, confirm_email=form.cleaned_data["confirm_email"]
            )
        except ValidationError as exc:
            attach_service_errors(exc, form)
        else:
            messages.success(
                request,
                f"{name} is erased: Scaffold no longer says who they were. Their pairings "
                f"and figures stay, under “{erasure.erased_name(person)}”.",
            )
            return redirect("people:list")
    return render(
        request,
        "people/person_erase.html",
        {"person": person, "form": form, "plan": erasure.erasure_plan(person=person, by=hr)},
    )


@login_required
@require_POST
def person_invite(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    hr, person = _hr_and_person(request, person_id)
    if person.is_erased:
        raise Http404
    try:
        services.person_invite(person=person, by=hr)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"An invitation is on its way to {person.email}.")
    return redirect("people:edit", person_id=person.pk)


@login_required
@require_POST
def person_two_factor_off(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """For someone who lost both the phone and the recovery codes: HR turns
    two-factor sign-in off, and the person sets it up again."""
    hr, person = _hr_and_person(request, person_id)
    two_factor.disable(person=person, by=hr, client=Client.of(request))
    messages.success(
        request,
        f"Two-factor sign-in is off for {person.full_name}. They sign in with their password "
        "and can set it up again under Password and sign-ins.",
    )
    return redirect("people:edit", person_id=person.pk)
