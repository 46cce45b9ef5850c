from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitymgmtConfig(AppConfig):
    name = "citymgmt"
    verbose_name = _("CityDesk core")

    def ready(self) -> None:
        from citymgmt import checks  # noqa: F401 - registers the system checks

        create_broker_folders()


def create_broker_folders() -> None:
    """The filesystem broker needs its folders before anyone sends or reads."""
    from pathlib import Path

    from django.conf import settings

    if not settings.CELERY_BROKER_URL.startswith("filesystem"):
        return
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in (
        "data_folder_in",
        "data_folder_out",
        "control_folder",
        "processed_folder",
    ):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
