"""System checks that turn an unusable environment into a message naming it."""

from django.core.checks import Error, Tags, register
from django.db import connections
from django.db.utils import OperationalError


@register(Tags.database)
def check_database_reachable(app_configs, databases=None, **kwargs):
    """Fail start-up with a message naming DATABASE_URL when it cannot be reached."""
    errors = []
    for alias in databases or []:
        try:
            connections[alias].ensure_connection()
        except OperationalError as exc:
            lines = str(exc).strip().splitlines()
            reason = lines[0] if lines else repr(exc)
            settings_dict = connections[alias].settings_dict
            where = (
                f"{settings_dict.get('HOST') or ''}:{settings_dict.get('PORT') or ''}"
            )
            errors.append(
                Error(
                    f"The database configured by DATABASE_URL cannot be reached "
                    f"({settings_dict['ENGINE'].rsplit('.', 1)[-1]} "
                    f"{where.strip(':') or settings_dict['NAME']}): "
                    f"{reason}",
                    hint="Check DATABASE_URL, and that the database server is running.",
                    id="citymgmt.E001",
                )
            )
    return errors
