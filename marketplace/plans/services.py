"""Writes for shortlists, enquiries and support plans. One function per use case: keyword-only,
permission-checked, validated (full_clean) and atomic; e-mails go out after commit.

Rules (issue 6):
- Anyone may shortlist a listing the public can find; an anonymous visitor's shortlist lives in
  their session and joins their account's when they sign in. At most SHORTLIST_MAX services.
- An enquiry needs a signed-in sender, a listing the public can find, what they need (at most
  MESSAGE_MAX_LENGTH characters) and at least one way to reply (an e-mail address or a phone
  number). Sent to several services, it becomes one enquiry each. Providers reply and close;
  the sender follows up; nobody writes to a closed enquiry.
- A plan line is a visible service with one of its own current prices and a quantity a week
  (costing.check_quantity), or a no-cost support. Only draft plans change. Plans go draft ->
  submitted -> agreed; a practitioner the plan is shared with agrees it; the owner (or an
  editing helper) may take a submitted plan back to draft; a practitioner may reopen an agreed
  one. A listing suspended after it was added stays on the plan (the plan page says so).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, MutableMapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from catalogue.models import PriceOption, Service
from core import limits
from core.email import address_hint, send_email
from core.ids import as_ids
from core.money import to_penny

from . import costing, notifications
from .models import (
    CONTINGENCY_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    Enquiry,
    EnquiryMessage,
    ListingWeek,
    OutcomeOption,
    PlanEvent,
    PlanLine,
    PlanLink,
    PlanOutcome,
    PlanReview,
    PlanReviewOutcome,
    PlanShare,
    Shortlist,
    ShortlistItem,
    SupportPlan,
)
from .permissions import (
    can_agree_plan,
    can_decide_panel,
    is_practitioner,
    plan_access,
    require_enquiry_provider,
    require_enquiry_sender,
    require_plan_editor,
    require_plan_owner,
    require_plan_viewer,
)

SESSION_KEY = "plans:shortlist"
SHORTLIST_MAX = 30
ENQUIRY_MAX_SERVICES = 10
OUTCOMES_MAX = 20
OUTCOME_MAX_LENGTH = 300
PLAN_LINES_MAX = 50
BUDGET_MAX = Decimal("10000.00")

Session = MutableMapping[str, Any]


# --- usage figures ----------------------------------------------------------------------------


def week_start(day: date) -> date:
    return date.fromordinal(day.toordinal() - day.weekday())


def usage_visitor(*, user=None, session=None, client: str = "") -> str:
    """Who is counted, as a keyed hash (never an address or account id in the cache or the task
    queue): the account when signed in, else the session, else the client's address."""
    if getattr(user, "is_authenticated", False):
        who = f"user:{user.pk}"
    elif session is not None and getattr(session, "session_key", None):
        who = f"session:{session.session_key}"
    else:
        who = client
    if not who:
        return ""
    return hashlib.sha256(f"{settings.SECRET_KEY}:usage:{who}".encode()).hexdigest()[:32]


def listing_usage_record(
    *, service_id: int, kind: str, count: int = 1, on=None, visitor: str = ""
) -> None:
    """Add to a listing's weekly counter (`views`, `shortlists` or `enquiries`). Safe when two
    requests count at once: the increment happens in the database.

    With a `visitor` (usage_visitor()), each visitor counts once a listing a week for each
    counter, so reloading a page or adding and removing a service again and again cannot
    inflate the figures providers and commissioners read (the shared cache remembers who was
    counted until the week is over)."""
    if kind not in ("views", "shortlists", "enquiries"):
        raise ValueError(f"Unknown usage counter {kind!r}.")
    week = week_start(timezone.localdate(on))
    if visitor and not cache.add(
        f"plans:usage:{kind}:{service_id}:{week.isoformat()}:{visitor}", 1, timeout=8 * 86400
    ):
        return
    with transaction.atomic():
        updated = ListingWeek.objects.filter(service_id=service_id, week=week).update(
            **{kind: F(kind) + count}
        )
        if updated:
            return
        try:
            with transaction.atomic():
                ListingWeek.objects.create(service_id=service_id, week=week, **{kind: count})
        except IntegrityError:  # another request created this week's row first
            ListingWeek.objects.filter(service_id=service_id, week=week).update(
                **{kind: F(kind) + count}
            )


# --- shortlists -------------------------------------------------------------------------------


def _session_ids(session: Session) -> list[int]:
    value = session.get(SESSION_KEY) or []
    return as_ids(value)


def shortlist_service_ids(*, user, session: Session) -> list[int]:
    """The service ids on the current shortlist, in the order they were added: the signed-in
    person's, or the anonymous session's."""
    if getattr(user, "is_authenticated", False):
        return list(
            ShortlistItem.objects.filter(shortlist__user=user)
            .order_by("added_at", "pk")
            .values_list("service_id", flat=True)
        )
    return _session_ids(session)


def _require_shortlistable(service: Service) -> None:
    if not Service.objects.visible().filter(pk=service.pk).exists():
        raise ValidationError("This service is not listed at the moment, so it cannot be added.")


@transaction.atomic
def shortlist_add(*, user, session: Session, service: Service) -> bool:
    """Add a listing the public can find to the shortlist; True if it was not there already."""
    _require_shortlistable(service)
    if getattr(user, "is_authenticated", False):
        shortlist, _ = Shortlist.objects.get_or_create(user=user)
        if shortlist.items.filter(service=service).exists():
            return False
        if shortlist.items.count() >= SHORTLIST_MAX:
            raise ValidationError(
                f"Your shortlist is full ({SHORTLIST_MAX} services). Remove one to add another."
            )
        ShortlistItem.objects.create(shortlist=shortlist, service=service)
    else:
        ids = _session_ids(session)
        if service.pk in ids:
            return False
        if len(ids) >= SHORTLIST_MAX:
            raise ValidationError(
                f"Your shortlist is full ({SHORTLIST_MAX} services). Remove one to add another."
            )
        session[SESSION_KEY] = [*ids, service.pk]
    listing_usage_record(
        service_id=service.pk,
        kind="shortlists",
        visitor=usage_visitor(user=user, session=session),
    )
    return True


@transaction.atomic
def shortlist_remove(*, user, session: Session, service_id: int) -> bool:
    """Take a service off the shortlist; True if it was there."""
    if getattr(user, "is_authenticated", False):
        deleted, _ = ShortlistItem.objects.filter(
            shortlist__user=user, service_id=service_id
        ).delete()
        return bool(deleted)
    ids = _session_ids(session)
    if service_id not in ids:
        return False
    session[SESSION_KEY] = [pk for pk in ids if pk != service_id]
    return True


@transaction.atomic
def shortlist_merge(*, user, session: Session) -> int:
    """On sign-in, move what the visitor shortlisted before signing in into their account's
    shortlist (no repeats, up to SHORTLIST_MAX, listings the public can still find); the
    session's list is then emptied. Returns how many were added. Not counted again as usage."""
    ids = _session_ids(session)
    session.pop(SESSION_KEY, None)
    if not ids:
        return 0
    shortlist, _ = Shortlist.objects.get_or_create(user=user)
    existing = set(shortlist.items.values_list("service_id", flat=True))
    visible = set(Service.objects.visible().filter(pk__in=ids).values_list("pk", flat=True))
    room = SHORTLIST_MAX - len(existing)
    new = [pk for pk in ids if pk in visible and pk not in existing][: max(room, 0)]
    ShortlistItem.objects.bulk_create(
        [ShortlistItem(shortlist=shortlist, service_id=pk) for pk in new]
    )
    return len(new)


# --- enquiries --------------------------------------------------------------------------------


def _check_message(body: str, field: str = "body") -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({field: "Enter your message."})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {
                field: f"Your message must be {MESSAGE_MAX_LENGTH:,} characters or fewer. "
                f"It has {len(body):,}."
            }
        )
    return body


# A second identical enquiry this soon is a double click or a resubmitted page, not a new one.
ENQUIRY_REPEAT_WINDOW = timedelta(minutes=10)


class EnquiryAlreadySent(Exception):
    """The same person sent this same enquiry to these services moments ago: nothing is sent
    again, and `enquiries` are the ones already sent."""

    def __init__(self, enquiries: list[Enquiry]):
        super().__init__("This enquiry has already been sent.")
        self.enquiries = enquiries


