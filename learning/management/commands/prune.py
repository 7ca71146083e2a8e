"""`manage.py prune`: delete guests idle for N days (with their rows) and expired sessions.

Run it daily (see the README's production section).
"""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from learning.pruning import delete_idle_guests


class Command(BaseCommand):
    help = (
        "Delete guest learners idle for --guest-days days, with their rows, and expired sessions."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--guest-days",
            type=int,
            default=30,
            help="delete guests with no activity for this many days (default 30)",
        )
        parser.add_argument("--dry-run", action="store_true",
                            help="count what would be deleted, delete nothing")  # fmt: skip

    def handle(self, *args, guest_days: int, dry_run: bool, **options):
        if guest_days < 1:
            raise CommandError("--guest-days must be 1 or more.")
        now = timezone.now()
        deleted = delete_idle_guests(now - timedelta(days=guest_days), dry_run=dry_run)
        expired = Session.objects.filter(expire_date__lt=now).count()
        if not dry_run:
            call_command("clearsessions")
        verb = "Would delete" if dry_run else "Deleted"
        guests = deleted.pop("accounts.Learner", 0)
        self.stdout.write(f"{verb} {guests} guest(s) idle for {guest_days} days or more.")
        for label, count in sorted(deleted.items()):
            self.stdout.write(f"  {label}: {count}")
        self.stdout.write(f"{verb} {expired} expired session(s).")
