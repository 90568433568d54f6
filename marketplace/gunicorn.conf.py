"""gunicorn's settings for Care Market (used by `make serve`; production uses it too).

Every value can be set from the environment:
- PORT (8000) and HOST (127.0.0.1; 0.0.0.0 behind a load balancer or in a container);
- WEB_CONCURRENCY: worker processes, by default 2 x cores + 1 (gunicorn's own advice); each
  holds its own search postings (about 2 MB for a county, 75 MB at 100,000 services), so size
  it by memory as well as cores;
- GUNICORN_THREADS (4): threads per worker. A request spends much of its time waiting on the
  database, so a few threads per process serve more people than more processes would;
- GUNICORN_TIMEOUT (30 seconds): a worker silent for longer is restarted.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
# Recycle workers now and then, so a slow leak can never take the site down.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "") not in ("", "0") else None
errorlog = "-"
wsgi_app = "marketplace.wsgi:application"
