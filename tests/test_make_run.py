"""`make run` serves the demo as people see it (issue 20): DEBUG off, so an unknown address gets
the designed 404 page, never Django's debug page listing every URL, and the styles still load
(WhiteNoise).

The test starts the command the Makefile's `run` target runs (the real `manage.py runserver`
with its environment, on a free port), in a fresh VAR_DIR, on a copy of the suite's migrated
database (instead of `demo-data`, which takes minutes), and asks it for an unknown page.
"""

import os
import re
import shlex
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from django.db import connection

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 45


def make_run_command(port: int) -> tuple[dict[str, str], list[str]]:
    """The environment and command of the Makefile's `run` recipe line that serves the site."""
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M)
    assert recipe, "the Makefile has no run target"
    (line,) = [line for line in recipe.group(1).splitlines() if "runserver" in line]
    line = line.strip().replace("$(MANAGE)", f"{sys.executable} manage.py")
    words = shlex.split(line.replace("$(PORT)", str(port)))
    env = {}
    while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    return env, words


def migrated_database_url(tmp_path: Path) -> str:
    """A database the server process can open with every migration applied and no data."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":  # the suite's in-memory database, copied to a file
        target = tmp_path / "db.sqlite3"
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{target}"
    s = connection.settings_dict  # PostgreSQL: the test database itself (read only here)
    password = f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
    return f"postgres://{quote(s['USER'])}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our server)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# No open transaction: the copy is not locked.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_make_run_answers_an_unknown_address_with_the_designed_404_page(tmp_path):
    port = free_port()
    run_env, command = make_run_command(port)
    assert run_env.get("DEBUG") == "false"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    env.update(run_env, VAR_DIR=str(tmp_path), DATABASE_URL=migrated_database_url(tmp_path))
    server = subprocess.Popen(  # noqa: S603
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # runserver's reloader starts a child: stop the whole group
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert server.poll() is None, server.stderr.read().decode()[-2000:]
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, f"no server on {port} after {START_TIMEOUT_S}s"
                time.sleep(0.5)

        status, body = get(f"{base}/no-such-page/")
        css_status, css = get(f"{base}/static/css/site.css")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)

    assert status == 404
    page = BeautifulSoup(body, "html.parser")
    assert page.h1.get_text(strip=True) == "Page not found"
    assert page.select_one(".govuk-header") and page.select_one(".govuk-footer")
    assert "Using the URLconf" not in body and "Django tried these URL patterns" not in body
    assert css_status == 200 and ".govuk-header" in css
