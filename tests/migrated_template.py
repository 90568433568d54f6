"""The migrated SQLite test database, kept in a file for the test processes that come after.

Migrating an empty database takes some 25 seconds (277 migrations, nearly all of it Django
rendering the models' states), and every test process on SQLite starts with it: each xdist
worker, then the browser tests' process. `install()` makes Django's test-database creation for
an in-memory SQLite database copy in the database a real migration left, when one was kept
for exactly this code and these packages: the key hashes the repository's source and data
files (tests, templates and static files aside) and the installed distributions' versions, so
any change a migration could see means a real migration, which keeps its result for the next.
A database file in var/test-db/ is only ever the output of `migrate` itself; the suite on
PostgreSQL and `--reuse-db` runs are left to Django.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db.backends.sqlite3.creation import DatabaseCreation

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "var" / "test-db"
SKIPPED_DIRS = {".git", ".venv", "var", "tests", "templates", "static", "frontend", "bench"}
SOURCE_SUFFIXES = {".py", ".yaml", ".yml", ".json", ".csv", ".txt", ".sql", ".toml"}

_django_create_test_db = DatabaseCreation.create_test_db


def code_key() -> str:
    """A hash of what migrations could read: the source and data files, the packages."""
    digest = hashlib.sha256(sys.version.encode())
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIPPED_DIRS and not d.startswith(".") and not d.endswith(".egg-info")
        )
        for name in sorted(files):
            path = Path(folder, name)
            if path.suffix in SOURCE_SUFFIXES:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    # A set: with the working folder on sys.path, the editable install is found twice.
    versions = sorted(
        {f"{dist.metadata['Name']}=={dist.version}" for dist in importlib.metadata.distributions()}
    )
    digest.update("\n".join(versions).encode())
    return digest.hexdigest()[:16]


def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
    """Django's create_test_db (base/creation.py) with the migration copied in from the kept
    file when there is one, and kept when it ran."""
    name = self._get_test_db_name()
    if keepdb or not self.is_in_memory_db(name):
        return _django_create_test_db(self, verbosity, autoclobber, serialize, keepdb)
    kept = FOLDER / f"sqlite-{code_key()}.sqlite3"
    if not kept.is_file():
        name = _django_create_test_db(self, verbosity, autoclobber, serialize, keepdb)
        _keep(self.connection, kept)
        return name
    if verbosity >= 1:
        self.log(f"Creating test database for alias {self.connection.alias!r} from {kept.name}")
    self._create_test_db(verbosity, autoclobber, keepdb)
    self.connection.close()
    settings.DATABASES[self.connection.alias]["NAME"] = name
    self.connection.settings_dict["NAME"] = name
    self.connection.ensure_connection()
    with closing(sqlite3.connect(kept)) as source:
        source.backup(self.connection.connection)
    if serialize:
        self.connection._test_serialized_contents = self.serialize_db_to_string()
    call_command("createcachetable", database=self.connection.alias)
    return name


def _keep(connection, kept: Path) -> None:
    """Write the migrated database to `kept` (through a temporary file, so a process reading
    it never sees half of one) and remove the files of other code."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    partial = kept.with_suffix(f".{os.getpid()}.partial")
    with closing(sqlite3.connect(partial)) as target:
        connection.connection.backup(target)
    partial.replace(kept)
    for other in FOLDER.glob("sqlite-*.sqlite3"):
        if other != kept:
            other.unlink(missing_ok=True)


def install() -> None:
    DatabaseCreation.create_test_db = create_test_db  # type: ignore[method-assign]


def build() -> str:
    """Make sure the migrated database for this code is kept (`make test-db`, which `make test`
    runs beside the checks so that the test processes after it start from the copy)."""
    from django.db import connection

    install()
    if connection.vendor != "sqlite":
        return f"no kept database on {connection.vendor}: its tests migrate"
    kept = FOLDER / f"sqlite-{code_key()}.sqlite3"
    if kept.is_file():
        return f"{kept.relative_to(ROOT)} is up to date"
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, serialize=False)
    connection.creation.destroy_test_db(old_name, verbosity=0)
    return f"{kept.relative_to(ROOT)} made"


if __name__ == "__main__":
    import django

    django.setup()
    sys.stdout.write(build() + "\n")
