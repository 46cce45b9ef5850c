"""What every app's forms share: showing a service's refusal on the form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

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