@transaction.atomic
def enquiry_send(
    *,
    user,
    services: Sequence[Service],
    sender_name: str,
    contact_email: str,
    contact_phone: str,
    for_whom: str,
    needs: str,
    person_name: str = "",
    start: str = Enquiry.Start.UNSURE,
    start_date: date | None = None,
    today: date | None = None,
) -> list[Enquiry]:
    """Send an enquiry to one or more listings the public can find: one Enquiry each, sharing a
    group. The providers are told by e-mail, and so is the sender (after commit).

    An enquiry is sent once: a service this person already sent the same words to within
    ENQUIRY_REPEAT_WINDOW is left out, and EnquiryAlreadySent is raised when that leaves none.
    The person's row is locked first, so two requests of one double click queue here and the
    second finds the first's enquiries."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in to send an enquiry.")
    errors: dict[str, list[str]] = {}
    chosen = list(dict.fromkeys(services))
    if not chosen:
        errors.setdefault("services", []).append("Choose at least one service to ask.")
    if len(chosen) > ENQUIRY_MAX_SERVICES:
        errors.setdefault("services", []).append(
            f"You can ask up to {ENQUIRY_MAX_SERVICES} services at once."
        )
    visible = set(
        Service.objects.visible().filter(pk__in=[s.pk for s in chosen]).values_list("pk", flat=True)
    )
    hidden = [s.name for s in chosen if s.pk not in visible]
    if hidden:
        errors.setdefault("services", []).append(
            f"{', '.join(hidden)} cannot take enquiries at the moment. Remove it to send."
        )
    if not (contact_email or "").strip() and not (contact_phone or "").strip():
        errors.setdefault("contact_email", []).append(
            "Give an email address or a phone number, so the provider can reply to you."
        )
    try:
        needs = _check_message(needs, "needs")
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if start == Enquiry.Start.DATE:
        if start_date is None:
            errors.setdefault("start_date", []).append("Enter the date you would like to start.")
        elif start_date < (today or timezone.localdate()):
            errors.setdefault("start_date", []).append("The start date must be today or later.")
    else:
        start_date = None
    if errors:
        raise ValidationError(errors)

    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    repeated = {
        enquiry.service_id: enquiry
        for enquiry in Enquiry.objects.filter(
            sender=user,
            service__in=chosen,
            needs=needs,
            created_at__gte=timezone.now() - ENQUIRY_REPEAT_WINDOW,
        ).select_related("service__organisation", "service__locality")
    }
    if repeated and all(service.pk in repeated for service in chosen):
        raise EnquiryAlreadySent([repeated[service.pk] for service in chosen])
    chosen = [service for service in chosen if service.pk not in repeated]

    group = None
    enquiries = []
    for service in chosen:
        enquiry = Enquiry(
            service=service,
            organisation_id=service.organisation_id,
            sender=user,
            sender_name=sender_name.strip(),
            contact_email=contact_email.strip(),
            contact_phone=contact_phone.strip(),
            for_whom=for_whom,
            person_name=person_name.strip(),
            needs=needs,
            start=start,
            start_date=start_date,
        )
        if group is not None:
            enquiry.group = group
        enquiry.full_clean()
        enquiry.save()
        group = enquiry.group
        enquiries.append(enquiry)
        listing_usage_record(
            service_id=service.pk, kind="enquiries", visitor=usage_visitor(user=user)
        )
        send_email(
            template="plans/email/enquiry_received",
            to=notifications.provider_addresses(enquiry),
            context={"enquiry": enquiry},
        )
    send_email(
        template="plans/email/enquiry_sent",
        to=notifications.sender_addresses(enquiries[0]),
        context={
            "enquiries": enquiries,
            "count": len(enquiries),
            "sender_name": enquiries[0].sender_name,
            "known": notifications.sender_known(enquiries[0]),
        },
    )
    return enquiries


def _require_open(enquiry: Enquiry) -> None:
    if enquiry.status == Enquiry.Status.CLOSED:
        raise ValidationError({"body": "This enquiry is closed, so no more messages can be sent."})


@transaction.atomic
def enquiry_reply(*, user, enquiry: Enquiry, body: str) -> EnquiryMessage:
    """The provider's staff reply; the first reply sets the response time. The person is told."""
    require_enquiry_provider(user, enquiry)
    _require_open(enquiry)
    message = EnquiryMessage(
        enquiry=enquiry, author=user, from_provider=True, body=_check_message(body)
    )
    message.full_clean()
    message.save()
    enquiry.status = Enquiry.Status.REPLIED
    if enquiry.first_replied_at is None:
        enquiry.first_replied_at = message.created_at
    enquiry.save(update_fields=["status", "first_replied_at"])
    send_email(
        template="plans/email/enquiry_replied",
        to=notifications.sender_addresses(enquiry),
        context={"enquiry": enquiry, "known": notifications.sender_known(enquiry)},
    )
    return message


@transaction.atomic
def enquiry_follow_up(*, user, enquiry: Enquiry, body: str) -> EnquiryMessage:
    """The sender writes again; the enquiry waits for the provider ('new') and they are told."""
    require_enquiry_sender(user, enquiry)
    _require_open(enquiry)
    message = EnquiryMessage(
        enquiry=enquiry, author=user, from_provider=False, body=_check_message(body)
    )
    message.full_clean()
    message.save()
    enquiry.status = Enquiry.Status.NEW
    enquiry.save(update_fields=["status"])
    send_email(
        template="plans/email/enquiry_follow_up",
        to=notifications.provider_addresses(enquiry),
        context={"enquiry": enquiry},
    )
    return message


@transaction.atomic
def enquiry_close(*, user, enquiry: Enquiry) -> Enquiry:
    """The provider closes an enquiry (answered, or nothing more to do); the person is told."""
    require_enquiry_provider(user, enquiry)
    if enquiry.status == Enquiry.Status.CLOSED:
        raise ValidationError("This enquiry is already closed.")
    enquiry.status = Enquiry.Status.CLOSED
    enquiry.closed_at = timezone.now()
    enquiry.save(update_fields=["status", "closed_at"])
    send_email(
        template="plans/email/enquiry_closed",
        to=notifications.sender_addresses(enquiry),
        context={"enquiry": enquiry, "known": notifications.sender_known(enquiry)},
    )
    return enquiry


@transaction.atomic
def enquiries_anonymise_sender(*, user) -> int:
    """When a person deletes their account the provider keeps the enquiry, without who sent it:
    name, contact details and the person's name are removed, and their messages are kept as
    written but no longer linked to them."""
    enquiries = Enquiry.objects.filter(sender=user)
    EnquiryMessage.objects.filter(enquiry__in=enquiries, author=user).update(author=None)
    return enquiries.update(
        sender=None,
        sender_name="Deleted account",
        contact_email="",
        contact_phone="",
        person_name="",
        anonymised_at=timezone.now(),
    )


def enquiries_expire(*, now=None) -> int:
    """The retention period: enquiries with no activity for ENQUIRY_RETENTION_DAYS lose who
    sent them, what they wrote and the thread; the row stays closed, with its service, dates
    and status, for the response times and the market statement. Returns how many."""
    now = now or timezone.now()
    done = 0
    for pk in Enquiry.objects.past_retention(now=now).values_list("pk", flat=True).iterator():
        with transaction.atomic():
            enquiry = Enquiry.objects.select_for_update().filter(pk=pk).first()
            if enquiry is None or enquiry.expired_at:
                continue
            enquiry.messages.all().delete()
            enquiry.sender = None
            enquiry.sender_name = "Removed after the retention period"
            enquiry.contact_email = enquiry.contact_phone = enquiry.person_name = ""
            enquiry.needs = ""
            enquiry.start_date = None
            if enquiry.status != Enquiry.Status.CLOSED:
                enquiry.status, enquiry.closed_at = Enquiry.Status.CLOSED, now
            enquiry.expired_at = now
            enquiry.save()
            done += 1
    return done


# --- support plans ----------------------------------------------------------------------------

