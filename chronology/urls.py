app_name = "chronology"
urlpatterns: list = [
    # The integrated chronology, entries, duplicates and disputes (chronology/views.py).
    # Timeline and exports (chronology/export_views.py).
]
