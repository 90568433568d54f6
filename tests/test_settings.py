"""Settings come from the environment; production refuses to start without its secrets."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    clean.update(VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    clean.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_checks(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        DJANGO_SETTINGS_MODULE="marketplace.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="care.westshire.example",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "at least 50 characters"),
        ({"SECRET_KEY": secrets.token_urlsafe(64)}, "ALLOWED_HOSTS must list"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(tmp_path, env, message):
    result = manage(
        "check", tmp_path=tmp_path, DJANGO_SETTINGS_MODULE="marketplace.settings.production", **env
    )

    assert result.returncode != 0
    assert message in result.stderr


def test_database_url_chooses_postgresql(tmp_path):
    result = manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['HOST'], d['PORT'])",
        tmp_path=tmp_path,
        DJANGO_SETTINGS_MODULE="marketplace.settings.dev",
        DATABASE_URL="postgres://care:pw@db.internal:5433/caremarket",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "caremarket",
        "db.internal",
        "5433",
    ]


def test_embedded_default_is_a_sqlite_file_under_var(tmp_path):
    config = dj_database_url.parse(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert config["ENGINE"] == "django.db.backends.sqlite3"

    result = manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['NAME']);"
        "print(settings.EMAIL_BACKEND); print(settings.CATALOGUE_SEARCH_BACKEND)",
        tmp_path=tmp_path,
        DJANGO_SETTINGS_MODULE="marketplace.settings.dev",
        DATABASE_URL="",
    )

    assert result.returncode == 0, result.stderr
    name, email_backend, search_backend = result.stdout.split()
    assert name == str(tmp_path / "db.sqlite3")
    assert email_backend == "django.core.mail.backends.console.EmailBackend"
    assert search_backend == "database"


def test_smtp_and_elasticsearch_come_from_the_environment(tmp_path):
    result = manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT,"
        " s.CATALOGUE_SEARCH_BACKEND, s.ELASTICSEARCH_URL)",
        tmp_path=tmp_path,
        DJANGO_SETTINGS_MODULE="marketplace.settings.dev",
        EMAIL_HOST="smtp.westshire.example",
        EMAIL_PORT="2525",
        ELASTICSEARCH_URL="http://search.internal:9200",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.westshire.example",
        "2525",
        "elasticsearch",
        "http://search.internal:9200",
    ]