PLAN_FIELDS = (
    "person_name",
    "plan_for",
    "budget",
    "budget_source",
    "budget_source_detail",
    "money_management",
)


def _check_budget(plan: SupportPlan) -> None:
    if plan.budget is not None:
        if plan.budget < 0:
            raise ValidationError({"budget": "The budget cannot be less than £0."})
        if plan.budget > BUDGET_MAX:
            raise ValidationError({"budget": f"The weekly budget must be £{BUDGET_MAX:,} or less."})
        if plan.budget != to_penny(plan.budget):
            raise ValidationError({"budget": "Enter the budget in pounds and pence, like 373.53."})
        if not plan.budget_source:
            raise ValidationError({"budget_source": "Say where the budget figure comes from."})


def carer_element(assessment) -> Decimal | None:
    """The carer element of an RAS result (the carer's points at the scheme's carer rate, to the
    penny): what a carer's own plan from that assessment is costed against. None when the scheme
    has no carer element or the carer scored no points."""
    if assessment is None or assessment.carer_rate <= 0 or assessment.carer_points <= 0:
        return None
    return to_penny(assessment.carer_points * assessment.carer_rate)


def assessment_figure(plan: SupportPlan) -> Decimal | None:
    """The figure a plan linked to an assessment carries: the assessment's weekly budget for the
    person's own plan, its carer element for a carer's own plan."""
    if plan.assessment is None:
        return None
    if plan.plan_for == SupportPlan.PlanFor.CARER:
        return carer_element(plan.assessment)
    return plan.assessment.weekly_budget


def _check_assessment_figure(plan: SupportPlan) -> None:
    """A plan linked to an assessment carries that assessment's figure, from the RAS: the
    tolerance verdict and the panel judge the plan against it, so it cannot be another one. A
    carer's own plan carries the carer element, and needs a scheme that has one."""
    assessment = plan.assessment
    if assessment is None:
        return
    figure = assessment_figure(plan)
    if figure is None:
        raise ValidationError(
            {
                "plan_for": "This assessment has no carer element (the council's scheme has "
                "none, or the carer scored no points), so a carer's plan cannot start from it."
            }
        )
    if plan.budget != figure or plan.budget_source != SupportPlan.BudgetSource.RAS:
        what = "its carer element" if plan.plan_for == SupportPlan.PlanFor.CARER else "its figure"
        raise ValidationError(
            {
                "budget": f"A budget from an assessment is {what}, £{figure}"
                " a week, from the council's indicative budget calculator."
            }
        )


def _require_draft(plan: SupportPlan) -> None:
    if plan.status != SupportPlan.Status.DRAFT:
        raise ValidationError(
            "This plan has been submitted, so it cannot be changed. Take it back to draft first."
        )


@transaction.atomic
def plan_create(*, user, person_name: str, **fields: Any) -> SupportPlan:
    """A signed-in person starts a draft plan for themselves or someone they help."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in to make a support plan.")
    plan = SupportPlan(owner=user, person_name=person_name.strip())
    for name, value in fields.items():
        if name not in (*PLAN_FIELDS, "assessment"):
            raise ValueError(f"{name} cannot be set here.")
        setattr(plan, name, value)
    _check_budget(plan)
    _check_assessment_figure(plan)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, user, plan: SupportPlan, **fields: Any) -> SupportPlan:
    """The owner or an editing helper changes a draft plan's details."""
    require_plan_editor(user, plan)
    _require_draft(plan)
    for name, value in fields.items():
        if name not in PLAN_FIELDS:
            raise ValueError(f"{name} cannot be changed here.")
        setattr(plan, name, value)
    _check_budget(plan)
    if plan.assessment_id is not None:
        try:
            _check_assessment_figure(plan)
        except ValidationError:
            # Another figure or source: the plan no longer rests on the assessment.
            plan.assessment = None
    plan.full_clean()
    plan.save()
    return plan


def _cleaned_list(items: Iterable[str], *, field: str, noun: str) -> list[str]:
    cleaned = [" ".join(item.split()) for item in items]
    cleaned = [item for item in cleaned if item]
    if len(cleaned) > OUTCOMES_MAX:
        raise ValidationError({field: f"List up to {OUTCOMES_MAX} {noun}s."})
    too_long = [i for i, item in enumerate(cleaned, 1) if len(item) > OUTCOME_MAX_LENGTH]
    if too_long:
        raise ValidationError(
            {
                field: f"{noun.capitalize()} {too_long[0]} is too long: keep each one to "
                f"{OUTCOME_MAX_LENGTH} characters or fewer."
            }
        )
    return cleaned


@transaction.atomic
def plan_set_outcomes(
    *,
    user,
    plan: SupportPlan,
    outcomes: Iterable[str] = (),
    options: Iterable[OutcomeOption] = (),
    needs: Iterable[str] | None = None,
) -> SupportPlan:
    """What matters to the person: outcomes chosen from the council's list (`options`, active
    ones) and in their own words (`outcomes`), up to OUTCOMES_MAX in all, each no longer than
    OUTCOME_MAX_LENGTH; and, when given, the needs to be met (the same limits). An outcome kept
    from before keeps its row, so the lines that serve it and its review history stay linked."""
    require_plan_editor(user, plan)
    _require_draft(plan)
    chosen = list(dict.fromkeys(options))
    retired = [option.name for option in chosen if not option.active]
    if retired:
        raise ValidationError({"options": f"{retired[0]} can no longer be chosen."})
    own = _cleaned_list(outcomes, field="outcomes", noun="outcome")
    chosen_names = {option.name.lower() for option in chosen}
    own = [text for text in dict.fromkeys(own) if text.lower() not in chosen_names]
    if len(chosen) + len(own) > OUTCOMES_MAX:
        raise ValidationError({"outcomes": f"List up to {OUTCOMES_MAX} outcomes."})
    wanted: list[tuple[OutcomeOption | None, str]] = [(o, o.name) for o in chosen]
    wanted += [(None, text) for text in own]

    existing = list(plan.outcome_items.all())
    by_option = {item.option_id: item for item in existing if item.option_id}
    by_text = {item.text: item for item in existing if not item.option_id}
    kept: set[int] = set()
    for order, (option, text) in enumerate(wanted):
        item = by_option.get(option.pk) if option else by_text.get(text)
        if item is None:
            item = PlanOutcome(plan=plan, option=option, text=text)
        item.sort_order = order
        item.full_clean()
        item.save()
        kept.add(item.pk)
    plan.outcome_items.exclude(pk__in=kept).delete()
    plan.outcomes = [text for _, text in wanted]
    fields = ["outcomes", "updated_at"]
    if needs is not None:
        plan.needs = _cleaned_list(needs, field="needs", noun="need")
        fields.append("needs")
    plan.save(update_fields=fields)
    return plan


@transaction.atomic
def plan_set_contingency(*, user, plan: SupportPlan, contingency: str) -> SupportPlan:
    """What happens if something goes wrong (such as the PA being ill): the person's words."""
    require_plan_editor(user, plan)
    _require_draft(plan)
    text = (contingency or "").strip()
    if len(text) > CONTINGENCY_MAX_LENGTH:
        raise ValidationError(
            {
                "contingency": f"Keep this to {CONTINGENCY_MAX_LENGTH:,} characters or fewer. "
                f"It has {len(text):,}."
            }
        )
    plan.contingency = text
    plan.save(update_fields=["contingency", "updated_at"])
    return plan


@transaction.atomic
def plan_set_line_outcomes(*, user, line: PlanLine, outcomes: Iterable[PlanOutcome]) -> PlanLine:
    """Which of the plan's outcomes a line serves (the guidance: the plan links needs and
    outcomes to how they are met)."""
    require_plan_editor(user, line.plan)
    _require_draft(line.plan)
    chosen = list(dict.fromkeys(outcomes))
    if any(item.plan_id != line.plan_id for item in chosen):
        raise ValidationError({"outcomes": "Choose outcomes from this plan."})
    line.serves.set(chosen)
    line.plan.save(update_fields=["updated_at"])
    return line


def _check_line_room(plan: SupportPlan) -> None:
    if plan.lines.count() >= PLAN_LINES_MAX:
        raise ValidationError(f"A plan can have up to {PLAN_LINES_MAX} lines.")


