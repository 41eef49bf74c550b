"""The JSON API for agency systems (django-ninja), under /api/v1/; see api/endpoints.py.

Every view of the API is wrapped in `body_limited` (bodies up to 10 MB, the caller's language)."""

from django.urls import URLPattern

from .endpoints import api, body_limited

_patterns, _app_name, namespace = api.urls
app_name = namespace  # "api": api:openapi-json, api:submit_chronology, api:request_status, api:api-root

urlpatterns = [
    URLPattern(pattern.pattern, body_limited(pattern.callback), pattern.default_args, pattern.name)
    if isinstance(pattern, URLPattern)
    else pattern
    for pattern in _patterns
]
