from django.urls import path

from . import views

app_name = "analysis"
urlpatterns = [
    path("<int:pk>/episodes/", views.episodes, name="episodes"),
    path("<int:pk>/episodes/add/", views.episode_create, name="episode_create"),
    path("episodes/<int:pk>/", views.episode, name="episode"),
    path("episodes/<int:pk>/edit/", views.episode_edit, name="episode_edit"),
]
