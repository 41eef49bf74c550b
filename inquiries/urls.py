from django.urls import path

from . import views

app_name = "inquiries"
urlpatterns = [
    path("<int:pk>/terms/", views.terms, name="terms"),
    path("<int:pk>/involvements/", views.involvement_list, name="involvement_list"),
    path("<int:pk>/involvements/add/", views.involvement_create, name="involvement_create"),
    path("involvements/<int:pk>/", views.involvement_edit, name="involvement_edit"),
    path("involvements/<int:pk>/request/", views.request_create, name="request_create"),
    path("<int:pk>/requests/", views.request_grid, name="request_grid"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/letter/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/send/", views.request_send, name="request_send"),
    path("requests/<int:pk>/contributors/", views.contributor_add, name="contributor_add"),
]
