from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .menu import main_menu


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "TARA_ENABLED": settings.TARA_ENABLED,
        "main_menu": SimpleLazyObject(lambda: main_menu(request)),
    }
