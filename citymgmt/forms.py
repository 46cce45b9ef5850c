"""What every app's forms share: showing a service's refusal on the form, and
the date and time field of filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from citymgmt.errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Put a service's messages on the fields they name, the rest on top.

    The form keeps what was typed, so the person corrects one field and sends
    again.
    """
    for field, messages in error.errors.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        for message in messages:
            form.add_error(target, message)


# The offsets real time zones use; PostgreSQL refuses some that Python reads
# (-19:00), and a moment near year 1 or 9999 may not convert to UTC.
EARLIEST_OFFSET = timedelta(hours=-12)
LATEST_OFFSET = timedelta(hours=14)


class MomentField(forms.DateTimeField):
    """A date and time typed into a filter, refused unless the database can hold it."""

    default_error_messages = {
        "offset": _("The time-zone offset must be between -12:00 and +14:00."),
        "range": _("This date is out of range."),
    }

    def to_python(self, value: Any) -> datetime | None:
        moment = super().to_python(value)
        if moment is None:
            return None
        offset = moment.utcoffset()
        if offset is not None and not EARLIEST_OFFSET <= offset <= LATEST_OFFSET:
            raise ValidationError(self.error_messages["offset"], code="offset")
        try:
            moment.astimezone(UTC)
        except OverflowError:
            raise ValidationError(self.error_messages["range"], code="range") from None
        return moment
