# ruff: noqa: E501  (a data script: long literal lines read better unbroken)
"""Write the demo county's providers to content/catalogue/providers.yaml (run once; committed).

    .venv/bin/python marketplace/demo/build_catalogue.py

Deterministic (seeded), so running it again gives the same file. Every organisation and person
is fictional; the postcodes are real (the ONS Postcode Directory subset packaged on PyPI, read
through catalogue.postcodes), so distances and localities behave as they would in a real county.
Prices sit in plausible ranges for England in 2025-26. The loader (load_demo_data) reads the YAML
and creates everything through the catalogue's services.
"""

import os
import random
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import django

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.dev")
django.setup()

from catalogue.postcodes import read_packaged_onspd  # noqa: E402
from catalogue.rules import normalise_postcode, postcode_district  # noqa: E402
from core.money import to_penny  # noqa: E402

CONTENT = Path(__file__).resolve().parent / "content" / "catalogue"
SEED = 2026
LOCAL_AUTHORITY = "E06000051"

PLACES = [
    "Severn",
    "Wrekin",
    "Stiperstones",
    "Long Mynd",
    "Clee",
    "Corvedale",
    "Teme",
    "Onny",
    "Perry",
    "Roden",
    "Tern",
    "Meole",
    "Mortimer",
    "Caradoc",
    "Hawkstone",
    "Brown Clee",
    "Wenlock",
    "Offa",
    "Marches",
    "Border",
    "Hope Valley",
    "Ape Dale",
    "Clun",
    "Kemp",
]
NATURE = [
    "Oak",
    "Willow",
    "Rowan",
    "Hawthorn",
    "Meadow",
    "Orchard",
    "Brook",
    "Heather",
    "Larch",
    "Cedar",
    "Holly",
    "Beech",
    "Primrose",
    "Bluebell",
    "Kingfisher",
    "Skylark",
    "Foxglove",
]
FIRST = [
    "Alex",
    "Bev",
    "Carys",
    "Dan",
    "Eira",
    "Femi",
    "Gwen",
    "Hari",
    "Imran",
    "Jo",
    "Kath",
    "Lewis",
    "Mair",
    "Nia",
    "Owen",
    "Pat",
    "Rhys",
    "Sian",
    "Tom",
    "Val",
    "Wyn",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Ashby",
    "Bowen",
    "Corbett",
    "Davies",
    "Evans",
    "Foley",
    "Griffiths",
    "Hughes",
    "Ingram",
    "Jones",
    "Kay",
    "Lloyd",
    "Morgan",
    "Nash",
    "Owens",
    "Price",
    "Roberts",
    "Stokes",
    "Tudor",
    "Vaughan",
    "Williams",
    "Yates",
]
STREETS = [
    "High Street",
    "Church Street",
    "Mill Lane",
    "Castle Street",
    "Station Road",
    "Bridge Street",
    "Market Square",
    "Park Road",
    "Victoria Road",
    "Abbey Foregate",
    "Longden Road",
    "Hill Lane",
]

# kind of provider -> (how many organisations, services each (min, max), template)
KINDS = {
    "home-care": (38, (3, 4)),
    "care-home": (30, (2, 2)),
    "day": (12, (2, 3)),
    "pa": (20, (1, 1)),
    "supported-living": (8, (3, 3)),
    "community": (24, (3, 4)),
    "telecare": (3, (2, 2)),
    "meals-transport": (6, (2, 2)),
    "advocacy": (4, (2, 2)),
    "cleaning": (5, (2, 2)),
}

FUNDING_ALL = ["self-funded", "direct-payment", "personal-budget", "council-contract"]
CQC_RATINGS = ["Outstanding", "Good", "Good", "Good", "Good", "Requires improvement", "Inadequate"]


def money(rng: random.Random, low: float, high: float, step: float = 0.5) -> str:
    steps = int((high - low) / step)
    return str(to_penny(Decimal(str(low + step * rng.randint(0, steps)))))


