"""Query building blocks shared by the selectors."""

from __future__ import annotations

from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def subquery_count(queryset: QuerySet, outer_field: str) -> Coalesce:
    """A correlated ``COUNT(*)`` of ``queryset`` grouped on ``outer_field``,
    for annotating many rows at once without joining them all together."""
    counted = queryset.order_by().values(outer_field).annotate(_count=Count("*")).values("_count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
