"""`manage.py serve`: the site as in production, on this machine (what `make serve` runs).

Starts gunicorn with marketplace/gunicorn.conf.py and, when tasks are queued in the database
(TASKS backend django_tasks_db), one task worker beside it; stops both when either stops or on
Ctrl+C. In a real deployment the two are run separately by the platform (see the README's
deployment section): several app servers behind a load balancer and one or more workers.
"""

import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

GUNICORN_CONF = Path(__file__).resolve().parents[3] / "gunicorn.conf.py"


def tasks_are_queued() -> bool:
    return settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db.")


class Command(BaseCommand):
    help = "Serve the site with gunicorn (and a task worker when tasks are queued)."

    def handle(self, *args, **options):
        commands = [[sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF)]]
        if tasks_are_queued():
            manage = Path(settings.BASE_DIR) / "manage.py"
            commands.append([sys.executable, str(manage), "db_worker", "--queue-name", "*"])
        processes = [subprocess.Popen(command) for command in commands]  # noqa: S603

        def stop(*_args):
            for process in processes:
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        failed = [p.returncode for p in processes if p.returncode not in (0, -15, None)]
        if failed:
            sys.exit(failed[0])