def cqc_block(rng: random.Random) -> dict:
    overall = rng.choice(CQC_RATINGS)
    keys = {}
    for key in ("safe", "effective", "caring", "responsive", "well_led"):
        keys[key] = overall if rng.random() < 0.7 else rng.choice(CQC_RATINGS)
    year, month = rng.choice(
        [(2023, m) for m in range(1, 13)]
        + [(2024, m) for m in range(1, 13)]
        + [(2025, m) for m in range(1, 13)]
    )
    return {
        "overall": overall,
        **keys,
        "report_date": f"{year}-{month:02d}-{rng.randint(1, 28):02d}",
    }


def services_for(kind: str, rng: random.Random, town: str) -> list[dict]:
    """A few plausible services for a provider of this kind, with prices."""
    older = ["older-people", "dementia", "physical-disability"]
    if kind == "home-care":
        options = [
            {
                "name": f"Home care in {town}",
                "categories": ["home-care"],
                "summary": "Visits at home for washing, dressing, meals and medicines, "
                "from 30 minutes to several hours a day.",
                "client_groups": older + ["sensory-impairment"],
                "radius_km": rng.choice([8, 10, 12, 15, 20]),
                "prices": [
                    {"label": "Weekday daytime", "amount": money(rng, 25, 31), "unit": "hour"},
                    {
                        "label": "Evenings and weekends",
                        "amount": money(rng, 29, 35),
                        "unit": "hour",
                        "kind": "evenings-weekends",
                    },
                    {
                        "label": "Bank holidays",
                        "amount": money(rng, 38, 48),
                        "unit": "hour",
                        "kind": "bank-holidays",
                        "conditions": "Time and a half",
                    },
                ],
            },
            {
                "name": "Live-in care",
                "categories": ["live-in-care"],
                "summary": "A carer who lives in your home and helps day and night.",
                "client_groups": older,
                "radius_km": 40,
                "prices": [
                    {
                        "label": "Live-in carer",
                        "amount": money(rng, 950, 1400, 25),
                        "unit": "week",
                        "conditions": "One carer, two hours' break a day",
                    }
                ],
            },
            {
                "name": "Companionship and help around the home",
                "categories": ["cleaning", "befriending"],
                "summary": "Company, shopping, light housework and trips out, by the hour.",
                "client_groups": ["older-people", "dementia"],
                "radius_km": 12,
                "prices": [
                    {
                        "label": "Per hour",
                        "amount": money(rng, 20, 26),
                        "unit": "hour",
                        "conditions": "Minimum one hour",
                    }
                ],
            },
            {
                "name": "Night sitting",
                "categories": ["night-sitting"],
                "summary": "A carer who stays awake through the night so you and your family can rest.",
                "client_groups": older,
                "radius_km": 15,
                "prices": [
                    {"label": "Waking night", "amount": money(rng, 160, 220, 5), "unit": "night"}
                ],
            },
        ]
    elif kind == "care-home":
        nursing = rng.random() < 0.4
        beds = rng.randint(18, 70)
        options = [
            {
                "name": f"{rng.choice(NATURE)} {rng.choice(['House', 'Lodge', 'Court', 'Grange', 'Manor'])}",
                "categories": ["nursing-home" if nursing else "residential-care-home"],
                "summary": (
                    "A nursing home with registered nurses day and night."
                    if nursing
                    else "A residential care home with en-suite rooms and a garden."
                ),
                "client_groups": ["older-people", "dementia"]
                + (["physical-disability"] if nursing else []),
                "beds": beds,
                "vacancies": rng.choice([0, 0, 1, 2, 3, 5]),
                "hide_exact_address": False,
                "prices": [
                    {
                        "label": "Standard room",
                        "amount": money(
                            rng, 1100 if nursing else 900, 1600 if nursing else 1250, 10
                        ),
                        "unit": "week",
                    },
                    {
                        "label": "Larger room with garden view",
                        "amount": money(
                            rng, 1250 if nursing else 1050, 1750 if nursing else 1400, 10
                        ),
                        "unit": "week",
                    },
                ],
            },
            {
                "name": "Respite stays",
                "categories": ["short-breaks"],
                "summary": "Short stays of a few nights to a few weeks, so carers can have a break.",
                "client_groups": ["older-people", "carers", "dementia"],
                "prices": [
                    {
                        "label": "Per night",
                        "amount": money(rng, 135, 210, 5),
                        "unit": "night",
                        "conditions": "Minimum three nights",
                    }
                ],
            },
        ]
    elif kind == "day":
        options = [
            {
                "name": f"{town} day centre",
                "categories": ["day-opportunities"],
                "summary": "Activities, lunch and company in a friendly day centre.",
                "client_groups": ["older-people", "dementia"],
                "prices": [
                    {
                        "label": "Full day with lunch",
                        "amount": money(rng, 45, 70),
                        "unit": "session",
                    },
                    {
                        "label": "Transport there and back",
                        "amount": money(rng, 5, 9),
                        "unit": "one-off",
                    },
                ],
            },
            {
                "name": "Skills and activities days",
                "categories": ["day-opportunities"],
                "summary": "Cooking, gardening, crafts and work skills for adults with a learning disability.",
                "client_groups": ["learning-disability", "autism"],
                "prices": [
                    {"label": "Session (half day)", "amount": money(rng, 32, 48), "unit": "session"}
                ],
            },
            {
                "name": "Memory cafe",
                "categories": ["befriending", "carers-support"],
                "summary": "A relaxed afternoon for people living with dementia and their carers.",
                "client_groups": ["dementia", "carers"],
                "prices": [{"label": "Drop in", "amount": "0.00", "unit": "free"}],
            },
        ]
    elif kind == "pa":
        options = [
            {
                "name": "Personal assistant",
                "categories": ["personal-assistants"],
                "summary": "Flexible support at home and out and about, arranged around you.",
                "client_groups": rng.sample(
                    [
                        "older-people",
                        "learning-disability",
                        "physical-disability",
                        "autism",
                        "mental-health",
                    ],
                    3,
                ),
                "radius_km": rng.choice([5, 8, 10, 15]),
                "prices": [{"label": "Per hour", "amount": money(rng, 15, 22), "unit": "hour"}],
            }
        ]
    elif kind == "supported-living":
        options = [
            {
                "name": f"Supported living in {town}",
                "categories": ["supported-living"],
                "summary": "Your own tenancy in a shared house, with staff support 24 hours a day.",
                "client_groups": ["learning-disability", "autism"],
                "prices": [
                    {
                        "label": "Shared support (core)",
                        "amount": money(rng, 700, 1100, 10),
                        "unit": "week",
                    },
                    {
                        "label": "One-to-one flexible hours",
                        "amount": money(rng, 21, 28),
                        "unit": "hour",
                    },
                ],
            },
            {
                "name": "Floating support",
                "categories": ["floating-support"],
                "summary": "Visits to help you manage your tenancy, bills and health.",
                "client_groups": ["mental-health", "learning-disability"],
                "prices": [{"label": "Per hour", "amount": money(rng, 19, 26), "unit": "hour"}],
            },
            {
                "name": "Reablement at home",
                "categories": ["reablement"],
                "summary": "Up to six weeks of short-term help after a hospital stay.",
                "client_groups": ["older-people", "physical-disability"],
                "prices": [{"label": "Per hour", "amount": money(rng, 24, 30), "unit": "hour"}],
            },
        ]
    elif kind == "community":
        options = [
            {
                "name": f"{town} befriending",
                "categories": ["befriending"],
                "summary": "A volunteer who visits or phones each week for a chat.",
                "client_groups": ["older-people", "mental-health"],
                "prices": [{"label": "Weekly visit", "amount": "0.00", "unit": "free"}],
            },
            {
                "name": "Carers' group",
                "categories": ["carers-support"],
                "summary": "Meet other carers, get advice and have a cup of tea.",
                "client_groups": ["carers"],
                "prices": [{"label": "Monthly meeting", "amount": "0.00", "unit": "free"}],
            },
            {
                "name": "Lunch club",
                "categories": ["meals", "befriending"],
                "summary": "A hot two-course lunch and good company once a week.",
                "client_groups": ["older-people"],
                "prices": [{"label": "Lunch", "amount": money(rng, 5, 8), "unit": "visit"}],
            },
            {
                "name": "Walking and wellbeing group",
                "categories": ["befriending"],
                "summary": "Gentle walks and social activities for all abilities.",
                "client_groups": ["mental-health", "older-people"],
                "prices": [{"label": "Session", "amount": money(rng, 2, 5), "unit": "session"}],
            },
        ]
    elif kind == "telecare":
        tiers = []
        for tier in range(1, 6):
            tiers.append(
                {
                    "label": f"Tier {tier}: "
                    + [
                        "alarm pendant only",
                        "pendant and smoke alarm",
                        "pendant, falls detector and smoke alarm",
                        "full sensors and monthly visit",
                        "full sensors, monthly visit and responder service",
                    ][tier - 1],
                    "amount": money(rng, 3 + 5 * (tier - 1), 6 + 6 * (tier - 1)),
                    "unit": "month",
                }
            )
        options = [
            {
                "name": "Community alarm and telecare",
                "categories": ["telecare"],
                "summary": "A pendant alarm and sensors linked to a 24-hour response centre.",
                "client_groups": ["older-people", "dementia", "physical-disability"],
                "radius_km": 60,
                "prices": tiers
                + [{"label": "Installation", "amount": money(rng, 25, 60, 5), "unit": "one-off"}],
            },
            {
                "name": "Equipment loan",
                "categories": ["community-equipment"],
                "summary": "Bath seats, grab rails, raised toilet seats and walking aids.",
                "client_groups": ["older-people", "physical-disability"],
                "prices": [
                    {"label": "Fitting visit", "amount": money(rng, 20, 40, 5), "unit": "one-off"}
                ],
            },
        ]
    elif kind == "meals-transport":
        options = [
            {
                "name": "Meals on wheels",
                "categories": ["meals"],
                "summary": "Hot meals delivered at lunchtime, or a week of frozen meals.",
                "client_groups": ["older-people"],
                "radius_km": 25,
                "prices": [
                    {"label": "Hot meal delivered", "amount": money(rng, 5.5, 8), "unit": "visit"}
                ],
            },
            {
                "name": "Community transport",
                "categories": ["transport"],
                "summary": "Door-to-door journeys in accessible minibuses for shopping and appointments.",
                "client_groups": ["older-people", "physical-disability"],
                "radius_km": 30,
                "prices": [
                    {
                        "label": "Local return journey",
                        "amount": money(rng, 5, 12),
                        "unit": "one-off",
                    },
                    {
                        "label": "Hospital return journey",
                        "amount": money(rng, 15, 30),
                        "unit": "one-off",
                    },
                ],
            },
        ]
    elif kind == "advocacy":
        options = [
            {
                "name": "Independent advocacy",
                "categories": ["advocacy"],
                "summary": "Independent help to have your say in decisions about your care.",
                "client_groups": ["learning-disability", "mental-health", "older-people"],
                "radius_km": 60,
                "prices": [
                    {
                        "label": "Care Act advocacy",
                        "amount": "0.00",
                        "unit": "free",
                        "conditions": "Free when the council refers you",
                    }
                ],
            },
            {
                "name": "Support planning and brokerage",
                "categories": ["support-planning"],
                "summary": "Help to plan your support and arrange it with your personal budget.",
                "client_groups": ["learning-disability", "physical-disability", "older-people"],
                "prices": [{"label": "Per hour", "amount": money(rng, 25, 40), "unit": "hour"}],
            },
        ]
    else:  # cleaning
        options = [
            {
                "name": f"Cleaning and domestic help in {town}",
                "categories": ["cleaning"],
                "summary": "Cleaning, laundry, ironing and shopping, weekly or fortnightly.",
                "client_groups": ["older-people", "physical-disability"],
                "radius_km": 12,
                "prices": [
                    {
                        "label": "Per hour",
                        "amount": money(rng, 16, 24),
                        "unit": "hour",
                        "conditions": "Minimum one hour",
                    }
                ],
            },
            {
                "name": "Gardening and odd jobs",
                "categories": ["cleaning"],
                "summary": "Help with the garden and small jobs around the house.",
                "client_groups": ["older-people"],
                "prices": [{"label": "Per hour", "amount": money(rng, 18, 26), "unit": "hour"}],
            },
        ]
    low, high = KINDS[kind][1]
    return options[: rng.randint(low, min(high, len(options)))]


