from django.urls import path

from . import views

app_name = "chronology"
urlpatterns: list = [
    # The integrated chronology, entries, duplicates and disputes (chronology/views.py).
    path("<int:pk>/chronology/", views.integrated, name="integrated"),
    path("chronology/entries/<int:pk>/", views.entry, name="entry"),
    path("chronology/entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("<int:pk>/chronology/duplicates/", views.duplicates, name="duplicates"),
    path("chronology/duplicates/<int:pk>/", views.duplicate_decide, name="duplicate_decide"),
    path("<int:pk>/chronology/disputes/", views.disputes, name="disputes"),
    path("<int:pk>/chronology/disputes/add/", views.dispute_create, name="dispute_create"),
    path("chronology/disputes/<int:pk>/resolve/", views.dispute_resolve, name="dispute_resolve"),
    # Timeline and exports (chronology/export_views.py).
]
