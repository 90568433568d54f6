"""`make serve`: production settings on the embedded default, gunicorn sized from the cores, and
a task worker beside gunicorn when tasks are queued (marketplace/settings/serve.py,
marketplace/gunicorn.conf.py, the `serve` command)."""

import multiprocessing
import runpy
import stat

from django.core.management import call_command

import pytest

from marketplace.demo.management.commands import serve
from tests.test_settings import ROOT, dev_settings, settings_values


def serve_settings(*names: str, tmp_path, **env) -> list:
    return settings_values("marketplace.settings.serve", *names, tmp_path=tmp_path, **env)


def test_serve_settings_are_productions_on_one_machine(tmp_path):
    debug, storage, tasks, cache, middleware = serve_settings(
        "s.DEBUG",
        "s.STORAGES['staticfiles']['BACKEND']",
        "s.TASKS['default']['BACKEND']",
        "s.CACHES['default']['BACKEND']",
        "s.MIDDLEWARE",
        tmp_path=tmp_path,
    )

    assert debug == "False"
    assert storage == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in middleware
    assert tasks == "django_tasks_db.backend.DatabaseBackend"
    # Several worker processes must share the abuse limits' counters: never per-process memory.
    assert cache == "django.core.cache.backends.filebased.FileBasedCache"
    assert serve_settings(
        "s.CACHES['default']['BACKEND']", tmp_path=tmp_path, REDIS_URL="redis://r"
    )[0] == ("django.core.cache.backends.redis.RedisCache")


def test_serve_makes_a_secret_key_once_and_keeps_it_private(tmp_path):
    first = serve_settings("s.SECRET_KEY", tmp_path=tmp_path)[0]
    second = serve_settings("s.SECRET_KEY", tmp_path=tmp_path)[0]

    assert first == second
    assert len(first) >= 50
    assert stat.S_IMODE((tmp_path / "secret-key").stat().st_mode) == 0o600
    assert serve_settings("s.SECRET_KEY", tmp_path=tmp_path, SECRET_KEY="x" * 60)[0] == "x" * 60


def gunicorn_config(monkeypatch, **env) -> dict:
    for name in ["PORT", "HOST", "WEB_CONCURRENCY", "GUNICORN_THREADS"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "marketplace" / "gunicorn.conf.py"))


def test_gunicorn_is_sized_from_the_cores_unless_told(monkeypatch):
    config = gunicorn_config(monkeypatch)
    assert config["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert config["threads"] == 4
    assert config["bind"] == "127.0.0.1:8000"
    assert config["wsgi_app"] == "marketplace.wsgi:application"

    config = gunicorn_config(monkeypatch, PORT="9123", WEB_CONCURRENCY="3", GUNICORN_THREADS="8")
    assert (config["bind"], config["workers"], config["threads"]) == ("127.0.0.1:9123", 3, 8)


class FakeProcess:
    """Stands in for a started program: `exits_after` polls, then it has stopped."""

    started: list["FakeProcess"] = []

    def __init__(self, command, exits_after=2):
        self.command = command
        self.polls = exits_after
        self.returncode = None
        self.terminated = False
        FakeProcess.started.append(self)

    def poll(self):
        if self.returncode is None and not self.terminated:
            self.polls -= 1
            if self.polls <= 0 and "gunicorn" in self.command:
                self.returncode = 0
        return self.returncode

    def terminate(self):
        self.terminated = True
        self.returncode = -15

    def wait(self, timeout=None):
        return self.returncode

    def kill(self):
        self.returncode = -9


@pytest.fixture
def fake_processes(monkeypatch):
    FakeProcess.started = []
    monkeypatch.setattr(serve.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(serve.time, "sleep", lambda _seconds: None)
    monkeypatch.setattr(serve.signal, "signal", lambda *_args: None)
    return FakeProcess.started


def test_serve_starts_gunicorn_and_a_task_worker_and_stops_both(settings, fake_processes):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

    call_command("serve")

    gunicorn, worker = fake_processes
    assert gunicorn.command[1:] == ["-m", "gunicorn", "--config", str(serve.GUNICORN_CONF)]
    assert worker.command[2:] == ["db_worker", "--queue-name", "*"]
    # gunicorn stopped by itself; the worker was not left running.
    assert worker.terminated


def test_serve_starts_no_worker_when_tasks_run_in_process(settings, fake_processes):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    call_command("serve")

    assert [process.command[2] for process in fake_processes] == ["gunicorn"]


def test_make_run_serves_the_demo_with_debug_off_and_static_files_through_whitenoise(tmp_path):

    debug, finders, middleware, media = dev_settings(
        "s.DEBUG",
        "s.WHITENOISE_USE_FINDERS",
        "s.MIDDLEWARE",
        "s.SERVE_MEDIA",
        tmp_path=tmp_path,
        DEBUG="false",
    )

    assert (debug, finders, media) == ("False", "True", "True")
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in middleware
    assert dev_settings("s.DEBUG", tmp_path=tmp_path)[0] == "True"  # `make dev`, plain runserver
