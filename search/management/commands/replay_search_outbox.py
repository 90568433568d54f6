"""Write the catalogue search updates that did not reach Elasticsearch (the search outbox).

    manage.py replay_search_outbox

Updates that failed, or were not sent while the cluster was unavailable, wait in the outbox
(search.outbox). A task worker replays them by itself (search.tasks.replay_search_outbox, queued
by the failed update), and the next update that reaches the cluster takes some along; this
command writes them all now, the oldest first. Each service is written as it is now. Run it
after an outage, or from cron when tasks run in-process (no worker, so nothing can wait for the
cluster); it exits with an error while updates are still pending, so a scheduler sees that the
cluster is still not taking them.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from search.backends import get_backend


class Command(BaseCommand):
    help = "Write the pending catalogue search updates (the search outbox) to Elasticsearch."

    def handle(self, *args, **options) -> None:
        backend = get_backend()
        written, pending = backend.replay_outbox()
        if pending:
            raise CommandError(
                f"Wrote {written:,} pending search updates; {pending:,} are still pending "
                f"(the {backend.name} search index did not take them: see the log)."
            )
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(f"Wrote {written:,} pending search updates; none are left.")
            )
