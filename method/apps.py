from django.apps import AppConfig


class MethodConfig(AppConfig):
    name = "method"
