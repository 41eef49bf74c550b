from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("auth/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("method/", include("method.urls")),
    path("notifications/", include("notifications.urls")),
    path("reviews/", include("reviews.urls")),
    path("reviews/", include("inquiries.urls")),
    path("reviews/", include("chronology.urls")),
    path("reviews/", include("detections.urls")),
    path("reviews/", include("analysis.urls")),
    path("requests/", include("submissions.urls")),
    path("requests/", include("api.page_urls")),
    path("api/v1/", include("api.urls")),
    path("workgroup/", include("workgroup.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
