"""manage.py demo_newsroom: a few dozen made-up stories of the last days, for a first look."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles import demo


class Command(BaseCommand):
    help = (
        "Add a demo newsroom for local development: stories of the last days with tags, "
        "datelines, updates, a correction, a withdrawn and a scheduled story, all tagged "
        f"“{demo.DEMO_TAG}”. Does nothing if the demo is already there; refuses to run "
        "with production settings (DEBUG off)."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "demo_newsroom writes made-up stories: it runs only for local development "
                "(DEBUG=true), never with production settings."
            )
        # A development dependency, like the command: production settings never get here.
        import time_machine

        existing = demo.demo_stories().count()
        if existing:
            self.stdout.write(
                f"The demo newsroom is already here ({existing} stories tagged "
                f"“{demo.DEMO_TAG}”); nothing added."
            )
            return
        now = timezone.now()
        stories, scheduled = demo.demo_timeline(now)
        with transaction.atomic():
            written = demo.replay(
                stories,
                scheduled,
                now=now,
                travel=lambda moment: time_machine.travel(moment, tick=False),
            )
        self.stdout.write(
            f"Demo newsroom: {written} stories of the last {demo.DAYS} days, tagged "
            f"“{demo.DEMO_TAG}” (one withdrawn, one scheduled for later today)."
        )
