"""Web pages for HR: upload a people CSV, see the dry run, import it."""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorship import access
from mentorship.people import selectors
from mentorship.people.imports import services
from mentorship.people.imports.csv_file import COLUMNS
from mentorship.people.imports.forms import UploadForm
from mentorship.people.models import ImportStatus, Person, PersonImport
from mentorship.people.signed_in import AuthenticatedHttpRequest


def _hr(request: AuthenticatedHttpRequest) -> Person:
    if not access.is_hr(request.user):
        raise Http404
    return request.user


def _import(person: Person, import_id: int) -> PersonImport:
    found = selectors.person_imports_visible_to(person).filter(pk=import_id).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = _hr(request)
    # From a program's People page: that program is chosen already (one
    # the person does not run is simply not among the choices).
    asked = request.GET.get("program", "")
    posted = request.method == "POST"
    form = UploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        person=person,
        initial={"program": asked} if asked.isdigit() else None,
    )
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            person_import = services.person_import_start(
                uploaded_by=person,
                filename=upload.name or "people.csv",
                content=upload.read(),
                program=form.cleaned_data["program"],
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            return redirect("imports:detail", import_id=person_import.pk)
    return render(
        request,
        "people/import_upload.html",
        {
            "form": form,
            "columns": list(COLUMNS),
            "recent": selectors.person_imports_visible_to(person)[:10],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def detail(request: AuthenticatedHttpRequest, import_id: int) -> HttpResponse:
    person_import = _import(_hr(request), import_id)
    # Every problem of a row together: a row is fixed once, not once per problem.
    problem_rows = [
        {"row": row, "problems": list(problems)}
        for row, problems in groupby(person_import.errors, key=itemgetter("row"))
    ]
    return render(
        request,
        "people/import_detail.html",
        {
            "import": person_import,
            "problem_rows": problem_rows,
            "running": person_import.is_running,
            "invitation_days": settings.SCAFFOLD_INVITATION_DAYS,
        },
    )


@login_required
@require_GET
def progress(request: AuthenticatedHttpRequest, import_id: int) -> JsonResponse:
    person_import = _import(_hr(request), import_id)
    stage = {
        ImportStatus.CHECKING: "Checking row {done:,} of {total:,}",
        ImportStatus.IMPORTING: "Writing {total:,} rows",
    }.get(ImportStatus(person_import.status), person_import.get_status_display())
    return JsonResponse(
        {
            "status": person_import.status,
            "stage": stage.format(done=person_import.rows_done, total=person_import.rows_total),
            "done": person_import.rows_done,
            "total": person_import.rows_total,
            "finished": not person_import.is_running,
        }
    )


@login_required
@require_POST
def commit(request: AuthenticatedHttpRequest, import_id: int) -> HttpResponse:
    person = _hr(request)
    person_import = _import(person, import_id)
    try:
        services.person_import_commit_request(
            person_import=person_import, by=person, invite=request.POST.get("invite") == "yes"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("imports:detail", import_id=person_import.pk)
