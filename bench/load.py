"""Load test: the site under 10, 50 and 100 people at once, with Locust; prints the figures.

Run: .venv/bin/python bench/load.py [--url URL] [--levels 10,50,100] [--duration 30]

Without --url it serves the demo as in production (`make serve`: gunicorn, DEBUG off, a task
worker) on a spare port, with its own copy of the demo in a temporary VAR_DIR (your `make run`
database is left alone), waits until it answers, and stops it at the end. Each level runs the
mix of bench/locustfile.py (searches with and without filters, service pages, home, advice,
compare) for --duration seconds, everyone starting at once, and prints requests per second,
p50 / p95 / p99 in milliseconds and the errors (any status of 400 or more, or no answer),
overall and per kind of request.

Locust is not part of the test install: `make bench-install` (or
`.venv/bin/pip install -e ".[bench]"`) adds it. The load generator shares the machine with the
server, so on a 2-core machine the figures are what both together can do.
"""

import argparse
import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = ROOT / "bench" / "locustfile.py"


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: int) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"The server stopped (exit {process.returncode}); see its output above.")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    sys.exit(f"{url} did not answer within {seconds} s")


def start_server(port: int, var_dir: str) -> subprocess.Popen:
    env = dict(os.environ, VAR_DIR=var_dir, PORT=str(port))
    print(f"Starting `make serve` on port {port} (demo data in {var_dir}) ...", flush=True)
    return subprocess.Popen(  # noqa: S603
        ["make", "--no-print-directory", "serve", f"PORT={port}"],  # noqa: S607
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL if not os.environ.get("LOAD_SERVER_OUTPUT") else None,
        start_new_session=True,
    )


def stop_server(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def run_level(url: str, users: int, duration: int, out_dir: Path) -> list[dict[str, str]]:
    prefix = out_dir / f"level-{users}"
    locust = Path(sys.executable).with_name("locust")
    command = [
        str(locust),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{duration}s",
        "--host",
        url,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    finished = subprocess.run(command, capture_output=True, text=True)  # noqa: S603
    if finished.returncode != 0:
        sys.exit(f"Locust failed (exit {finished.returncode}):\n{finished.stderr[-3000:]}")
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as stats:
        return list(csv.DictReader(stats))


def print_level(users: int, rows: list[dict[str, str]]) -> None:
    print(f"\n{users} people at once")
    print(
        f"  {'request':<26} {'count':>7} {'errors':>7} {'req/s':>7} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    )
    for row in sorted(rows, key=lambda row: row["Name"] == "Aggregated"):
        name = "all" if row["Name"] == "Aggregated" else row["Name"]
        print(
            f"  {name:<26} {int(row['Request Count']):>7} {int(row['Failure Count']):>7} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running site to load (else `make serve` is started)")
    parser.add_argument("--levels", default="10,50,100", help="people at once, comma-separated")
    parser.add_argument("--duration", type=int, default=30, help="seconds per level")
    parser.add_argument("--pause", type=int, default=5, help="seconds between levels")
    args = parser.parse_args()
    if not Path(sys.executable).with_name("locust").exists():
        sys.exit('Locust is not installed: run `make bench-install` (pip install -e ".[bench]").')

    out_dir = Path(tempfile.mkdtemp(prefix="caremarket-load-"))
    server = None
    url = args.url
    try:
        if not url:
            port = spare_port()
            server = start_server(port, str(out_dir / "var"))
            url = f"http://127.0.0.1:{port}"
            wait_until_up(url + "/", server, seconds=1800)
        url = url.rstrip("/")
        levels = [int(level) for level in args.levels.split(",")]
        print(f"Load on {url}: {args.duration} s per level, levels {levels}; bench/locustfile.py")
        for index, users in enumerate(levels):
            if index:
                time.sleep(args.pause)
            print_level(users, run_level(url, users, args.duration, out_dir))
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
