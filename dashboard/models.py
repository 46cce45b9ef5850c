"""The daily rollup of the KPI counts, and when it was last brought up to date.

`DayFigures` holds, per local submission day, handling unit, street, channel
and whether the case was dispatched, the counts every indicator divides
(docs/kpis.md) and the sums of the working durations. It is rebuilt from the
complaint rows by `dashboard.rollup` — never edited — so a period's counts
are a sum over a few thousand rows instead of an aggregate over every case.
The medians are not in it: they come from the cases themselves.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The counts of a case that the rollup sums (the names dashboard.kpis uses).
COUNT_FIELDS = [
    "received",
    "registered",
    "to_close",
    "closed",
    "closed_on_time",
    "to_dispose",
    "disposed",
    "disposed_on_time",
    "disposed_late",
    "extended",
    "reworked",
    "rated_now",
    "rated_reopened",
    "satisfied",
    "method_service",
    "method_management",
    "method_enforcement",
    "accept_seconds_sum",
    "accept_timed",
    "dispose_seconds_sum",
    "dispose_timed",
]


class DayFigures(models.Model):
    """The KPI counts of the cases submitted on one day, for one key."""

    day = models.DateField(_("day submitted"))
    # Plain ids without a constraint: rows are rebuilt, never joined for names.
    squad = models.ForeignKey(
        "squads.Squad",
        verbose_name=_("handling unit"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    street = models.ForeignKey(
        "squads.Area",
        verbose_name=_("street"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=16)
    dispatched = models.BooleanField(_("dispatched"))

    received = models.PositiveIntegerField(default=0)
    registered = models.PositiveIntegerField(default=0)
    to_close = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    closed_on_time = models.PositiveIntegerField(default=0)
    to_dispose = models.PositiveIntegerField(default=0)
    disposed = models.PositiveIntegerField(default=0)
    disposed_on_time = models.PositiveIntegerField(default=0)
    disposed_late = models.PositiveIntegerField(default=0)
    extended = models.PositiveIntegerField(default=0)
    reworked = models.PositiveIntegerField(default=0)
    rated_now = models.PositiveIntegerField(default=0)
    rated_reopened = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    method_service = models.PositiveIntegerField(default=0)
    method_management = models.PositiveIntegerField(default=0)
    method_enforcement = models.PositiveIntegerField(default=0)
    accept_seconds_sum = models.BigIntegerField(default=0)
    accept_timed = models.PositiveIntegerField(default=0)
    dispose_seconds_sum = models.BigIntegerField(default=0)
    dispose_timed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("KPI counts of a day")
        verbose_name_plural = _("KPI counts per day")
        indexes = [
            models.Index(fields=["day", "squad"], name="dashboard_day_squad_idx")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.squad_id} {self.street_id} {self.channel}"


class RollupState(models.Model):
    """The one row that says how far the rollup is brought up to date."""

    # When the last refresh finished reading the cases: the figures' "as of".
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)
    # Events up to here have been read; the next refresh reads from a little
    # before it (dashboard.rollup.OVERLAP), for transactions that committed late.
    read_events_until = models.DateTimeField(
        _("events read until"), null=True, blank=True
    )
    rebuilt_at = models.DateTimeField(_("rebuilt at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup state")

    def __str__(self) -> str:
        return f"{self.refreshed_at}"
