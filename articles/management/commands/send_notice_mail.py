"""Send again the notices' e-mails a mail server refused (run it from cron every few minutes)."""

from django.core.management.base import BaseCommand

from articles.desk.notices import retry_undelivered


class Command(BaseCommand):
    help = "Retry the e-mails of notices that a mail server refused or never answered."

    def handle(self, *args, **options):
        sent, failing = retry_undelivered()
        self.stdout.write(f"Sent {sent}; still failing {failing}.")
