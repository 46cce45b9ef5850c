"""Hotspot suggestions: complaints that keep coming at one place and time of day."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.models import Category, Complaint
from squads.models import Area, Squad
from vendors.models.places import WEEKDAYS, Hotspot


class SuggestionStatus(models.TextChoices):
    SUGGESTED = "suggested", _("suggested")
    CONFIRMED = "confirmed", _("confirmed")
    DISMISSED = "dismissed", _("dismissed")


class HotspotSuggestion(models.Model):
    """Street-order complaints in one community at one time of day: a hotspot?

    Written by the daily job (vendors.suggestions); the covering unit's leader
    confirms it (a Hotspot with this window) or dismisses it.
    """

    community = models.ForeignKey(
        Area,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="hotspot_suggestions",
        db_index=False,  # (community, status) leads with it
    )
    # The community's covering unit when suggested: whose leaders decide.
    squad = models.ForeignKey(
        Squad,
        verbose_name=_("covering unit"),
        on_delete=models.PROTECT,
        related_name="hotspot_suggestions",
        db_index=False,  # (squad, status) leads with it
    )
    # The category most of the complaints have: the hotspot's, once confirmed.
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))
    # Bits as HotspotWindow.weekdays: Monday is 1, Tuesday 2, … Sunday 64.
    weekdays = models.PositiveSmallIntegerField(_("weekdays seen"))
    # Whether every complaint came on a working day of the calendar.
    on_working_days = models.BooleanField(_("all on working days"), default=False)
    place = models.CharField(_("place"), max_length=256, blank=True)
    complaints = models.ManyToManyField(
        Complaint,
        verbose_name=_("complaints"),
        related_name="hotspot_suggestions",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.SUGGESTED,
    )
    hotspot = models.ForeignKey(
        Hotspot,
        verbose_name=_("hotspot"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    created_at = models.DateTimeField(_("suggested at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("hotspot suggestion")
        verbose_name_plural = _("hotspot suggestions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SuggestionStatus.values),
                name="hotspotsuggestion_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="hotspotsuggestion_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(weekdays__gte=1) & Q(weekdays__lte=127),
                name="hotspotsuggestion_weekdays_valid",
            ),
            # Two runs of the job at once write one suggestion, not two.
            models.UniqueConstraint(
                fields=["community", "start", "end"],
                condition=Q(status="suggested"),
                name="hotspotsuggestion_one_open_per_window",
            ),
        ]
        indexes = [
            models.Index(fields=["squad", "status"]),
            models.Index(fields=["community", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.start:%H:%M}–{self.end:%H:%M}"

    def weekday_numbers(self) -> list[int]:
        """The weekdays seen (0 = Monday)."""
        return [day for day in range(WEEKDAYS) if self.weekdays & (1 << day)]


__all__ = ["HotspotSuggestion", "SuggestionStatus"]
