"""The JSON API for agency systems (django-ninja), under /api/v1/; see api/endpoints.py."""

from django.urls import path

urlpatterns: list = []
