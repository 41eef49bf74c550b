from django.urls import path

from . import export_views, views

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
    path("<int:pk>/chronology/timeline/", export_views.timeline, name="timeline"),
    path("<int:pk>/chronology/exports/", export_views.exports, name="exports"),
    path("<int:pk>/chronology/exports/xlsx/", export_views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/chronology/exports/pdf/", export_views.export_pdf, name="export_pdf"),
    path("chronology/exports/<int:pk>/", export_views.export_detail, name="export"),
    path("chronology/exports/<int:pk>/download/", export_views.export_download, name="export_download"),
]
