"""Writes to the catalogue. One function per use case: keyword-only, permission-checked,
validated (full_clean) and atomic; e-mails go out only after the transaction commits.

Publishing rules (DESIGN.md, issue 3):
- A new organisation waits for a moderator; so do its first services. Once an organisation has
  had a service approved, its later services and every later edit publish at once, and each edit
  is written to the service's change log (who, when, which fields: old -> new) for moderators.
- Every price that is set, changed or withdrawn appends a PriceRecord; history is never edited.
- A published service unconfirmed for 6 months triggers a reminder; at 12 months it is stale:
  hidden from search (ServiceQuerySet.visible) and listed for moderators.

The package, one module per section (every public name is re-exported here, so callers import
`catalogue.services` and never a module of it):
- organisations: registering and editing an organisation, the moderator's decisions on it, claims;
- people: invitations, memberships and ownership;
- listings: creating, editing and archiving a listing, availability and freshness, the review
  summary, and the change log every write to a listing goes through;
- publishing: submitting a listing, and the moderator's decisions on it;
- prices: a listing's prices and their history;
- slugs: readable unique slugs, and the insert that settles a race for one (a test that plays
  the race patches `catalogue.services.slugs.unique_slug`, where the writes look it up).
"""

from .listings import (
    SERVICE_FIELDS,
    SERVICE_RELATIONS,
    service_archive,
    service_confirm,
    service_create,
    service_framework_set,
    service_set_availability,
    service_set_review_summary,
    service_update,
    services_send_stale_reminders,
)
from .organisations import (
    ORGANISATION_FIELDS,
    claim_approve,
    claim_create,
    claim_reject,
    organisation_approve,
    organisation_register,
    organisation_reject,
    organisation_restore,
    organisation_suspend,
    organisation_update,
)
from .people import (
    DAY_SECONDS,
    INVITATION_DAYS,
    invitation_accept,
    invitation_cancel,
    invitation_create,
    membership_remove,
    organisations_of_a_leaving_owner,
    ownership_transfer,
)
from .prices import (
    MAX_PRICE,
    PRICE_FIELDS,
    PRICE_SEEN_FIELDS,
    PriceChangedMeanwhile,
    check_price,
    price_option_delete,
    price_option_fingerprint,
    price_option_save,
)
from .publishing import (
    service_approve,
    service_reject,
    service_restore,
    service_submit,
    service_suspend,
)
from .slugs import (
    SLUG_ATTEMPTS,
    save_with_unique_slug,
    unique_slug,
)

__all__ = [
    "DAY_SECONDS",
    "INVITATION_DAYS",
    "MAX_PRICE",
    "ORGANISATION_FIELDS",
    "PRICE_FIELDS",
    "PRICE_SEEN_FIELDS",
    "PriceChangedMeanwhile",
    "SERVICE_FIELDS",
    "SERVICE_RELATIONS",
    "SLUG_ATTEMPTS",
    "check_price",
    "claim_approve",
    "claim_create",
    "claim_reject",
    "invitation_accept",
    "invitation_cancel",
    "invitation_create",
    "membership_remove",
    "organisation_approve",
    "organisation_register",
    "organisation_reject",
    "organisation_restore",
    "organisation_suspend",
    "organisation_update",
    "organisations_of_a_leaving_owner",
    "ownership_transfer",
    "price_option_delete",
    "price_option_fingerprint",
    "price_option_save",
    "save_with_unique_slug",
    "service_approve",
    "service_archive",
    "service_confirm",
    "service_create",
    "service_framework_set",
    "service_reject",
    "service_restore",
    "service_set_availability",
    "service_set_review_summary",
    "service_submit",
    "service_suspend",
    "service_update",
    "services_send_stale_reminders",
    "unique_slug",
]
