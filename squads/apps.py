from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SquadsConfig(AppConfig):
    name = "squads"
    verbose_name = _("squads and areas")
