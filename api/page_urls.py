"""The coordinator's pages for an information request's API tokens (mounted at requests/)."""

from django.urls import path

from . import views

app_name = "api_tokens"

urlpatterns = [
    path("<int:pk>/tokens/", views.token_list, name="list"),
    path("<int:pk>/tokens/new/", views.token_create, name="create"),
    path("<int:pk>/tokens/<int:token_pk>/revoke/", views.token_revoke, name="revoke"),
]
