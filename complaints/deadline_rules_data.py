"""The deadline rules a new installation starts with (docs/deadlines.md explains them).

No national table of 处置时限 was found (CJ/T 315's text was not available),
so these are local defaults in the range practice shows: the desk accepts
within half a working day, units dispose of ordinary cases within a working
week and of urgent ones within hours. Supervisors change them in the admin.
"""

from __future__ import annotations

from decimal import Decimal

D = Decimal
# category code (None: the default for the priority), priority,
# accept h, dispatch h, sign h, dispose h, dispose days, verify h, thresholds, note
RULES = [
    (
        None,
        "normal",
        D(4),
        D(2),
        D(2),
        None,
        5,
        D(8),
        "50,80",
        "Default for ordinary cases: disposed within 5 working days of dispatch.",
    ),
    (
        None,
        "urgent",
        D(1),
        D("0.5"),
        D("0.5"),
        D(2),
        None,
        D(2),
        "50,80",
        "Default for urgent cases: disposed within 2 working hours of dispatch.",
    ),
    (
        "09006",
        "urgent",
        D(1),
        D("0.5"),
        D("0.5"),
        D(2),
        None,
        D(2),
        "50,80",
        "Urgent road-occupation trading (占道经营): disposed within 2 working hours.",
    ),
    (
        "09012",
        "urgent",
        D("0.5"),
        D("0.5"),
        D("0.5"),
        D(1),
        None,
        D(2),
        "50,80",
        "A blocked fire lane (占用消防通道) endangers lives: disposed within 1 "
        "working hour.",
    ),
    (
        "06028",
        "normal",
        D(4),
        D(2),
        D(2),
        None,
        2,
        D(8),
        "50,80",
        "Noise (噪声扰民) recurs every night: disposed within 2 working days.",
    ),
]


def seed_deadline_rules(apps) -> None:
    """Create the rules listed here where missing; never overwrite an edited rule."""
    Category = apps.get_model("complaints", "Category")
    DeadlineRule = apps.get_model("complaints", "DeadlineRule")
    categories = dict(Category.objects.values_list("code", "pk"))
    for (
        code,
        priority,
        accept,
        dispatch,
        sign,
        d_hours,
        d_days,
        verify,
        th,
        note,
    ) in RULES:
        if code is not None and code not in categories:
            continue
        DeadlineRule.objects.get_or_create(
            category_id=categories[code] if code else None,
            priority=priority,
            defaults={
                "accept_hours": accept,
                "dispatch_hours": dispatch,
                "sign_hours": sign,
                "dispose_hours": d_hours,
                "dispose_days": d_days,
                "verify_hours": verify,
                "reminder_thresholds": th,
                "note": note,
            },
        )
