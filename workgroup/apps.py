from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkgroupConfig(AppConfig):
    name = "workgroup"
    verbose_name = _("Working group")
