"""Duty posts at hotspots (定时定点值守) and the officers' check-ins."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from squads.models import Member, Squad
from vendors.models.places import Hotspot, HotspotWindow
from vendors.models.relocations import photo_path


class DutyPost(models.Model):
    """An officer's watch at a hotspot on one day, during one of its windows."""

    hotspot = models.ForeignKey(
        Hotspot,
        verbose_name=_("hotspot"),
        on_delete=models.CASCADE,
        related_name="duty_posts",
        db_index=False,  # the unique (hotspot, date, start) leads with it
    )
    window = models.ForeignKey(
        HotspotWindow,
        verbose_name=_("time window"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    date = models.DateField(_("date"))
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))
    squad = models.ForeignKey(
        Squad,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="duty_posts",
        db_index=False,  # (squad, date) leads with it
    )

    class Meta:
        verbose_name = _("duty post")
        verbose_name_plural = _("duty posts")
        ordering = ["-date", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="dutypost_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["hotspot", "date", "start"], name="dutypost_unique_slot"
            ),
        ]
        indexes = [models.Index(fields=["squad", "date"])]

    def __str__(self) -> str:
        return f"{self.hotspot} {self.date} {self.start:%H:%M}"


class CheckIn(models.Model):
    """An officer at a post: when, and how many vendors were there."""

    post = models.ForeignKey(
        DutyPost,
        verbose_name=_("duty post"),
        on_delete=models.CASCADE,
        related_name="checkins",
    )
    officer = models.ForeignKey(
        Member,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="checkins",
    )
    at = models.DateTimeField(_("checked in at"))
    vendors_present = models.PositiveSmallIntegerField(_("vendors present"))
    note = models.TextField(_("note"), blank=True)
    photo = models.FileField(
        _("photo"), upload_to=photo_path, max_length=200, blank=True
    )
    photo_thumbnail = models.FileField(
        _("thumbnail"), upload_to=photo_path, max_length=200, blank=True
    )

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(vendors_present__gte=0),
                name="checkin_vendors_present_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post} {self.at:%H:%M}"
