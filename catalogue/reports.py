"""'Report a problem with this listing': anyone may tell the council a listing is wrong.

Rules:
- No account is needed. A signed-in reporter is recorded; an e-mail address is optional and is
  only for a reply (it is shown to the moderators, never to the provider).
- A report needs a reason from ListingReport.Reason (not CONCERN: a worry about someone's care or
  safety is a safeguarding concern, safeguarding.services, which moderators never see) and a
  message of at most MESSAGE_MAX_LENGTH characters.
- The council's moderators (the Moderators group) are e-mailed once the report is saved.
- One client (an IP address) may send at most REPORTS_PER_WINDOW reports per
  REPORT_WINDOW_SECONDS, so nobody can flood the moderators' queue. The count lives in the
  cache: losing it (a restart with the in-memory cache) only resets the allowance.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from core import limits
from core.email import send_email
from core.roles import Role, role_holders

from .models import ListingReport, Service

MESSAGE_MAX_LENGTH = ListingReport._meta.get_field("message").max_length or 2000
REPORTS_PER_WINDOW = 5
REPORT_WINDOW_SECONDS = 60 * 60


def moderator_addresses() -> list[str]:
    """The e-mail addresses of the active members of the Moderators group."""
    return list(
        role_holders(Role.MODERATOR).exclude(email="").values_list("email", flat=True).distinct()
    )


@transaction.atomic
def listing_report_create(
    *, service: Service, reason: str, message: str, email: str = "", reporter=None
) -> ListingReport:
    """Anyone reports a problem with a listing; the moderators are e-mailed after commit.

    Raises ValidationError keyed by field (reason, message, email) for bad input; nothing is
    saved then. `reporter` is the signed-in person, or None / an anonymous user.
    """
    message = (message or "").strip()
    email = (email or "").strip()
    errors: dict[str, str] = {}
    if reason not in ListingReport.Reason.values:
        errors["reason"] = "Select what is wrong with the listing."
    elif reason == ListingReport.Reason.CONCERN:
        # Never in the moderators' queue: the view sends it to the safeguarding team's form.
        errors["reason"] = (
            "A worry about someone's care or safety goes to the council's safeguarding team: "
            "report a concern about an adult instead."
        )
    if not message:
        errors["message"] = "Tell us what is wrong with the listing."
    elif len(message) > MESSAGE_MAX_LENGTH:
        errors["message"] = f"Your message must be {MESSAGE_MAX_LENGTH:,} characters or fewer."
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter an email address in the right format, like name@example.com."
    if errors:
        raise ValidationError(errors)

    report = ListingReport(
        service=service,
        reason=reason,
        message=message,
        email=email,
        reporter=reporter if getattr(reporter, "is_authenticated", False) else None,
    )
    report.full_clean()
    report.save()
    send_email(
        template="catalogue/email/listing_report",
        to=moderator_addresses(),
        context={"report": report, "service": service, "organisation": service.organisation},
    )
    return report


def _limit_key(client: str) -> str:
    return f"catalogue:listing-report:{client}"


def listing_report_limit_reached(*, client: str) -> bool:
    """True when `client` has sent its allowance of reports in the current window."""
    return limits.reached(_limit_key(client), REPORTS_PER_WINDOW)


def listing_report_reserve(*, client: str) -> bool:
    """Take one report from `client`'s allowance before sending (atomically: concurrent
    requests cannot all pass); False when it is used up."""
    return limits.reserve(_limit_key(client), REPORTS_PER_WINDOW, REPORT_WINDOW_SECONDS)


def listing_report_give_back(*, client: str) -> None:
    limits.give_back(_limit_key(client))