def _checked_quantity(quantity: Decimal, unit: str) -> Decimal:
    try:
        return costing.check_quantity(quantity, unit)
    except costing.QuantityError as error:
        raise ValidationError({"quantity": str(error)}) from error


@transaction.atomic
def plan_add_service_line(
    *,
    user,
    plan: SupportPlan,
    service: Service,
    price_option: PriceOption,
    quantity: Decimal,
    notes: str = "",
    paid_by: str = "",
    isf_provider: str = "",
) -> PlanLine:
    """Add a listing the public can find, at one of its own current prices, `quantity` a week.
    The price is copied onto the line; `paid_by` says how it is paid (see _apply_route)."""
    require_plan_editor(user, plan)
    _require_draft(plan)
    _check_line_room(plan)
    if not Service.objects.visible().filter(pk=service.pk).exists():
        raise ValidationError(
            {
                "service": f"{service.public_title} is not listed at the moment, "
                "so it cannot be added."
            }
        )
    if price_option.service_id != service.pk:
        raise ValidationError(
            {"price_option": f"Choose one of the prices of {service.public_title}."}
        )
    if not PriceOption.objects.current().filter(pk=price_option.pk).exists():
        raise ValidationError(
            {"price_option": "That price is not valid today. Choose a current price."}
        )
    quantity = _checked_quantity(quantity, price_option.unit)
    line = PlanLine(
        plan=plan,
        kind=PlanLine.Kind.SERVICE,
        service=service,
        price_option=price_option,
        description=service.public_title,
        provided_by=service.organisation.name,
        option_label=price_option.label,
        unit_amount=price_option.amount,
        unit=price_option.unit,
        quantity=quantity,
        notes=notes.strip(),
    )
    _apply_route(line, paid_by, isf_provider)
    line.full_clean()
    line.save()
    plan.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def plan_add_informal_line(
    *, user, plan: SupportPlan, description: str, provided_by: str = "", notes: str = ""
) -> PlanLine:
    """Add a no-cost support (family, a friend, a community group); it costs nothing."""
    require_plan_editor(user, plan)
    _require_draft(plan)
    _check_line_room(plan)
    if not description.strip():
        raise ValidationError({"description": "Say what the support is."})
    line = PlanLine(
        plan=plan,
        kind=PlanLine.Kind.INFORMAL,
        description=description.strip(),
        provided_by=provided_by.strip(),
        notes=notes.strip(),
    )
    line.full_clean()
    line.save()
    plan.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def plan_update_line(
    *, user, line: PlanLine, quantity: Decimal | None = None, notes: str | None = None
) -> PlanLine:
    """Change a line's quantity a week (service lines) or its notes. The copied price stays."""
    require_plan_editor(user, line.plan)
    _require_draft(line.plan)
    if quantity is not None:
        if line.kind not in (PlanLine.Kind.SERVICE, PlanLine.Kind.PA):
            raise ValidationError(
                {"quantity": f"A {line.get_kind_display().lower()} has no quantity to change."}
            )
        line.quantity = _checked_quantity(quantity, line.unit)
    if notes is not None:
        line.notes = notes.strip()
    line.full_clean()
    line.save()
    line.plan.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def plan_update_informal_line(
    *, user, line: PlanLine, description: str, provided_by: str = "", notes: str = ""
) -> PlanLine:
    """Change what a no-cost support is, who gives it and its notes; it still costs nothing."""
    require_plan_editor(user, line.plan)
    _require_draft(line.plan)
    if line.kind != PlanLine.Kind.INFORMAL:
        raise ValidationError("Only no-cost support can be changed this way.")
    if not description.strip():
        raise ValidationError({"description": "Say what the support is."})
    line.description = description.strip()
    line.provided_by = provided_by.strip()
    line.notes = notes.strip()
    line.full_clean()
    line.save()
    line.plan.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def plan_remove_line(*, user, line: PlanLine) -> None:
    """Take a line off a draft plan."""
    require_plan_editor(user, line.plan)
    _require_draft(line.plan)
    plan = line.plan
    line.delete()
    plan.save(update_fields=["updated_at"])


def plan_weekly_cost(plan: SupportPlan) -> Decimal:
    """What the plan's lines cost a week (one-off items cost nothing a week)."""
    return costing.plan_totals(line.weekly_cost for line in plan.lines.all()).weekly


def _event(plan: SupportPlan, kind: str, *, user, figure=None, reasons: str = "") -> PlanEvent:
    return PlanEvent.objects.create(
        plan=plan,
        kind=kind,
        actor=user if getattr(user, "is_authenticated", False) else None,
        figure=figure,
        reasons=reasons,
    )


@transaction.atomic
def plan_submit(*, user, plan: SupportPlan) -> SupportPlan:
    """Send a draft for agreement: it needs at least one outcome and one line of support."""
    require_plan_editor(user, plan)
    if plan.status != SupportPlan.Status.DRAFT:
        raise ValidationError("Only a draft plan can be submitted.")
    problems = []
    if not plan.outcomes:
        problems.append("Add at least one outcome: what matters to the person.")
    if not plan.lines.exists():
        problems.append("Add at least one line of support.")
    if problems:
        raise ValidationError(problems)
    plan.status = SupportPlan.Status.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    _event(plan, PlanEvent.Kind.SUBMITTED, user=user, figure=plan_weekly_cost(plan))
    return plan


def _require_agreer(user, plan: SupportPlan) -> None:
    if not can_agree_plan(user, plan):
        if plan_access(user, plan) == "owner" and is_practitioner(user):
            raise PermissionDenied("You cannot agree your own plan: another practitioner must.")
        raise PermissionDenied(
            "Only a practitioner the plan is shared with, or one in its team, can agree it."
        )


def _checked_split(
    plan: SupportPlan,
    *,
    agreed: Decimal,
    person_contribution: Decimal | None,
    top_up: Decimal | None,
) -> tuple[Decimal, Decimal, Decimal]:
    """The agreed personal budget split into the council's share and the person's assessed
    contribution; the third-party top-up is on top of it. Returns (council, person, top-up)."""
    contribution = to_penny(person_contribution or Decimal("0"))
    extra = to_penny(top_up or Decimal("0"))
    if contribution < 0:
        raise ValidationError(
            {"person_contribution": "The person's contribution cannot be less than £0."}
        )
    if extra < 0:
        raise ValidationError({"top_up": "The top-up cannot be less than £0."})
    if contribution > agreed:
        raise ValidationError(
            {
                "person_contribution": f"The person's contribution cannot be more than the "
                f"personal budget of £{agreed} a week."
            }
        )
    return agreed - contribution, contribution, extra


def _agreed_verdict(plan: SupportPlan, agreed: Decimal):
    """The tolerance verdict on an agreed personal budget against the indicative budget (None
    when the plan has no budget or the council has no rules to judge it by)."""
    from marketplace.ras.selectors import plan_tolerance

    if plan.budget is None:
        return None
    return plan_tolerance(budget=plan.budget, weekly_cost=agreed, assessment=plan.assessment)


def _record_agreement(
    plan: SupportPlan,
    *,
    user,
    agreed: Decimal | None,
    split: tuple[Decimal, Decimal, Decimal] | None,
    within: bool | None,
    kind: str,
    reasons: str = "",
) -> SupportPlan:
    plan.status = SupportPlan.Status.AGREED
    plan.agreed_at = timezone.now()
    plan.agreed_by = user
    plan.agreed_budget = agreed
    plan.council_share, plan.person_contribution, plan.top_up = split or (None, None, None)
    plan.agreed_within_tolerance = within
    plan.save()
    _event(plan, kind, user=user, figure=agreed, reasons=reasons)
    plan_schedule_reviews(plan=plan)
    return plan


