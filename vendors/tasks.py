"""Thin periodic tasks of the vendors app; the work is in its modules.

Each is safe to run twice or at once: suggestions are unique per community
and window while open, posts per hotspot, day and start, digests keyed per
leader and day. Errors are not retried blindly: the next day's run picks up
whatever is still to do.
"""

from __future__ import annotations

from celery import shared_task

from vendors import duty, suggestions


@shared_task(
    name="vendors.suggest_hotspots",
    acks_late=True,
    soft_time_limit=240,
    time_limit=270,
)
def suggest_hotspots() -> int:
    """Suggest hotspots from recent street-order complaints to the leaders."""
    return suggestions.hotspots_suggest()


@shared_task(
    name="vendors.create_duty_posts",
    acks_late=True,
    soft_time_limit=120,
    time_limit=150,
)
def create_duty_posts() -> int:
    """Today's duty posts at the active hotspots (working days only)."""
    return duty.duty_posts_create()


@shared_task(
    name="vendors.duty_digest",
    acks_late=True,
    soft_time_limit=120,
    time_limit=150,
)
def duty_digest() -> int:
    """Each unit leader's posts of yesterday and today without a check-in."""
    return duty.duty_digest()
