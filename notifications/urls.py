from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("new/", views.notification_create, name="create"),
    path("<int:pk>/", views.notification_detail, name="detail"),
    path("<int:pk>/edit/", views.notification_edit, name="edit"),
    path("<int:pk>/confidential/", views.notification_confidential, name="confidential"),
    path("<int:pk>/screening/", views.notification_screening, name="screening"),
]