@transaction.atomic
def plan_agree(
    *,
    user,
    plan: SupportPlan,
    person_contribution: Decimal | None = None,
    top_up: Decimal | None = None,
) -> SupportPlan:
    """A practitioner the plan was shared with agrees a submitted plan (never its owner).

    A plan the council funds (council_funded) is agreed under delegated authority only when
    its personal budget (the plan's weekly cost less any third-party top-up) is within the
    scheme's tolerance of the indicative budget; otherwise it goes to the panel
    (plan_refer_to_panel). The agreed budget is recorded with its split."""
    from .selectors import council_funded

    _require_agreer(user, plan)
    if plan.status != SupportPlan.Status.SUBMITTED:
        raise ValidationError("Only a submitted plan can be agreed.")
    weekly = plan_weekly_cost(plan)
    if not council_funded(plan):
        return _record_agreement(
            plan, user=user, agreed=None, split=None, within=None, kind=PlanEvent.Kind.AGREED
        )
    extra = to_penny(top_up or Decimal("0"))
    if extra > weekly:
        raise ValidationError({"top_up": "The top-up cannot be more than the plan costs."})
    agreed = weekly - extra
    split = _checked_split(
        plan, agreed=agreed, person_contribution=person_contribution, top_up=extra
    )
    verdict = _agreed_verdict(plan, agreed)
    if verdict is None or not verdict.within:
        raise ValidationError(
            (
                f"A personal budget of £{agreed} a week is outside the tolerance a "
                "practitioner may agree. Refer the plan to the panel."
            )
            if verdict is not None
            else "The council has published no tolerance rules for this budget, so a "
            "practitioner cannot agree it. Refer the plan to the panel."
        )
    return _record_agreement(
        plan, user=user, agreed=agreed, split=split, within=True, kind=PlanEvent.Kind.AGREED
    )


@transaction.atomic
def plan_refer_to_panel(*, user, plan: SupportPlan, reasons: str = "") -> SupportPlan:
    """A practitioner sends a submitted plan the council funds to the panel: the way for a plan
    outside tolerance (over or under) to be agreed."""
    from .selectors import council_funded

    _require_agreer(user, plan)
    if plan.status != SupportPlan.Status.SUBMITTED:
        raise ValidationError("Only a submitted plan can go to the panel.")
    if not council_funded(plan):
        raise ValidationError("Only a plan with a budget from a council assessment goes to panel.")
    reasons = (reasons or "").strip()
    if len(reasons) > MESSAGE_MAX_LENGTH:
        raise ValidationError({"reasons": f"Keep this to {MESSAGE_MAX_LENGTH:,} characters."})
    plan.status = SupportPlan.Status.PANEL
    plan.referred_at = timezone.now()
    plan.save(update_fields=["status", "referred_at", "updated_at"])
    _event(plan, PlanEvent.Kind.REFERRED, user=user, figure=plan_weekly_cost(plan), reasons=reasons)
    return plan


class PanelDecision:
    AGREE = "agree"
    AMOUNT = "amount"
    SEND_BACK = "send-back"
    CHOICES = [
        (AGREE, "Agree the plan at its cost"),
        (AMOUNT, "Agree a different amount"),
        (SEND_BACK, "Send it back to be changed"),
    ]


@transaction.atomic
def plan_panel_decide(
    *,
    user,
    plan: SupportPlan,
    decision: str,
    reasons: str,
    amount: Decimal | None = None,
    person_contribution: Decimal | None = None,
    top_up: Decimal | None = None,
) -> SupportPlan:
    """A panel member decides a plan referred to the panel, with reasons: agree it (the personal
    budget is its cost less any top-up), agree a different weekly amount, or send it back to
    draft for the person to change."""
    if not can_decide_panel(user, plan):
        if plan.status != SupportPlan.Status.PANEL:
            raise ValidationError("This plan is not waiting for the panel.")
        raise PermissionDenied("Only a member of the panel can decide this plan.")
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": "Give the panel's reasons."})
    if len(reasons) > MESSAGE_MAX_LENGTH:
        raise ValidationError({"reasons": f"Keep this to {MESSAGE_MAX_LENGTH:,} characters."})
    weekly = plan_weekly_cost(plan)
    if decision == PanelDecision.SEND_BACK:
        plan.status = SupportPlan.Status.DRAFT
        plan.submitted_at = None
        plan.save(update_fields=["status", "submitted_at", "updated_at"])
        _event(plan, PlanEvent.Kind.PANEL_SENT_BACK, user=user, figure=weekly, reasons=reasons)
        return plan
    extra = to_penny(top_up or Decimal("0"))
    if decision == PanelDecision.AGREE:
        if extra > weekly:
            raise ValidationError({"top_up": "The top-up cannot be more than the plan costs."})
        agreed = weekly - extra
        kind = PlanEvent.Kind.PANEL_AGREED
    elif decision == PanelDecision.AMOUNT:
        if amount is None:
            raise ValidationError({"amount": "Enter the weekly amount the panel agrees."})
        agreed = _checked_money(amount, field="amount", what="the weekly amount", most=BUDGET_MAX)
        kind = PlanEvent.Kind.PANEL_AMOUNT
    else:
        raise ValidationError({"decision": "Choose the panel's decision."})
    split = _checked_split(
        plan, agreed=agreed, person_contribution=person_contribution, top_up=extra
    )
    verdict = _agreed_verdict(plan, agreed)
    within = verdict.within if verdict is not None else None
    return _record_agreement(
        plan, user=user, agreed=agreed, split=split, within=within, kind=kind, reasons=reasons
    )


@transaction.atomic
def plan_record_cost_before_ras(*, user, plan: SupportPlan, amount: Decimal) -> SupportPlan:
    """A practitioner the plan is shared with records what the person's support cost a week
    before the RAS (Bath's "cost of package prior to the RAS being applied")."""
    _require_agreer(user, plan)
    plan.cost_before_ras = _checked_money(
        amount, field="amount", what="the weekly cost before the RAS", most=BUDGET_MAX
    )
    plan.save(update_fields=["cost_before_ras", "updated_at"])
    _event(plan, PlanEvent.Kind.COST_BEFORE, user=user, figure=plan.cost_before_ras)
    return plan


@transaction.atomic
def plan_hand_over(*, user, plan: SupportPlan) -> SupportPlan:
    """A practitioner who started a plan from an assessment hands it to the person it is about
    (who opened the assessment from the practitioner's invitation): the plan becomes theirs and
    the practitioner keeps access to see and change it by a share."""
    require_plan_owner(user, plan)
    assessment = plan.assessment
    person = assessment.person if assessment is not None else None
    if person is None:
        raise ValidationError(
            "The person has not opened their assessment yet. Send it to them first."
        )
    if person.pk == user.pk:
        raise ValidationError("This plan is already yours.")
    plan.shares.filter(user=person).update(revoked_at=timezone.now())
    plan.owner = person
    plan.save(update_fields=["owner", "updated_at"])
    now = timezone.now()
    PlanShare.objects.create(
        plan=plan,
        name=user.get_full_name() or user.email,
        email=user.email,
        access=PlanShare.Access.EDIT,
        invited_by=person,
        user=user,
        accepted_at=now,
    )
    _event(plan, PlanEvent.Kind.HANDED_OVER, user=user, figure=plan_weekly_cost(plan))
    return plan


@transaction.atomic
def plan_return_to_draft(*, user, plan: SupportPlan) -> SupportPlan:
    """Reopen a plan for changes: a submitted one (or one waiting for the panel) by its owner,
    an editing helper or the practitioner; an agreed one only by a practitioner it is shared
    with (the agreement and its personal budget end; the history keeps them)."""
    if plan.status == SupportPlan.Status.DRAFT:
        raise ValidationError("The plan is already a draft.")
    if plan.status == SupportPlan.Status.AGREED:
        if not can_agree_plan(user, plan):
            raise PermissionDenied("Only a practitioner can reopen an agreed plan.")
    elif not can_agree_plan(user, plan):
        require_plan_editor(user, plan)
    plan.status = SupportPlan.Status.DRAFT
    plan.submitted_at = None
    plan.agreed_at = None
    plan.agreed_by = None
    plan.agreed_budget = plan.council_share = plan.person_contribution = plan.top_up = None
    plan.agreed_within_tolerance = None
    plan.save()
    _event(plan, PlanEvent.Kind.REOPENED, user=user, figure=plan_weekly_cost(plan))
    return plan


@transaction.atomic
def plan_delete(*, user, plan: SupportPlan) -> None:
    """The owner deletes a plan and its lines and shares."""
    require_plan_owner(user, plan)
    plan.delete()


DAY = timedelta(days=1)


