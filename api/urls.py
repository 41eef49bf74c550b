"""The JSON API for agency systems (django-ninja), under /api/v1/; see api/endpoints.py."""

urlpatterns: list = []
