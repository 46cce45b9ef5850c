"""The calendar table: public holidays and make-up working days (调休)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    HOLIDAY = "holiday", _("public holiday")
    MAKEUP_WORKDAY = "makeup_workday", _("make-up working day")


class Source(models.TextChoices):
    PACKAGE = "package", _("chinese-calendar package")
    ADMIN = "admin", _("entered by an administrator")


class CalendarDay(models.Model):
    """A day that differs from the Monday-to-Friday week.

    A holiday on a weekday is a day off; a make-up working day on a Saturday
    or Sunday is a working day. Days not in the table follow the week.
    """

    Kind = Kind
    Source = Source

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=64, blank=True, help_text=_("For example 春节.")
    )
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.ADMIN
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values),
                name="workdays_calendarday_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=Source.values),
                name="workdays_calendarday_source_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()

    def clean(self) -> None:
        super().clean()
        if self.date and self.kind == Kind.MAKEUP_WORKDAY and self.date.weekday() < 5:
            raise ValidationError(
                {
                    "kind": _(
                        "A make-up working day is a Saturday or Sunday: "
                        "%(date)s is a weekday and a working day already."
                    )
                    % {"date": self.date.isoformat()}
                }
            )
