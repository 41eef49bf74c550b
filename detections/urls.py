from django.urls import path

from . import views

app_name = "detections"
urlpatterns = [
    path("<int:pk>/detections/", views.detection_list, name="list"),
    path("<int:pk>/detections/run/", views.run, name="run"),
    path("detections/runs/<int:pk>/", views.run_status, name="run_status"),
    path("detections/<int:pk>/", views.detail, name="detail"),
    path("detections/<int:pk>/decide/", views.decide, name="decide"),
    path("detections/<int:pk>/episode/", views.link_episode, name="link_episode"),
]