def shares_per_day() -> int:
    return int(settings.PLANS_SHARES_PER_DAY)


@transaction.atomic
def plan_share(*, user, plan: SupportPlan, name: str, email: str, access: str) -> PlanShare:
    """The owner invites a named helper by e-mail to see, or see and change, the plan.

    Every invitation is an e-mail to an address the owner types, so: at most
    PLANS_SHARES_PER_DAY (10) a day per account; not the same address twice within a day for
    the same plan (revoked or not); not the same stranger (an address with no verified account
    here) twice within a day from any of the account's plans, while an account holder (the
    practitioner who is to agree a person's plan and their carer's plan) may be sent each plan;
    and an e-mail to a stranger carries none of the owner's text (names, the plan's person),
    only the link."""
    require_plan_owner(user, plan)
    email = email.strip()
    if email.lower() == user.email.lower():
        raise ValidationError({"email": "That is your own email address."})
    if plan.shares.filter(email__iexact=email, revoked_at__isnull=True).exists():
        raise ValidationError({"email": f"The plan is already shared with {email}."})
    known = limits.has_verified_account(email)
    recent = PlanShare.objects.filter(email__iexact=email, created_at__gte=timezone.now() - DAY)
    if recent.filter(Q(plan=plan) if known else Q(plan=plan) | Q(invited_by=user)).exists():
        raise ValidationError({"email": f"You already invited {email} today. Try again tomorrow."})
    share = PlanShare(plan=plan, name=name.strip(), email=email, access=access, invited_by=user)
    share.full_clean()
    key = f"plans:shares:account:{user.pk}"
    if not limits.reserve(key, shares_per_day(), int(DAY.total_seconds())):
        raise ValidationError(
            f"You can send up to {shares_per_day()} invitations a day. Try again tomorrow."
        )
    try:
        share.save()
    except Exception:
        limits.give_back(key)
        raise
    send_email(
        template="plans/email/plan_shared",
        to=[email],
        context={"share": share, "known": known},
    )
    return share


def _addresses_of(user) -> set[str]:
    from allauth.account.models import EmailAddress

    addresses = {user.email.lower()}
    addresses |= {
        a.lower()
        for a in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }
    return addresses


@transaction.atomic
def plan_share_check(*, user, share: PlanShare) -> None:
    """Whether this user may accept the invitation: signed in with the address it was sent to
    (so a forwarded link is no use to anyone else, and does not show the address), not
    cancelled, not used by someone else, not older than PLANS_SHARE_INVITATION_DAYS unless
    accepted, not their own plan. Raises PermissionDenied or ValidationError with the reason."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in to open a shared plan.")
    if share.revoked_at:
        raise ValidationError("This invitation has been cancelled.")
    if share.user_id and share.user_id != user.pk:
        raise ValidationError("This invitation has already been used by someone else.")
    days = int(settings.PLANS_SHARE_INVITATION_DAYS)
    if share.user_id is None and share.created_at < timezone.now() - timedelta(days=days):
        raise ValidationError(
            f"This invitation has expired: invitations last {days} days. Ask the person who "
            "sent it to invite you again."
        )
    if share.email.lower() not in _addresses_of(user):
        # A hint, never the address: whoever holds a forwarded link learns next to nothing.
        raise ValidationError(
            f"This invitation was sent to another email address ({address_hint(share.email)}). "
            "Sign in with the address it was sent to."
        )
    if share.plan.owner_id == user.pk:
        raise ValidationError("This is your own plan.")


def plan_share_accept(*, user, share: PlanShare) -> PlanShare:
    """The invited helper accepts (a POST from the invitation page; see plan_share_check)."""
    plan_share_check(user=user, share=share)
    if share.user_id is None:
        share.user = user
        share.accepted_at = timezone.now()
        share.save(update_fields=["user", "accepted_at"])
    return share


@transaction.atomic
def plan_share_revoke(*, user, share: PlanShare) -> PlanShare:
    """The owner stops sharing; the helper loses access at once. A helper may also leave."""
    if share.user_id != getattr(user, "pk", None):
        require_plan_owner(user, share.plan)
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
    return share


# --- a carer's plan linked with the cared-for person's (issue 21) -------------------------------

OTHER_KIND = {
    SupportPlan.PlanFor.CARER: SupportPlan.PlanFor.PERSON,
    SupportPlan.PlanFor.PERSON: SupportPlan.PlanFor.CARER,
}
LINKS_MAX = 5


@transaction.atomic
def plan_link_ask(*, user, plan: SupportPlan, email: str) -> PlanLink:
    """The owner of a carer's plan asks to link it with the plan of the person they care for
    (or the other way round), by e-mail to that plan's owner. Asking is the asker's
    confirmation; nothing is linked, and neither sees the other's plan, until the other owner
    confirms (plan_link_confirm). Counts against the same daily limit as sharing a plan."""
    require_plan_owner(user, plan)
    email = (email or "").strip()
    if email.lower() in _addresses_of(user):
        raise ValidationError({"email": "That is your own email address."})
    links = PlanLink.objects.of_plan(plan).filter(ended_at__isnull=True)
    if links.filter(email__iexact=email).exists():
        raise ValidationError({"email": f"You have already asked {email} to link plans."})
    if links.count() >= LINKS_MAX:
        raise ValidationError(f"A plan can be linked with up to {LINKS_MAX} others.")
    link = PlanLink(from_plan=plan, email=email, invited_by=user)
    link.full_clean()
    key = f"plans:shares:account:{user.pk}"
    if not limits.reserve(key, shares_per_day(), int(DAY.total_seconds())):
        raise ValidationError(
            f"You can send up to {shares_per_day()} invitations a day. Try again tomorrow."
        )
    try:
        link.save()
    except Exception:
        limits.give_back(key)
        raise
    send_email(
        template="plans/email/plan_link",
        to=[email],
        context={"link": link, "known": limits.has_verified_account(email)},
    )
    return link


def plan_link_check(*, user, link: PlanLink) -> None:
    """Whether this user may confirm the link: signed in with the address it was sent to, not
    ended, not confirmed already, not their own plan."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in to link plans.")
    if link.ended_at:
        raise ValidationError("This request to link plans has been cancelled.")
    if link.confirmed_at:
        raise ValidationError("This request to link plans has already been answered.")
    if link.from_plan.owner_id == user.pk:
        raise ValidationError("This is a request from your own plan.")
    if link.email.lower() not in _addresses_of(user):
        # A hint, not the address: whoever holds a forwarded link learns nothing from it.
        raise ValidationError(
            f"This request was sent to another email address ({address_hint(link.email)}). "
            "Sign in with the address it was sent to."
        )


def plans_to_link(*, user, link: PlanLink):
    """The user's own plans the link may join: of the other kind from the asking plan's."""
    return SupportPlan.objects.filter(
        owner=user, plan_for=OTHER_KIND[SupportPlan.PlanFor(link.from_plan.plan_for)]
    ).order_by("person_name", "pk")


@transaction.atomic
def plan_link_confirm(*, user, link: PlanLink, plan: SupportPlan) -> PlanLink:
    """The other owner confirms, choosing their own plan of the other kind: the plans are
    linked and both owners see them side by side."""
    link = PlanLink.objects.select_for_update().select_related("from_plan").get(pk=link.pk)
    plan_link_check(user=user, link=link)
    require_plan_owner(user, plan)
    if not plans_to_link(user=user, link=link).filter(pk=plan.pk).exists():
        raise ValidationError(
            {
                "plan": "Choose a carer's plan to link with this plan, or the plan of the person "
                "cared for to link with a carer's plan."
            }
        )
    if PlanLink.objects.confirmed().filter(from_plan=link.from_plan, to_plan=plan).exists():
        raise ValidationError({"plan": "These plans are already linked."})
    link.to_plan = plan
    link.confirmed_at = timezone.now()
    link.save(update_fields=["to_plan", "confirmed_at"])
    return link


