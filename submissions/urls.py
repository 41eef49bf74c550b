from django.urls import path

from . import views

app_name = "submissions"
urlpatterns = [
    path("<int:pk>/", views.request_page, name="request"),
    path("<int:pk>/upload/", views.upload, name="upload"),
    path("previews/<uuid:key>/", views.preview, name="preview"),
    path("<int:pk>/entries/", views.entries, name="entries"),
    path("<int:pk>/entries/add/", views.entry_add, name="entry_add"),
    path("<int:pk>/entries/submit/", views.entries_submit, name="entries_submit"),
    path("<int:pk>/entries/from-current/", views.entries_start, name="entries_start"),
    path("entries/<int:pk>/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("<int:pk>/report/", views.report, name="report"),
    path("submissions/<int:pk>/", views.detail, name="detail"),
    path("submissions/<int:pk>/file/", views.download, name="download"),
]
