"""Filters of the public statistics page."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A fraction as a percentage with one decimal (0.6667 → 66.7%); – for none."""
    if value is None:
        return "–"
    return f"{value * 100:.1f}%"
