from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorship.core.timezones import today_for
from mentorship.insights.selectors import Filters, program_health, programs_for_insights
from mentorship.insights.serializers import (
    HealthSerializer,
    InsightsQuerySerializer,
)
from mentorship.people.models import Department
from mentorship.people.signed_in import person_of


class InsightsView(APIView):
    """Program health for program admins and HR: pairings by status,
    check-ins, milestone completion, unmatched mentees, mentor load,
    confidence (group averages only), outcomes and the pairings at risk with
    their reasons. Never a word anyone wrote."""

    @extend_schema(
        tags=["insights"], parameters=[InsightsQuerySerializer], responses=HealthSerializer
    )
    def get(self, request: Request) -> Response:
        query = InsightsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        person = person_of(request)
        programs = programs_for_insights(person)
        if not programs.exists():
            raise NotFound()
        data = query.validated_data
        program = None
        if "program" in data:
            program = programs.filter(pk=data["program"]).first()
            if program is None:
                raise NotFound()
        # A department that matches nothing gives figures over nobody, as any
        # filter that matches nothing does.
        department = Department(pk=data["department"]) if "department" in data else None
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError({"until": ["The end of the range comes before its start."]})
        filters = Filters(
            program=program, department=department, since=data.get("since"), until=data.get("until")
        )
        health = program_health(person, filters, today=today_for(person))
        return Response(HealthSerializer(health).data)