ORG_SUFFIX = {
    "home-care": ["Home Care Ltd", "Care at Home", "Homecare Services", "Care Ltd"],
    "care-home": ["Care Homes Ltd", "Healthcare Ltd", "Care Group"],
    "day": ["Day Services", "Community Trust", "Activities CIC"],
    "pa": [""],
    "supported-living": ["Support Ltd", "Living Ltd", "Housing and Support"],
    "community": ["Community Association", "Age Concern (fictional)", "Good Neighbours", "Trust"],
    "telecare": ["Lifeline Services", "Telecare Ltd"],
    "meals-transport": ["Community Transport", "Meals Service", "Voluntary Action"],
    "advocacy": ["Advocacy", "Independent Advocacy CIC"],
    "cleaning": ["Domestic Services", "Home Help Ltd"],
}
ORG_KIND = {
    "home-care": "company",
    "care-home": "company",
    "day": "charity",
    "pa": "sole-trader",
    "supported-living": "company",
    "community": "charity",
    "telecare": "company",
    "meals-transport": "charity",
    "advocacy": "cic",
    "cleaning": "company",
}
CQC_KINDS = {"home-care", "care-home", "supported-living"}


def load_postcodes(localities: list[dict]) -> dict[str, list[dict]]:
    districts = {d: loc["name"] for loc in localities for d in loc["postcode_districts"]}
    by_town: dict[str, list[dict]] = defaultdict(list)
    for row in read_packaged_onspd(sorted(districts)):
        if row.local_authority != LOCAL_AUTHORITY or row.skip_reason:
            continue
        postcode = normalise_postcode(row.postcode)
        if postcode and postcode_district(postcode) in districts:
            by_town[districts[postcode_district(postcode)]].append({"postcode": postcode})
    return by_town


