"""Issue 18, item 12: on SQLite, concurrent writers queue instead of failing with "database is
locked" (which was a server error for three of four simultaneous enquiries). The settings open
every transaction IMMEDIATE (it takes the write lock when it begins, so a read-then-write cannot
deadlock) with a busy timeout. Proved with the real settings on a real file, against the old
DEFERRED transactions as a control."""

import ast
import threading
import time

from django.db import OperationalError
from django.db.utils import ConnectionHandler

import dj_database_url

from tests.test_settings import dev_settings

WRITERS = 4


def sqlite_options(tmp_path) -> dict:
    (value,) = dev_settings("s.DATABASES['default']['OPTIONS']", tmp_path=tmp_path, DATABASE_URL="")
    return ast.literal_eval(value)


def read_then_write(path, options) -> list[str]:
    """WRITERS threads each read the table, pause, then write, all in one transaction started
    together; the errors they met."""
    settings = dj_database_url.parse(f"sqlite:///{path}")
    settings["OPTIONS"] = options
    setup = ConnectionHandler({"default": dict(settings)})["default"]
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS booking (n integer)")
    setup.close()
    barrier = threading.Barrier(WRITERS)
    errors: list[str] = []

    def write():
        connection = ConnectionHandler({"default": dict(settings)})["default"]
        try:
            connection.ensure_connection()
            barrier.wait()
            # What transaction.atomic() does on SQLite: BEGIN <transaction_mode>.
            connection._start_transaction_under_autocommit()
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM booking")
                (count,) = cursor.fetchone()
                time.sleep(0.1)
                cursor.execute("INSERT INTO booking (n) VALUES (%s)", [count + 1])
            connection.connection.commit()
        except OperationalError as error:
            errors.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_the_settings_open_immediate_transactions_with_a_busy_timeout(tmp_path):
    options = sqlite_options(tmp_path)
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


def test_concurrent_read_then_write_transactions_queue_instead_of_failing(
    tmp_path, django_db_blocker
):
    options = sqlite_options(tmp_path)
    with django_db_blocker.unblock():  # our own file, not the test database
        assert read_then_write(tmp_path / "queued.sqlite3", options) == []


def test_the_control_deferred_transactions_do_fail(tmp_path, django_db_blocker):
    """Without IMMEDIATE the same writers meet "database is locked": the test above is real."""
    options = {**sqlite_options(tmp_path), "transaction_mode": None}
    with django_db_blocker.unblock():
        errors = read_then_write(tmp_path / "deferred.sqlite3", options)
    assert errors and all("locked" in error for error in errors)