@transaction.atomic
def plan_unlink(*, user, link: PlanLink) -> PlanLink:
    """Either owner ends the link (or the asker cancels, or the other declines, a request not
    yet confirmed); from then on neither sees the other's plan through it."""
    owners = {link.from_plan.owner_id}
    if link.to_plan_id and link.to_plan:
        owners.add(link.to_plan.owner_id)
    may_decline = (
        link.confirmed_at is None
        and getattr(user, "is_authenticated", False)
        and (link.email.lower() in _addresses_of(user))
    )
    if getattr(user, "pk", None) not in owners and not may_decline:
        raise PermissionDenied("Only the owners of the linked plans can unlink them.")
    if link.ended_at is None:
        link.ended_at = timezone.now()
        link.ended_by = user
        link.save(update_fields=["ended_at", "ended_by"])
    return link


def linked_plans_for(*, user, plan: SupportPlan, link: PlanLink) -> tuple[SupportPlan, SupportPlan]:
    """(this plan, the linked plan) for the side-by-side page: only for a confirmed link of
    `plan`, and only for the owner of either plan or someone who may see both."""
    from .permissions import can_view_plan

    if not link.is_linked or plan.pk not in (link.from_plan_id, link.to_plan_id):
        raise PermissionDenied("These plans are not linked.")
    other = link.other_plan(plan)
    assert other is not None
    owners = {plan.owner_id, other.owner_id}
    if getattr(user, "pk", None) not in owners and not (
        can_view_plan(user, plan) and can_view_plan(user, other)
    ):
        raise PermissionDenied("Only the owners of the linked plans can see them side by side.")
    return plan, other


def plan_for_viewer(*, user, plan: SupportPlan) -> SupportPlan:
    """Raise PermissionDenied unless `user` may see `plan` (for callers outside views)."""
    require_plan_viewer(user, plan)
    return plan


# --- lines the catalogue does not list (issue 21) ----------------------------------------------

HOURLY_PAY_MAX = Decimal("200.00")
LINE_AMOUNT_MAX = Decimal("100000.00")


def _checked_money(amount: Decimal | None, *, field: str, what: str, most: Decimal) -> Decimal:
    """An amount of money that can be on a plan: more than £0, in pounds and pence, at most
    `most`."""
    if amount is None:
        raise ValidationError({field: f"Enter {what}, like 12.50."})
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: f"{what.capitalize()} must be more than £0."})
    if amount != costing.to_penny(amount):
        raise ValidationError({field: f"Enter {what} in pounds and pence, like 12.50."})
    if amount > most:
        raise ValidationError({field: f"{what.capitalize()} must be £{most:,} or less."})
    return amount


