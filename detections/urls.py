app_name = "detections"
urlpatterns: list = []
