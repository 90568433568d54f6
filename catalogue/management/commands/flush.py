"""`flush` that also empties the append-only tables on SQLite.

The price history refuses DELETE through a database trigger (catalogue migration 0010). On
PostgreSQL `flush` truncates, which row triggers do not see; on SQLite it deletes, so this
command sets the triggers aside for the flush and puts them back exactly as they were, in the
same transaction: no other writer can delete history while they are away, and a failed flush
leaves them in place. The test runner's transactional tests flush through this command.
"""

from django.core.management.commands import flush
from django.db import connections, transaction


class Command(flush.Command):
    def handle(self, **options):
        database = options["database"]
        connection = connections[database]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        if options["interactive"]:
            name = connection.settings_dict["NAME"]
            answer = input(
                f'This will IRREVERSIBLY DESTROY all data in the "{name}" database, price history'
                " included.\nType 'yes' to continue, or 'no' to cancel: "
            )
            if answer != "yes":
                self.stdout.write("Flush cancelled.")
                return None
        with transaction.atomic(using=database):
            with connection.cursor() as cursor:
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
                triggers = cursor.fetchall()
                for name, _sql in triggers:
                    cursor.execute(f'DROP TRIGGER "{name}"')
            super().handle(**{**options, "interactive": False})
            with connection.cursor() as cursor:
                for _name, sql in triggers:
                    cursor.execute(sql)
        return None
