from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from mentorship.core.timezones import today_for
from mentorship.insights.charts import (
    BLUE,
    GREEN,
    VERMILLION,
    Series,
    bar_chart,
    grouped_bars,
)
from mentorship.insights.exports import DATASETS, FORMATS, csv_chunks, filename, write_xlsx
from mentorship.insights.forms import InsightsFilterForm
from mentorship.insights.selectors import Filters, Health, program_health, programs_for_insights
from mentorship.insights.services import export_record
from mentorship.people.signed_in import AuthenticatedHttpRequest
from mentorship.programs.selectors import programs_administered_by


def _health(request: AuthenticatedHttpRequest) -> tuple[InsightsFilterForm, Health | None]:
    person = request.user
    form = InsightsFilterForm(request.GET or None, programs=programs_for_insights(person))
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if request.GET else {}
    filters = Filters(
        program=data.get("program"),
        department=data.get("department"),
        since=data.get("since"),
        until=data.get("until"),
    )
    return form, program_health(person, filters, today=today_for(person))


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Program health in one look: for program admins and HR."""
    if not programs_for_insights(request.user).exists():
        raise Http404
    form, health = _health(request)
    context: dict[str, object] = {"form": form, "health": health}
    if health is not None:
        context |= {
            "weekly": bar_chart(
                [(f"{w.week:%-d %b}", w.checkins) for w in health.checkins_per_week],
                x_title="Week of",
                y_title="Check-ins",
                fmt="{:.0f}",
                describe="the week of {}",
                counts=True,
            ),
            "by_day": bar_chart(
                [
                    (f"{span.from_day}–{span.from_day + 14}", span.done_share * 100)
                    for span in health.completion_by_day
                ],
                x_title="Days into the pairing (when due)",
                y_title="Done (% of due milestones)",
                top=100,
                fmt="{:.0f}%",
                color=GREEN,
                describe="days {}",
            ),
            "confidence_chart": grouped_bars(
                [
                    (row.competency, [row.day0, row.latest])
                    for row in health.confidence
                    if row.day0 is not None and row.latest is not None
                ],
                series=[Series("Day 0", VERMILLION), Series("Latest", BLUE)],
                x_title="Mean confidence (1–5)",
                top=5,
                ticks=[0, 1, 2, 3, 4, 5],
                fmt="{}",  # as the table beside shows them
            ),
        }
    return render(request, "insights/dashboard.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def exports(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = get_object_or_404(programs_administered_by(request.user), pk=program_id)
    return render(
        request,
        "insights/exports.html",
        {"program": program, "datasets": DATASETS.values(), "formats": FORMATS},
    )


@login_required
@require_GET
def export_download(
    request: AuthenticatedHttpRequest, program_id: int, dataset: str, fmt: str
) -> HttpResponseBase:
    """One dataset of a program, as CSV (streamed) or XLSX. Audited."""
    program = get_object_or_404(programs_administered_by(request.user), pk=program_id)
    chosen = DATASETS.get(dataset)
    if chosen is None or fmt not in FORMATS:
        raise Http404
    export_record(program=program, dataset=chosen.slug, fmt=fmt, by=request.user)
    name = filename(program, chosen, fmt, today_for(request.user))
    # Converted here, not by the middleware: a streamed file is written
    # after the request's time zone has been put back.
    rows = chosen.rows(program, ZoneInfo(request.user.time_zone))
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_chunks(chosen.header, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(
        write_xlsx(chosen.header, rows, title=chosen.slug),
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
