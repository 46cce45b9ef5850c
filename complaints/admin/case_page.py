"""The case page's read-only body: its fieldsets as label/value pairs.

Django draws a view-only change form by building a ModelForm, an AdminForm
and an `AdminReadonlyField` for each of the ~40 fields, each looking its
label and value up through `label_for_field` and `lookup_field`, and then
walking the fieldset templates. That was most of the case page's cost. Here
what each field is (a model field, a relation, one of the admin's display
methods) and its label are worked out once per process from the admin's own
`fieldsets`; a request only formats the values, with the functions Django's
read-only field uses (`display_for_field`, the admin link of a relation), so
the page reads as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.admin.utils import display_for_field, label_for_field
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.defaultfilters import linebreaksbr
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext

from complaints.models import Complaint

# Relations the case selector does not join: the value it annotates instead
# (`selectors.complaint_case_for`), which is the related row's str().
ANNOTATED_RELATIONS = {
    "street": "street_label",
    "community": "community_label",
    "duplicate_of": "duplicate_of_label",
    "created_by": "created_by_label",
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: Any  # a lazy translation: str() in the request's language
    help_text: Any
    field: models.Field | None  # None: one of the admin's display methods
    change_url: str | None  # the admin change page of a relation's rows


@dataclass(frozen=True)
class FieldsetSpec:
    name: Any
    classes: str
    lines: tuple[tuple[FieldSpec, ...], ...]


def _change_url_name(field: models.Field) -> str | None:
    related = field.related_model
    if related is None or not field.many_to_one:
        return None
    name = f"admin:{related._meta.app_label}_{related._meta.model_name}_change"
    try:
        reverse(name, args=["0"])
    except NoReverseMatch:
        return None
    return name


def _field_spec(model_admin: Any, name: str) -> FieldSpec:
    try:
        field: models.Field | None = Complaint._meta.get_field(name)  # type: ignore[assignment]
    except FieldDoesNotExist:
        field = None
    return FieldSpec(
        name=name,
        label=label_for_field(name, Complaint, model_admin),
        help_text=getattr(field, "help_text", "") if field is not None else "",
        field=field,
        change_url=_change_url_name(field) if field is not None else None,
    )


@cache
def fieldset_specs(model_admin: Any) -> tuple[FieldsetSpec, ...]:
    """The admin's fieldsets with what each field is, once per process."""
    specs = []
    for name, options in model_admin.fieldsets:
        lines = tuple(
            tuple(
                _field_spec(model_admin, field)
                for field in (line if isinstance(line, (list, tuple)) else [line])
            )
            for line in options["fields"]
        )
        specs.append(
            FieldsetSpec(
                name=name,
                classes=" ".join(options.get("classes", ())),
                lines=lines,
            )
        )
    return tuple(specs)


def _linebreaksbr(value: Any) -> SafeString:
    """`linebreaksbr` as a template applies it (escaped unless safe, a <br> for
    each line break), without its checks for lazy arguments on the usual value,
    a line with no break."""
    text = str(value)
    if "\n" in text or "\r" in text:
        return linebreaksbr(text)
    return text if isinstance(text, SafeData) else escape(text)  # type: ignore[return-value]


def _contents(
    model_admin: Any, spec: FieldSpec, complaint: Complaint, empty: str
) -> SafeString:
    """The value as Django's read-only field shows it (AdminReadonlyField.contents)."""
    field = spec.field
    if field is None:
        value = getattr(model_admin, spec.name)(complaint)
        return conditional_escape(
            value if hasattr(value, "__html__") else _linebreaksbr(value)
        )
    if field.many_to_one:
        related_id = getattr(complaint, field.attname)
        if related_id is None:
            shown: Any = display_for_field(None, field, empty)
        else:
            annotated = ANNOTATED_RELATIONS.get(spec.name)
            text = (
                getattr(complaint, annotated)
                if annotated is not None and hasattr(complaint, annotated)
                else str(getattr(complaint, spec.name))
            )
            shown = text
            if spec.change_url is not None:
                url = reverse(spec.change_url, args=[related_id])
                shown = format_html('<a href="{}">{}</a>', url, text)
    else:
        shown = display_for_field(getattr(complaint, spec.name), field, empty)
    return _linebreaksbr(shown)


def _frame(model_admin: Any) -> tuple[str | FieldSpec, ...]:
    """The fieldsets' markup in the active language, a value's place left as
    its FieldSpec: what `change_form.html` drew per field with the template
    engine, escaped once."""
    suffix = gettext(":")
    parts: list[str | FieldSpec] = []
    for index, fieldset in enumerate(fieldset_specs(model_admin)):
        collapsible = "collapse" in fieldset.classes.split()
        heading = f"fieldset-0-{index}-heading"
        parts.append(
            format_html('<fieldset class="module aligned {}"', fieldset.classes)
        )
        if fieldset.name:
            parts.append(format_html(' aria-labelledby="{}"', heading))
        parts.append(">\n")
        if fieldset.name:
            parts.append(
                format_html(
                    '{}<h2 id="{}" class="fieldset-heading">{}</h2>{}\n',
                    mark_safe("<details><summary>") if collapsible else "",
                    heading,
                    fieldset.name,
                    mark_safe("</summary>") if collapsible else "",
                )
            )
        for line in fieldset.lines:
            single = len(line) == 1
            names = " ".join(f"field-{spec.name}" for spec in line)
            parts.append(format_html('<div class="form-row {}">\n', names))
            if not single:
                parts.append('<div class="flex-container form-multiline">\n')
            for i, spec in enumerate(line):
                parts.append(
                    format_html(
                        '<div>\n<div class="flex-container{}">\n<label{}>{}</label>\n'
                        '<div class="readonly">',
                        "" if single else f" fieldBox field-{spec.name}",
                        mark_safe(' class="inline"') if i else "",
                        f"{capfirst(spec.label)}{suffix}",
                    )
                )
                parts.append(spec)
                parts.append("</div>\n</div>\n")
                if spec.help_text:
                    parts.append(
                        format_html(
                            '<div class="help"><div>{}</div></div>\n',
                            mark_safe(str(spec.help_text)),  # noqa: S308 - as the template, help text is ours
                        )
                    )
                parts.append("</div>\n")
            if not single:
                parts.append("</div>\n")
            parts.append("</div>\n")
        if fieldset.name and collapsible:
            parts.append("</details>\n")
        parts.append("</fieldset>\n")
    # Neighbouring markup joined: a request only fills in the values.
    joined: list[str | FieldSpec] = []
    for part in parts:
        if isinstance(part, str) and joined and isinstance(joined[-1], str):
            joined[-1] += part
        else:
            joined.append(part)
    return tuple(joined)


_frames: dict[tuple[int, str], tuple[str | FieldSpec, ...]] = {}


def case_fieldsets_html(model_admin: Any, complaint: Complaint) -> SafeString:
    """The case page's fieldsets as HTML, their markup drawn once per language."""
    key = (id(model_admin), get_language())
    frame = _frames.get(key)
    if frame is None:
        frame = _frames[key] = _frame(model_admin)
    empty = model_admin.get_empty_value_display()
    return mark_safe(  # noqa: S308 - markup escaped in _frame, values in _contents
        "".join(
            part
            if isinstance(part, str)
            else _contents(model_admin, part, complaint, empty)
            for part in frame
        )
    )
