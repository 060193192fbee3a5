from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularSwaggerSplitView

# Swagger UI sets element styles from its scripts; this page alone allows
# inline styles. Scripts stay same-origin only, as everywhere else.
_DOCS_POLICY: dict[str, Any] = {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}


@method_decorator(csp_override(_DOCS_POLICY), name="dispatch")
class ApiDocsView(SpectacularSwaggerSplitView):
    """Interactive API docs, served entirely from this server's static files.
    Our own page around Swagger UI: a language, a main landmark, and colours
    that people can read (scaffold/api-docs.css)."""

    template_name = "core/api_docs.html"
