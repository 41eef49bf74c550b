from django.urls import path

from . import tara, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("demo/", views.demo_login, name="demo_login"),
    path("refused/", views.refused, name="refused"),
    path("tara/login/", tara.TaraLoginView.as_view(), name="tara_login"),
    path("tara/callback/", tara.TaraCallbackView.as_view(), name="tara_callback"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_edit, name="organisation_edit"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
]
