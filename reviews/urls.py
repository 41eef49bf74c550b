from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("", views.review_list, name="list"),
    path("start/", views.start, name="start"),
    path("figures/", views.figures, name="figures"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/team/", views.review_team, name="team"),
    path("<int:pk>/milestones/<int:milestone_pk>/", views.milestone_update, name="milestone_update"),
]
