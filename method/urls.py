from django.urls import path

from . import views

app_name = "method"
urlpatterns = [
    path("", views.version_list, name="list"),
    path("draft/", views.draft_create, name="draft_create"),
    path("<int:number>/", views.version_detail, name="detail"),
    path("<int:number>/edit/<slug:section>/", views.section_edit, name="edit_section"),
    path("<int:number>/correct/<slug:section>/", views.section_correct, name="correct_section"),
    path("<int:number>/diff/", views.version_diff, name="diff"),
    path("<int:number>/publish/", views.version_publish, name="publish"),
    path("<int:number>/discard/", views.draft_discard, name="discard"),
]