def trading_start_days_ago(organisation: str, service: str) -> int | None:
    """How long ago a service started trading, in days (None: the provider does not say).

    An established market: about one service in twelve opened in the last year and a few more
    the year before, the rest spread over 2 to 25 years. Drawn from a generator of its own,
    seeded by the names, so the main sequence (and every other value of the file) is unchanged.
    """
    rng = random.Random(f"{SEED}:trading:{organisation}:{service}")
    draw = rng.random()
    if draw < 0.05:
        return None
    if draw < 0.13:
        return rng.randint(20, 364)
    if draw < 0.2:
        return rng.randint(365, 729)
    return rng.randint(730, 25 * 365)


def main() -> None:
    rng = random.Random(SEED)
    localities = yaml.safe_load((CONTENT / "localities.yaml").read_text())["localities"]
    postcodes = load_postcodes(localities)
    towns = [loc["name"] for loc in localities if postcodes.get(loc["name"])]
    weights = [
        8 if t == "Shrewsbury" else 4 if t in ("Oswestry", "Bridgnorth", "Ludlow") else 2
        for t in towns
    ]
    slug_of = {
        loc["name"]: loc.get("slug") or loc["name"].lower().replace("'", "").replace(" ", "-")
        for loc in localities
    }
    organisations = []
    used_names = set()
    cqc_number = 1_100_000_000
    for kind, (count, _range) in KINDS.items():
        for _ in range(count):
            town = rng.choices(towns, weights)[0]
            if kind == "pa":
                first, last = rng.choice(FIRST), rng.choice(LAST)
                name = f"{first} {last} (personal assistant)"
            else:
                name = f"{rng.choice(PLACES + NATURE)} {rng.choice(ORG_SUFFIX[kind])}".strip()
            if name in used_names:
                name = f"{name} {town}"
            if name in used_names:
                continue
            used_names.add(name)
            handle = "".join(c for c in name.lower() if c.isalnum())[:24]
            cqc = kind in CQC_KINDS
            claimed = not cqc or rng.random() < 0.75
            cqc_number += rng.randint(1000, 90000)
            organisation = {
                "name": name,
                "kind": ORG_KIND[kind],
                "description": f"A {'family-run' if rng.random() < 0.4 else 'local'} provider based in {town}.",
                "email": f"office@{handle}.example",
                "phone": f"01{rng.randint(691, 952)} {rng.randint(100000, 999999)}",
                "website": f"https://www.{handle}.example",
                "claimed": claimed,
            }
            if organisation["kind"] == "company":
                organisation["companies_house_number"] = f"{rng.randint(1000000, 14999999):08d}"
            if organisation["kind"] == "charity":
                organisation["charity_number"] = str(rng.randint(500000, 1199999))
            if cqc:
                organisation["cqc_provider_id"] = f"1-{cqc_number}"
            if claimed:
                first, last = rng.choice(FIRST), rng.choice(LAST)
                organisation["owner"] = {
                    "first_name": first,
                    "last_name": last,
                    "email": f"{first.lower()}.{last.lower()}@{handle}.example",
                }
            services = []
            for offer in services_for(kind, rng, town):
                place = rng.choice(postcodes[town])
                service = {
                    **offer,
                    "town": town,
                    "postcode": place["postcode"],
                    "address_line_1": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                    "funding": sorted(rng.sample(FUNDING_ALL, rng.randint(2, 4))),
                    "localities": sorted(
                        {slug_of[town]} | {slug_of[t] for t in rng.sample(towns, rng.randint(0, 2))}
                    ),
                    "accepting_new_clients": rng.random() < 0.7,
                    "last_checked_days_ago": rng.choice(
                        [3, 10, 30, 60, 90, 120, 150, 200, 250, 400]
                    )
                    if rng.random() < 0.25
                    else rng.randint(1, 120),
                }
                started = trading_start_days_ago(name, offer["name"])
                if started is not None:
                    service["started_trading_days_ago"] = started
                service.setdefault("hide_exact_address", kind in ("pa",))
                if cqc:
                    cqc_number += 7
                    service["cqc_location_id"] = f"1-{cqc_number + 500_000_000}"
                    service["cqc"] = cqc_block(rng)
                services.append(service)
            organisation["services"] = services
            organisations.append(organisation)
    # A few organisations still wait for a moderator, with their first service.
    for organisation in rng.sample([o for o in organisations if o["claimed"]], 4):
        organisation["status"] = "pending"
    total = sum(len(o["services"]) for o in organisations)
    header = (
        "# The demo county's providers: fictional organisations and people at real postcodes.\n"
        "# Written by marketplace/demo/build_catalogue.py (seeded); loaded by load_demo_data.\n"
        f"# {len(organisations)} organisations, {total} services.\n"
    )
    (CONTENT / "providers.yaml").write_text(
        header + yaml.safe_dump(organisations, sort_keys=False, allow_unicode=True, width=100)
    )
    print(f"{len(organisations)} organisations, {total} services", file=sys.stderr)


if __name__ == "__main__":
    main()
