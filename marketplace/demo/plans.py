"""The demo public user's marketplace journey, built through marketplace/plans/services/ from
content/plans/plans.yaml: two listings on their shortlist, one enquiry sent to both (the demo
provider has replied, and the person has answered), and a submitted support plan made of the
two services and two no-cost supports, within its budget and shared with the demo
practitioner, who can agree it.

Listings are picked by rule so any size of catalogue works: the demo provider's published home
care listing, and the nearest other organisation's home care in the same town (else any).
Idempotent: each part is skipped when the demo user already has it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from catalogue.models import PriceOption, Service
from marketplace.accounts.models import User
from marketplace.plans import selectors, services
from marketplace.plans.models import Enquiry, SupportPlan

CONTENT = Path(__file__).resolve().parent / "content" / "plans" / "plans.yaml"
DEMO_PUBLIC_EMAIL = "public@caremarket.example"
DEMO_PROVIDER_EMAIL = "provider@caremarket.example"
DEMO_PRACTITIONER_EMAIL = "practitioner@caremarket.example"
DEMO_SERVICE = "home-care-in-bridgnorth"
HOME_CARE = "home-care"


@dataclass
class PlansSummary:
    shortlisted: int = 0
    enquiries: int = 0
    plans: int = 0

    def __str__(self) -> str:
        return (
            f"demo journey: {self.shortlisted} shortlisted, {self.enquiries} enquiries, "
            f"{self.plans} support plan{'s' if self.plans != 1 else ''}"
        )


def _hourly(service: Service) -> PriceOption | None:
    return (
        PriceOption.objects.current()
        .filter(service=service, unit="hour")
        .order_by("amount", "pk")
        .first()
    )


def pick_services(provider: User) -> tuple[Service, Service] | None:
    """The demo provider's home care listing and another organisation's nearby one."""
    visible = Service.objects.visible().select_related("organisation", "locality")
    own = visible.filter(organisation__memberships__user=provider)
    mine = own.filter(slug=DEMO_SERVICE).first() or own.filter(categories__slug=HOME_CARE).first()
    if mine is None:
        return None
    others = (
        visible.exclude(organisation=mine.organisation)
        .filter(categories__slug=HOME_CARE, price_options__unit="hour")
        .distinct()
        .order_by("slug")
    )
    other = others.filter(town=mine.town).first() if mine.town else None
    other = other or others.first()
    return (mine, other) if other else None


def load_plans() -> PlansSummary:
    summary = PlansSummary()
    person = User.objects.filter(email=DEMO_PUBLIC_EMAIL).first()
    provider = User.objects.filter(email=DEMO_PROVIDER_EMAIL).first()
    practitioner = User.objects.filter(email=DEMO_PRACTITIONER_EMAIL).first()
    if person is None or provider is None:
        return summary
    picked = pick_services(provider)
    if picked is None:
        return summary
    content = yaml.safe_load(CONTENT.read_text(encoding="utf-8"))
    mine, other = picked

    for service in picked:
        services.shortlist_add(user=person, session={}, service=service)
    summary.shortlisted = len(picked)

    if not Enquiry.objects.filter(sender=person).exists():
        text = content["enquiry"]
        enquiries = services.enquiry_send(
            user=person,
            services=[mine, other],
            sender_name=text["sender_name"],
            contact_email=person.email,
            contact_phone="",
            for_whom=text["for_whom"],
            person_name=text["person_name"],
            needs=text["needs"].strip(),
            start=text["start"],
        )
        to_demo = next(e for e in enquiries if e.service_id == mine.pk)
        services.enquiry_reply(user=provider, enquiry=to_demo, body=text["reply"].strip())
        services.enquiry_follow_up(user=person, enquiry=to_demo, body=text["follow_up"].strip())
    summary.enquiries = Enquiry.objects.filter(sender=person).count()

    if not SupportPlan.objects.filter(owner=person).exists():
        load_plan(content["plan"], person=person, practitioner=practitioner, picked=picked)
    summary.plans = SupportPlan.objects.filter(owner=person).count()
    return summary


def load_plan(spec: dict, *, person: User, practitioner: User | None, picked) -> SupportPlan:
    mine, other = picked
    plan = services.plan_create(
        user=person,
        person_name=spec["person_name"],
        budget=Decimal(spec["budget"]),
        budget_source=spec["budget_source"],
        budget_source_detail=spec["budget_source_detail"],
        money_management=spec["money_management"],
    )
    services.plan_set_outcomes(user=person, plan=plan, outcomes=spec["outcomes"])
    lines = []
    for line in spec["lines"]:
        service = mine if line["from"] == "demo-provider" else other
        option = _hourly(service)
        if option is None:
            continue
        lines.append(
            services.plan_add_service_line(
                user=person,
                plan=plan,
                service=service,
                price_option=option,
                quantity=Decimal(line["quantity"]),
                notes=line["notes"],
            )
        )
    for support in spec["informal"]:
        services.plan_add_informal_line(user=person, plan=plan, **support)
    # Stay within the budget whatever the catalogue's prices: trim the last line's hours.
    while lines and selectors.plan_summary(plan).over_budget and lines[-1].quantity > 1:
        services.plan_update_line(user=person, line=lines[-1], quantity=lines[-1].quantity - 1)
    services.plan_submit(user=person, plan=plan)
    if practitioner is not None:
        share = services.plan_share(
            user=person,
            plan=plan,
            name=practitioner.get_full_name() or "Practitioner",
            email=practitioner.email,
            access="view",
        )
        services.plan_share_accept(user=practitioner, share=share)
    return plan
