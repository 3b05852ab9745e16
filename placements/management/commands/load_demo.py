"""Build the demo authority: ``manage.py load_demo [--children N] [--years Y] [--today YYYY-MM-DD]``."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from placements import demo


class Command(BaseCommand):
    help = "Replace the demo authority (generated, no real child's data) and the demo users."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=700, help="Children looked after today (default 700).")
        parser.add_argument("--years", type=int, default=3,
                            help="Financial years of history before this one (default 3; 10 for a region's decade).")
        parser.add_argument("--today", type=date.fromisoformat, default=None,
                            help="Build the history up to this day (default: today).")
        parser.add_argument("--seed", type=int, default=2023, help="Random seed: the same seed gives the same demo.")

    def handle(self, *args, children, years, today, seed, **options):
        if children < 1:
            raise CommandError("--children must be at least 1.")
        if years < 1:
            raise CommandError("--years must be at least 1.")
        today = today or timezone.localdate()
        started = time.perf_counter()
        self.stdout.write(f"Building the demo authority: {children:,} looked after on {today:%d %B %Y}, "
                          f"{years} years of history...")
        summary = demo.demo_authority_build(children=children, today=today, seed=seed, years=years,
                                            progress=lambda message: self.stdout.write(f"  {message}"))
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            f"Demo authority ready in {seconds:.1f}s: {summary.children:,} children, {summary.placements:,} "
            f"placements, {summary.cost_lines:,} cost lines, {summary.providers:,} providers."
        ))
        self.stdout.write(f"Demo logins (password for each: {demo.DEMO_PASSWORD}):")
        for username, role in summary.users:
            self.stdout.write(f"  {username:<10} {role}")
