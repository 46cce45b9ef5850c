"""One pass of the deadline sweep, as the Celery beat runs every five minutes."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from complaints import deadlines


class Command(BaseCommand):
    help = (
        "Send the deadline reminders, overdue notices and escalations that are "
        "due now (once each), and print what was done."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch",
            type=int,
            default=500,
            help="Cases per transaction (default 500).",
        )
        parser.add_argument(
            "--backfill",
            action="store_true",
            help=(
                "First give open cases without due times their deadlines, "
                "replayed from their history (after an upgrade)."
            ),
        )

    def handle(self, *args, batch: int, backfill: bool, **options):
        if backfill:
            count = deadlines.backfill(batch=max(batch, 1))
            self.stdout.write(f"backfilled due times of {count} open cases")
        report = deadlines.sweep(batch=max(batch, 1))
        sent = report.reminders
        early = sum(n for t, n in sent.items() if t not in ("100", "escalated"))
        self.stdout.write(
            f"looked at {report.looked_at} cases whose next check was due; "
            f"reminders: {early}, overdue: {sent.get('100', 0)}, "
            f"escalated: {sent.get('escalated', 0)}; "
            f"{report.notifications} notifications written; "
            f"{report.seconds * 1000:.0f} ms"
        )
        for threshold, count in sorted(sent.items()):
            label = f"{threshold} %" if threshold.isdigit() else threshold
            self.stdout.write(f"  {label}: {count}")