def _checked_text(value: str, *, field: str, missing: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError({field: missing})
    return value


def _apply_route(line: PlanLine, paid_by: str, isf_provider: str) -> None:
    """How a paid line is paid: a direct payment, arranged by the council, an individual service
    fund with a named provider, or by the person or family; blank while not decided. A no-cost
    support is never paid for. A PA employed directly is the person's employee, so the council
    cannot arrange them and no provider holds them in a fund: a direct payment or the person's
    own money pays them."""
    paid_by = paid_by or ""
    isf_provider = " ".join((isf_provider or "").split())
    if paid_by and paid_by not in PlanLine.PaidBy.values:
        raise ValidationError({"paid_by": "Choose how the support is paid for."})
    if line.kind == PlanLine.Kind.INFORMAL and paid_by:
        raise ValidationError({"paid_by": "A no-cost support is not paid for."})
    if line.kind == PlanLine.Kind.PA and paid_by in (PlanLine.PaidBy.COUNCIL, PlanLine.PaidBy.ISF):
        raise ValidationError(
            {
                "paid_by": "A personal assistant you employ is paid by a direct payment or by "
                "you or your family. If an agency provides them, add the agency's service."
            }
        )
    if paid_by == PlanLine.PaidBy.ISF:
        if not isf_provider:
            raise ValidationError(
                {"isf_provider": "Name the provider that manages the individual service fund."}
            )
        if len(isf_provider) > 200:
            raise ValidationError({"isf_provider": "Keep the name to 200 characters or fewer."})
    else:
        isf_provider = ""
    line.paid_by = paid_by
    line.isf_provider = isf_provider


@transaction.atomic
def plan_set_line_payment(
    *, user, line: PlanLine, paid_by: str, isf_provider: str = ""
) -> PlanLine:
    """Say (or change) how a line of a draft plan is paid for (see _apply_route)."""
    require_plan_editor(user, line.plan)
    _require_draft(line.plan)
    _apply_route(line, paid_by, isf_provider)
    line.full_clean()
    line.save(update_fields=["paid_by", "isf_provider"])
    line.plan.save(update_fields=["updated_at"])
    return line


def _add_line(plan: SupportPlan, line: PlanLine) -> PlanLine:
    line.full_clean()
    line.save()
    plan.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def plan_add_pa_line(
    *,
    user,
    plan: SupportPlan,
    hourly_pay: Decimal,
    hours: Decimal,
    description: str = "Personal assistant",
    provided_by: str = "",
    notes: str = "",
    paid_by: str = "",
    isf_provider: str = "",
) -> PlanLine:
    """Add a personal assistant the person employs directly: hourly pay x hours a week, plus the
    employer's costs (holiday pay, National Insurance, pension, insurance, payroll) at the rates
    in force (PLANS_EMPLOYER_COSTS), which are copied onto the line."""
    from .employer_costs import current_rates

    require_plan_editor(user, plan)
    _require_draft(plan)
    _check_line_room(plan)
    hourly_pay = _checked_money(
        hourly_pay, field="hourly_pay", what="the hourly pay", most=HOURLY_PAY_MAX
    )
    try:
        hours = costing.check_quantity(hours, "hour")
    except costing.QuantityError as error:
        raise ValidationError({"hours": str(error).replace("quantity", "hours")}) from error
    line = PlanLine(
        plan=plan,
        kind=PlanLine.Kind.PA,
        description=_checked_text(
            description, field="description", missing="Say what the PA will do."
        ),
        provided_by=(provided_by or "").strip(),
        option_label="Employed directly",
        unit_amount=hourly_pay,
        unit="hour",
        quantity=hours,
        notes=(notes or "").strip(),
        employer_rates=current_rates().as_mapping(),
    )
    _apply_route(line, paid_by, isf_provider)
    return _add_line(plan, line)


@transaction.atomic
def plan_add_membership_line(
    *,
    user,
    plan: SupportPlan,
    description: str,
    yearly_cost: Decimal,
    provided_by: str = "",
    notes: str = "",
    paid_by: str = "",
    isf_provider: str = "",
) -> PlanLine:
    """Add a membership or subscription paid once a year (a garden, a gym, a club); the plan
    shows it as a cost a week (yearly cost / 52)."""
    require_plan_editor(user, plan)
    _require_draft(plan)
    _check_line_room(plan)
    line = PlanLine(
        plan=plan,
        kind=PlanLine.Kind.MEMBERSHIP,
        description=_checked_text(
            description, field="description", missing="Say what the membership is."
        ),
        provided_by=(provided_by or "").strip(),
        option_label="Yearly membership",
        unit_amount=_checked_money(
            yearly_cost, field="yearly_cost", what="the yearly cost", most=LINE_AMOUNT_MAX
        ),
        unit="year",
        quantity=Decimal("1"),
        notes=(notes or "").strip(),
    )
    _apply_route(line, paid_by, isf_provider)
    return _add_line(plan, line)


@transaction.atomic
def plan_add_one_off_line(
    *,
    user,
    plan: SupportPlan,
    description: str,
    cost: Decimal,
    provided_by: str = "",
    notes: str = "",
    paid_by: str = "",
    isf_provider: str = "",
) -> PlanLine:
    """Add a one-off item (equipment, a course): shown apart from the weekly cost and added to
    the first year's cost."""
    require_plan_editor(user, plan)
    _require_draft(plan)
    _check_line_room(plan)
    line = PlanLine(
        plan=plan,
        kind=PlanLine.Kind.ONE_OFF,
        description=_checked_text(
            description, field="description", missing="Say what the item is."
        ),
        provided_by=(provided_by or "").strip(),
        option_label="One-off",
        unit_amount=_checked_money(cost, field="cost", what="the cost", most=LINE_AMOUNT_MAX),
        unit="one-off",
        quantity=Decimal("1"),
        notes=(notes or "").strip(),
    )
    _apply_route(line, paid_by, isf_provider)
    return _add_line(plan, line)


# --- reviews (issue 21) --------------------------------------------------------------------------

REVIEW_DECISION_REQUIRED = "Record the decision: continue, change the plan or reassess."


def _practitioner_addresses(plan: SupportPlan) -> list[str]:
    """The practitioner who agreed the plan and the practitioners it is shared with."""
    addresses = [plan.agreed_by.email] if plan.agreed_by_id and plan.agreed_by else []
    for share in plan.shares.filter(revoked_at__isnull=True, user__isnull=False).select_related(
        "user"
    ):
        if share.user is not None and is_practitioner(share.user):
            addresses.append(share.user.email)
    return addresses


def _schedule_review(plan: SupportPlan, *, today: date) -> PlanReview | None:
    """Give an agreed plan its next scheduled review when it has none to do: the first
    PLANS_FIRST_REVIEW_WEEKS after agreement, later ones PLANS_REVIEW_INTERVAL_MONTHS after the
    last review (reviews.py)."""
    from django.conf import settings

    from . import reviews

    if plan.reviews.pending().filter(kind=PlanReview.Kind.SCHEDULED).exists():
        return None
    last = plan.reviews.done().exclude(reviewed_on=None).order_by("-reviewed_on").first()
    if last is None:
        due = reviews.first_review_due(today, settings.PLANS_FIRST_REVIEW_WEEKS)
    else:
        due = reviews.next_review_due(last.reviewed_on, settings.PLANS_REVIEW_INTERVAL_MONTHS)
    return PlanReview.objects.create(plan=plan, kind=PlanReview.Kind.SCHEDULED, due_on=due)


@transaction.atomic
def plan_schedule_reviews(*, plan: SupportPlan, today: date | None = None) -> PlanReview | None:
    """Called when a plan is agreed (see plan_agree): its review dates are set from then."""
    if plan.status != SupportPlan.Status.AGREED:
        raise ValidationError("Only an agreed plan has review dates.")
    return _schedule_review(plan, today=today or timezone.localdate())


@transaction.atomic
def plan_request_review(
    *, user, plan: SupportPlan, reason: str, today: date | None = None
) -> PlanReview:
    """The person (or a helper who may change the plan) asks for an early review when things
    change: an unscheduled review due at once; the practitioners are told by e-mail."""
    require_plan_editor(user, plan)
    if plan.status != SupportPlan.Status.AGREED:
        raise ValidationError("You can ask for a review of an agreed plan.")
    if plan.reviews.pending().filter(kind=PlanReview.Kind.UNSCHEDULED).exists():
        raise ValidationError("An early review has already been asked for.")
    reason = _check_message(reason, "reason")
    review = PlanReview(
        plan=plan,
        kind=PlanReview.Kind.UNSCHEDULED,
        due_on=today or timezone.localdate(),
        requested_by=user,
        reason=reason,
    )
    review.full_clean()
    review.save()
    send_email(
        template="plans/email/review_requested",
        to=_practitioner_addresses(plan),
        separately=True,
        context={"plan": plan, "review": review},
    )
    return review


@transaction.atomic
def plan_record_review(
    *,
    user,
    review: PlanReview,
    progress: dict[int, str],
    changes: str,
    cost_in_period: Decimal | None,
    person_view: str,
    decision: str,
    new_estimate: Decimal | None = None,
    reassessment=None,
    today: date | None = None,
) -> PlanReview:
    """A practitioner the plan is shared with records a review: for each of the plan's outcomes
    achieved, partly or not yet (`progress`, by PlanOutcome id); what changes; the cost in the
    period; the person's own view; the decision; and, after a reassessment, the new estimate
    (kept beside the budget it replaces). The next scheduled review is then set."""
    plan = review.plan
    if not can_agree_plan(user, plan):
        raise PermissionDenied("Only a practitioner the plan is shared with can record a review.")
    if review.status != PlanReview.Status.PENDING:
        raise ValidationError("This review has already been recorded.")
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    outcomes = list(plan.outcome_items.all())
    for item in outcomes:
        if progress.get(item.pk) not in PlanReviewOutcome.Progress.values:
            errors.setdefault(f"outcome_{item.pk}", []).append(
                f"Say how '{item.text}' is going: achieved, partly or not yet."
            )
    if decision not in PlanReview.Decision.values:
        errors.setdefault("decision", []).append(REVIEW_DECISION_REQUIRED)
    for field, amount in (("cost_in_period", cost_in_period), ("new_estimate", new_estimate)):
        if amount is None:
            continue
        if not amount.is_finite() or amount < 0 or amount != costing.to_penny(amount):
            errors.setdefault(field, []).append("Enter an amount in pounds and pence, like 373.53.")
        elif amount > LINE_AMOUNT_MAX * 10:
            errors.setdefault(field, []).append("That amount is too large.")
    if cost_in_period is None:
        errors.setdefault("cost_in_period", []).append("Enter what the support cost in the period.")
    if reassessment is not None:
        new_estimate = _reassessment_estimate(
            user=user, review=review, reassessment=reassessment, typed=new_estimate, errors=errors
        )
    if errors:
        raise ValidationError(errors)

    review.status = PlanReview.Status.DONE
    review.reviewed_on = today
    review.reviewed_by = user
    review.changes = (changes or "").strip()
    review.cost_in_period = cost_in_period
    review.person_view = (person_view or "").strip()
    review.decision = decision
    review.weekly_cost = costing.plan_totals(line.weekly_cost for line in plan.lines.all()).weekly
    review.previous_budget = plan.budget
    review.new_estimate = new_estimate
    review.full_clean()
    review.save()
    PlanReviewOutcome.objects.bulk_create(
        PlanReviewOutcome(review=review, outcome=item, text=item.text, progress=progress[item.pk])
        for item in outcomes
    )
    if plan.status == SupportPlan.Status.AGREED:
        _schedule_review(plan, today=today)
    # The market figures are cached; the review figures among them have just moved.
    from market_statement.metrics import invalidate_cache

    transaction.on_commit(invalidate_cache)
    return review


def _reassessment_estimate(
    *, user, review: PlanReview, reassessment, typed: Decimal | None, errors: dict
) -> Decimal | None:
    """The new estimate a reassessment gives: its weekly budget for the person's own plan, its
    carer element for a carer's plan. Only one of the practitioner's own assessments of this
    person since the review was set may be used (selectors.reassessments_for), and a typed
    estimate must agree with it."""
    from .selectors import reassessments_for

    if reassessment.pk not in {a.pk for a in reassessments_for(review, user=user)}:
        errors.setdefault("reassessment", []).append(
            "Choose one of your assessments of this person since the review was set."
        )
        return typed
    figure = (
        carer_element(reassessment)
        if review.plan.plan_for == SupportPlan.PlanFor.CARER
        else reassessment.weekly_budget
    )
    if figure is None:
        errors.setdefault("reassessment", []).append(
            "That assessment has no carer element to be a carer's new estimate."
        )
    elif typed is not None and typed != figure:
        errors.setdefault("new_estimate", []).append(
            f"The reassessment gives £{figure:,} a week: leave the new estimate "
            "empty, or choose no assessment."
        )
    return figure if figure is not None else typed


def send_review_reminders(*, today: date | None = None) -> int:
    """E-mail the person and the practitioners once about each review of an agreed plan that is
    due within PLANS_REVIEW_REMIND_DAYS (or overdue). Safe to run twice, or twice at once: a
    review is claimed (reminded_at set) before its e-mail is queued. Returns how many."""
    from datetime import timedelta

    from django.conf import settings

    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.PLANS_REVIEW_REMIND_DAYS)
    candidates = (
        PlanReview.objects.pending()
        .filter(reminded_at__isnull=True, due_on__lte=horizon, plan__status="agreed")
        .select_related("plan__owner", "plan__agreed_by")
    )
    sent = 0
    for review in candidates:
        with transaction.atomic():
            claimed = PlanReview.objects.filter(pk=review.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if not claimed:
                continue
            plan = review.plan
            send_email(
                template="plans/email/review_due",
                to=[plan.owner.email, *_practitioner_addresses(plan)],
                separately=True,
                context={"plan": plan, "review": review},
            )
            sent += 1
    return sent
