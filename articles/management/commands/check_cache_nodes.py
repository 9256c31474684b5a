"""manage.py check_cache_nodes: whether every shared cache node has had every purge."""

from django.core.management.base import BaseCommand, CommandError

from articles import purge


class Command(BaseCommand):
    help = (
        "List the shared cache nodes (VARNISH_PURGE_URLS) and whether each has been sent every "
        "change's purge; exits with status 1 while any is behind. --deliver sends what they "
        "missed now, as the app servers' background retries would."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--deliver", action="store_true", help="Send each node the purges it missed now."
        )

    def handle(self, *args, **options):
        if not purge.nodes():
            self.stdout.write(
                "No shared cache is purged (PAGE_PURGER and VARNISH_PURGE_URLS unset)."
            )
            return
        if options["deliver"]:
            purge.deliver_all()
        last = purge.last_change()
        lagging = {record.name: record for record in purge.behind()}
        for node in purge.nodes():
            record = lagging.get(node.name)
            if record is None:
                self.stdout.write(f"ok      {node.name}: has every change (to {last})")
                continue
            failing = (
                f"; failing since {record.failing_since:%Y-%m-%d %H:%M:%S %Z}: {record.last_error}"
                if record.failing_since
                else ""
            )
            self.stdout.write(
                f"BEHIND  {node.name}: {last - record.purged_through} changes not sent"
                f" (has to {record.purged_through} of {last}){failing}"
            )
        if lagging:
            count = len(lagging)
            raise CommandError(
                f"{count} cache {'node is' if count == 1 else 'nodes are'} behind: readers it "
                "serves may see pages changed since. The app servers retry by themselves; "
                "check that the node is reachable from them."
            )
