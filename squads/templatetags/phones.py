from django import template

from citymgmt.phones import tel_href

register = template.Library()


@register.filter
def tel(value: str) -> str:
    """The tel: link for a phone number: {{ unit.duty_phone|tel }}."""
    return tel_href(value)
