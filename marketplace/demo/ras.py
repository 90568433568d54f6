"""The demo council's resource allocation scheme and its historic cases, built through the
RAS services as the demo commissioner would: the scheme from content/ras/scheme.yaml, then
about 2,000 synthetic historic cases in three client groups (a fixed random seed, so every
load gives the same cases), uploaded as the CSV a commissioner would upload, and two
assessments recorded by the demo practitioner for their team.

Idempotent: if a scheme version exists, nothing is changed.
"""

import csv
import io
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from catalogue.models import Category
from marketplace.accounts.models import User
from marketplace.ras import selectors
from marketplace.ras import services as ras
from marketplace.ras.models import Domain, PractitionerTeam, SchemeVersion

CONTENT = Path(__file__).resolve().parent / "content" / "ras"
COMMISSIONER_EMAIL = "commissioner@caremarket.example"
PRACTITIONER_EMAIL = "practitioner@caremarket.example"
DEMO_TEAM = "Westshire community team (south)"
SEED = 20260402

# (client group, cases, pounds a point the council actually spent, fixed weekly cost, spread)
CASE_GROUPS = (
    ("Older people", 900, Decimal("14.60"), Decimal("10"), Decimal("0.05")),
    ("Learning disability", 600, Decimal("15.20"), Decimal("40"), Decimal("0.09")),
    ("Physical disability", 500, Decimal("14.90"), Decimal("15"), Decimal("0.07")),
)


@dataclass
class RasSummary:
    scheme: str = "already there"
    cases: int = 0
    rate: str = ""

    def __str__(self) -> str:
        return f"RAS scheme {self.scheme}, {self.cases} historic cases, money per point {self.rate}"


def synthetic_cases_csv(*, seed: int = SEED, scale: int = 1) -> str:
    """Historic cases as CSV text: points from 4 to 90 (more cases at low points, as in real
    caseloads) and a weekly cost around the group's own line, in whole pennies."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["client_group", "points", "weekly_cost"])
    for group, count, per_point, fixed, spread in CASE_GROUPS:
        for _ in range(count * scale):
            points = min(90, 4 + int(rng.expovariate(1 / 22)))
            expected_pennies = int((fixed + per_point * points) * 100)
            noise = rng.gauss(0, float(spread))
            pennies = max(0, int(expected_pennies * (1 + noise)))
            writer.writerow([group, points, f"{pennies // 100}.{pennies % 100:02d}"])
    return out.getvalue()


def _load_scheme(spec: dict, commissioner: User) -> SchemeVersion:
    scheme = ras.scheme_version_create(
        user=commissioner,
        name=spec["name"],
        notes=spec.get("notes", ""),
        floor=Decimal(spec["floor"]),
        ceiling=Decimal(spec["ceiling"]),
        carer_rate=Decimal(spec["carer_rate"]),
        tolerance_below_percent=Decimal(spec["tolerance_below_percent"]),
        tolerance_above_percent=Decimal(spec["tolerance_above_percent"]),
        tolerance_cap=Decimal(spec["tolerance_cap"]),
        min_locality_prices=spec["min_locality_prices"],
        iqr_multiple=Decimal(spec["iqr_multiple"]),
    )
    for reference in spec["reference_services"]:
        ras.reference_service_add(
            user=commissioner,
            scheme=scheme,
            name=reference["name"],
            category=Category.objects.get(slug=reference["category"]),
            unit=reference["unit"],
            weight=Decimal(reference["weight"]),
        )
    for domain_spec in spec["domains"]:
        domain = ras.domain_add(
            user=commissioner,
            scheme=scheme,
            name=domain_spec["name"],
            slug=domain_spec["slug"],
            kind=domain_spec.get("kind", Domain.Kind.PERSON),
            intro=domain_spec.get("intro", ""),
        )
        for question in domain_spec["questions"]:
            ras.question_add(
                user=commissioner,
                domain=domain,
                key=question["key"],
                text=question["text"],
                hint=question.get("hint", ""),
                informal_reduction_percent=Decimal(question.get("informal", "0")),
                answers=[tuple(answer) for answer in question["answers"]],
            )
    return scheme


def _fallback_rate(scheme: SchemeVersion, commissioner: User) -> SchemeVersion:
    """Without the catalogue (--catalogue=none) there are no prices; the demo then freezes
    the rate at a typical figure, saying so, rather than leave the estimate unavailable."""
    scheme.rate_mode = SchemeVersion.RateMode.FROZEN
    scheme.fixed_rate = Decimal("13.00")
    scheme.rate_reason = "Demo without a catalogue: no market prices to follow."
    scheme.full_clean()
    scheme.save()
    return scheme


def load_ras() -> RasSummary:
    """The demo scheme (active), its historic cases and two practitioner assessments."""
    summary = RasSummary()
    if SchemeVersion.objects.exists():
        return summary
    commissioner = User.objects.get(email=COMMISSIONER_EMAIL)
    spec = yaml.safe_load((CONTENT / "scheme.yaml").read_text())
    scheme = _load_scheme(spec, commissioner)
    if selectors.scheme_rate(scheme).money_per_point is None:
        scheme = _fallback_rate(scheme, commissioner)
    scheme = ras.scheme_version_activate(user=commissioner, scheme=scheme)
    summary.scheme = f"version {scheme.version}"
    summary.rate = f"£{selectors.scheme_rate(scheme).money_per_point}"
    cases = ras.cases_import(
        user=commissioner, name="Reviews 2025-26 (synthetic)", text=synthetic_cases_csv()
    )
    summary.cases = cases.row_count
    practitioner = User.objects.filter(email=PRACTITIONER_EMAIL).first()
    if practitioner is not None:
        # The demo practitioner works in a team: its assessments are the team's caseload.
        team, _ = PractitionerTeam.objects.get_or_create(name=DEMO_TEAM)
        team.members.add(practitioner)
        questions = selectors.scheme_questions(scheme)
        for name, level in (("Alex Morgan", 1), ("Sam Price", 2)):
            choices = {q.key: q.options[min(level, len(q.options) - 1)].key for q in questions}
            ras.assessment_create(
                user=practitioner,
                scheme=scheme,
                person_name=name,
                answers=ras.AnswerInput(choices=choices),
            )
    return summary
