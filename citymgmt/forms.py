"""What every app's forms share: showing a service's refusal on the form, the
date and time field of filters, and public forms whose fields are copied
cheaply per request."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.forms import DeclarativeFieldsMetaclass
from django.forms.widgets import ChoiceWidget
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


# The copies Django makes of fields and widgets that `_copied` makes the same
# way; any other kind (a field with fields of its own, a widget with widgets)
# is deep-copied as Django does.
_FIELD_COPIES = (forms.Field.__deepcopy__, forms.ChoiceField.__deepcopy__)
_WIDGET_COPIES = (forms.Widget.__deepcopy__, ChoiceWidget.__deepcopy__)


def _shallow(obj: Any) -> Any:
    """A new object of the same class with the same attributes (`copy.copy`
    without its generic machinery)."""
    made = object.__new__(type(obj))
    made.__dict__.update(obj.__dict__)
    return made


def _choices(choices: Any, *, deep: bool) -> Any:
    """A new list of choices: its groups' lists new too when `deep`; the
    values and labels themselves are strings, numbers or lazy texts, none of
    which changes in place. Anything else is copied as Django copies it."""
    if type(choices) is not list:
        return copy.deepcopy(choices) if deep else copy.copy(choices)
    if not deep:
        return choices[:]
    made = []
    for choice in choices:
        if type(choice) is not tuple or len(choice) != 2:
            return copy.deepcopy(choices)
        value, label = choice
        if type(label) is list:
            label = _choices(label, deep=True)
        elif isinstance(label, list | dict | set):
            return copy.deepcopy(choices)
        made.append((value, label))
    return made


def _copied(field: forms.Field) -> forms.Field:
    """What `copy.deepcopy(field)` gives a form, made directly.

    Django copies a field, a new dict of its error messages and a new list of
    its validators, and its widget with a new dict of attributes (and a new
    list of choices); the choices of a choice field are copied too.
    """
    widget = field.widget
    if (
        type(field).__deepcopy__ not in _FIELD_COPIES
        or type(widget).__deepcopy__ not in _WIDGET_COPIES
    ):
        return copy.deepcopy(field)
    made = _shallow(field)
    made_widget = _shallow(widget)
    made_widget.attrs = widget.attrs.copy()
    if isinstance(widget, ChoiceWidget):
        # Set past the `choices` setter: they were normalised when first set.
        own = vars(widget)
        if "_choices" in own:
            made_widget._choices = _choices(own["_choices"], deep=False)
        else:
            made_widget.choices = copy.copy(widget.choices)
    made.widget = made_widget
    made.error_messages = field.error_messages.copy()
    made.validators = field.validators[:]
    if isinstance(field, forms.ChoiceField):
        made._choices = _choices(vars(field)["_choices"], deep=True)
    return made


class _Fields(dict[str, forms.Field]):
    """A form class's fields, which each instance copies with `_copied`."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return {name: _copied(field) for name, field in self.items()}


class _CopiedFieldsMetaclass(DeclarativeFieldsMetaclass):
    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        made: Any = super().__new__(mcs, name, bases, attrs)
        made.base_fields = _Fields(made.base_fields)
        return made


class PublicForm(forms.Form, metaclass=_CopiedFieldsMetaclass):
    """A form that every citizen's request builds (the intake form).

    A Django form deep-copies its class's fields for each instance, through
    `copy`'s generic machinery, field by field and widget by widget: about
    a tenth of a filing's time on the complaint form. This one makes the same
    copies directly (`_copied`): each instance still has fields, widgets,
    attributes, error messages, validators and choices of its own.
    """
