"""Settings come from the environment; production refuses to start without its secrets."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

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


def dev_settings(*names: str, tmp_path: Path, **env: str) -> list[str]:
    """The values of the named settings, as dev settings see them under `env`."""
    code = (
        "from django.conf import settings; import json; print(json.dumps(["
        + ", ".join(f"str(eval({name!r}, {{'s': settings}}))" for name in names)
        + "]))"
    )
    result = manage(
        "shell",
        "--verbosity=0",
        "-c",
        code,
        tmp_path=tmp_path,
        DJANGO_SETTINGS_MODULE="marketplace.settings.dev",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


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
    values = dev_settings(
        "s.DATABASES['default']['ENGINE']",
        "s.DATABASES['default']['NAME']",
        "s.DATABASES['default']['HOST']",
        "s.DATABASES['default']['PORT']",
        tmp_path=tmp_path,
        DATABASE_URL="postgres://care:pw@db.internal:5433/caremarket",
    )

    assert values == ["django.db.backends.postgresql", "caremarket", "db.internal", "5433"]


def test_embedded_default_is_a_sqlite_file_under_var(tmp_path):
    values = dev_settings(
        "s.DATABASES['default']['ENGINE']",
        "s.DATABASES['default']['NAME']",
        "s.EMAIL_BACKEND",
        "s.CATALOGUE_SEARCH_BACKEND",
        tmp_path=tmp_path,
        DATABASE_URL="",
    )

    assert values == [
        "django.db.backends.sqlite3",
        str(tmp_path / "db.sqlite3"),
        "django.core.mail.backends.console.EmailBackend",
        "database",
    ]


def test_smtp_and_elasticsearch_come_from_the_environment(tmp_path):
    values = dev_settings(
        "s.EMAIL_BACKEND",
        "s.EMAIL_HOST",
        "s.EMAIL_PORT",
        "s.CATALOGUE_SEARCH_BACKEND",
        "s.ELASTICSEARCH_URL",
        tmp_path=tmp_path,
        EMAIL_HOST="smtp.westshire.example",
        EMAIL_PORT="2525",
        ELASTICSEARCH_URL="http://search.internal:9200",
    )

    assert values == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.westshire.example",
        "2525",
        "elasticsearch",
        "http://search.internal:9200",
    ]


def test_the_admin_fetches_no_avatars_from_outside(settings):
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
