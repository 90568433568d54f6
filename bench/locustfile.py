"""The load mix of bench/load.py for Locust: what people do on the site, in proportion.

Each simulated person opens the home page once, then keeps doing one of: a search with words, a
search with filters only, a search with words and filters, a service page, an advice page, the
home page, or the compare page of their own shortlist (two services added through the real
form, with its CSRF token, when they start). The pages to visit are read from the site itself
when the run starts, so the mix works against any copy of the demo.

Run through bench/load.py, which starts the server and prints the figures; or by hand:
    .venv/bin/locust -f bench/locustfile.py --headless -u 50 -r 50 -t 30s --host http://...
"""

import random
import re

from locust import HttpUser, between, events, task

WORDS = ["home care", "dementia", "care home", "respite", "day centre", "meals", "nursing"]
FILTERS = [
    "category=care-at-home",
    "client_group=older-people&funding=direct-payment",
    "category=care-homes&accepting=1",
    "postcode=SY1+1HH&radius=10&sort=distance",
    "min_rating=4&sort=rating",
]
SERVICE_LINK = re.compile(r'href="(/services/[a-z0-9-]+/)"')
ADVICE_SECTIONS = ["/people-who-need-care/", "/carers/", "/providers/"]
ADVICE_LINK = re.compile(r'href="((?:{})[a-z0-9-]+/)"'.format("|".join(ADVICE_SECTIONS)))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SHORTLIST_ADD = re.compile(r'action="(/shortlist/add/)".*?name="service" value="(\d+)"', re.DOTALL)

SITE: dict[str, list[str]] = {"services": [], "advice": []}


@events.test_start.add_listener
def read_the_site(environment, **_kwargs):
    """Collect service and advice addresses from the site's own pages."""
    import requests

    host = environment.host.rstrip("/")
    services: set[str] = set()
    for page in range(1, 6):
        html = requests.get(f"{host}/search/?page={page}", timeout=30).text
        services.update(SERVICE_LINK.findall(html))
    advice: set[str] = set()
    for section in ADVICE_SECTIONS:
        advice.update(ADVICE_LINK.findall(requests.get(host + section, timeout=30).text))
    SITE["services"] = sorted(services)
    SITE["advice"] = sorted(advice) or ["/people-who-need-care/"]
    if not SITE["services"]:
        raise RuntimeError(f"No service links found at {host}/search/: is the demo loaded?")


class Person(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        self.client.get("/", name="home")
        for path in random.sample(SITE["services"], k=min(2, len(SITE["services"]))):
            html = self.client.get(path, name="service").text
            token = CSRF.search(html)
            form = SHORTLIST_ADD.search(html)
            if token and form:
                self.client.post(
                    form.group(1),
                    data={
                        "csrfmiddlewaretoken": token.group(1),
                        "service": form.group(2),
                        "next": path,
                    },
                    headers={"Referer": self.host.rstrip("/") + path},
                    name="shortlist add",
                    allow_redirects=False,
                )

    @task(6)
    def search_words(self):
        self.client.get(f"/search/?q={random.choice(WORDS)}", name="search: words")

    @task(3)
    def search_filters(self):
        self.client.get(f"/search/?{random.choice(FILTERS)}", name="search: filters")

    @task(3)
    def search_words_and_filters(self):
        query = f"q={random.choice(WORDS)}&{random.choice(FILTERS)}"
        self.client.get(f"/search/?{query}", name="search: words + filters")

    @task(5)
    def service(self):
        self.client.get(random.choice(SITE["services"]), name="service")

    @task(2)
    def advice(self):
        self.client.get(random.choice(SITE["advice"]), name="advice")

    @task(2)
    def home(self):
        self.client.get("/", name="home")

    @task(1)
    def compare(self):
        self.client.get("/shortlist/compare/", name="compare")
