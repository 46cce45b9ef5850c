"""Public forms copy their fields per instance without `copy`'s generic
machinery (citymgmt.forms.PublicForm): each form still has fields of its
own, the same as Django's deep copy gives."""

from __future__ import annotations

import copy

import pytest
from django import forms

from citymgmt.forms import PublicForm
from complaints.forms.intake import ComplaintForm


class _Sample(PublicForm):
    kind = forms.ChoiceField(
        choices=[("a", "甲"), ("组", [("b", "乙"), ("c", "丙")])],
        widget=forms.RadioSelect(attrs={"class": "kinds"}),
    )
    text = forms.CharField(max_length=10, error_messages={"required": "必填"})
    when = forms.SplitDateTimeField(required=False)  # a field of fields


# Attributes of a field that are copies of their own, compared by what they hold.
_COPIED = {"widget", "validators", "error_messages", "_choices", "fields"}


def _state(field: forms.Field) -> dict:
    return {
        "type": type(field),
        "attrs": {k: v for k, v in vars(field).items() if k not in _COPIED},
        "widget": type(field.widget),
        "widget_attrs": field.widget.attrs,
        "error_messages": field.error_messages,
        "validators": [type(v) for v in field.validators],
        "choices": getattr(field, "choices", None),
    }


def test_each_form_copies_the_fields_as_django_would():
    fast = _Sample.base_fields.__deepcopy__({})
    django = {name: copy.deepcopy(field) for name, field in _Sample.base_fields.items()}

    for name, field in fast.items():
        assert _state(field) == _state(django[name]), name
    assert _Sample()["kind"].as_widget() == _Sample()["kind"].as_widget()
    assert 'class="kinds"' in str(_Sample()["kind"])


@pytest.mark.django_db
def test_one_form_changing_its_fields_changes_no_other_form():
    first, second = ComplaintForm(), ComplaintForm()
    phone = first.fields["phone"]
    phone.widget.attrs["placeholder"] = "改过"
    phone.error_messages["required"] = "改过"
    phone.validators.append(lambda value: None)
    first.fields["request_type"].choices = [("x", "改过")]
    first.fields["request_type"].widget.attrs["class"] = "改过"
    sample = _Sample()
    sample.fields["when"].fields[0].widget.attrs["class"] = "改过"

    again = ComplaintForm()
    for other in (second, again):
        assert other.fields["phone"] is not phone
        assert "placeholder" not in other.fields["phone"].widget.attrs
        assert other.fields["phone"].error_messages["required"] != "改过"
        assert len(other.fields["phone"].validators) == len(
            ComplaintForm.base_fields["phone"].validators
        )
        assert ("x", "改过") not in other.fields["request_type"].choices
        assert other.fields["request_type"].widget.attrs.get("class") != "改过"
        assert "改过" not in str(other["request_type"])
    assert _Sample().fields["when"].fields[0].widget.attrs.get("class") != "改过"
    assert ComplaintForm.base_fields["phone"].widget.attrs.get("placeholder") is None
