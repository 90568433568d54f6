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

The package, one module per section of the old services.py (every public name is re-exported
here, so callers import `marketplace.plans.services` and never a module of it):
- usage: the weekly usage figures of each listing;
- shortlists: the shortlist, in the account or the session;
- enquiries: enquiries, their threads, and what is kept after deletion or retention;
- plans: a plan's details, budget, outcomes, needs and contingency; creating and deleting it;
- lines: a plan's lines, listed in the catalogue or not, and how each is paid;
- sign_off: submitting, agreeing, the panel, handing over and reopening a plan;
- sharing: sharing a plan with a helper;
- links: a carer's plan linked with the cared-for person's;
- reviews: review dates, early reviews, recording a review and the reminders;
- shared (at the bottom, imported by the others): a message's length, a draft plan, money.
A test that changes a module-level setting patches the module that reads it (the shortlist
limit: `marketplace.plans.services.shortlists.SHORTLIST_MAX`).
"""

from .enquiries import (
    ENQUIRY_MAX_SERVICES,
    ENQUIRY_REPEAT_WINDOW,
    EnquiryAlreadySent,
    enquiries_anonymise_sender,
    enquiries_expire,
    enquiry_close,
    enquiry_follow_up,
    enquiry_reply,
    enquiry_send,
)
from .lines import (
    HOURLY_PAY_MAX,
    LINE_AMOUNT_MAX,
    PLAN_LINES_MAX,
    plan_add_informal_line,
    plan_add_membership_line,
    plan_add_one_off_line,
    plan_add_pa_line,
    plan_add_service_line,
    plan_remove_line,
    plan_set_line_outcomes,
    plan_set_line_payment,
    plan_update_informal_line,
    plan_update_line,
)
from .links import (
    LINKS_MAX,
    OTHER_KIND,
    linked_plans_for,
    plan_for_viewer,
    plan_link_ask,
    plan_link_check,
    plan_link_confirm,
    plan_unlink,
    plans_to_link,
)
from .plans import (
    OUTCOME_MAX_LENGTH,
    OUTCOMES_MAX,
    PLAN_FIELDS,
    assessment_figure,
    carer_element,
    plan_create,
    plan_delete,
    plan_set_contingency,
    plan_set_outcomes,
    plan_update,
)
from .reviews import (
    REVIEW_DECISION_REQUIRED,
    plan_record_review,
    plan_request_review,
    plan_schedule_reviews,
    send_review_reminders,
)
from .shared import (
    BUDGET_MAX,
)
from .sharing import (
    DAY,
    plan_share,
    plan_share_accept,
    plan_share_check,
    plan_share_revoke,
    shares_per_day,
)
from .shortlists import (
    SESSION_KEY,
    SHORTLIST_MAX,
    Session,
    shortlist_add,
    shortlist_merge,
    shortlist_remove,
    shortlist_service_ids,
)
from .sign_off import (
    PanelDecision,
    plan_agree,
    plan_hand_over,
    plan_panel_decide,
    plan_record_cost_before_ras,
    plan_refer_to_panel,
    plan_return_to_draft,
    plan_submit,
    plan_weekly_cost,
)
from .usage import (
    listing_usage_record,
    usage_visitor,
    week_start,
)

__all__ = [
    "BUDGET_MAX",
    "DAY",
    "ENQUIRY_MAX_SERVICES",
    "ENQUIRY_REPEAT_WINDOW",
    "EnquiryAlreadySent",
    "HOURLY_PAY_MAX",
    "LINE_AMOUNT_MAX",
    "LINKS_MAX",
    "OTHER_KIND",
    "OUTCOMES_MAX",
    "OUTCOME_MAX_LENGTH",
    "PLAN_FIELDS",
    "PLAN_LINES_MAX",
    "PanelDecision",
    "REVIEW_DECISION_REQUIRED",
    "SESSION_KEY",
    "SHORTLIST_MAX",
    "Session",
    "assessment_figure",
    "carer_element",
    "enquiries_anonymise_sender",
    "enquiries_expire",
    "enquiry_close",
    "enquiry_follow_up",
    "enquiry_reply",
    "enquiry_send",
    "linked_plans_for",
    "listing_usage_record",
    "plan_add_informal_line",
    "plan_add_membership_line",
    "plan_add_one_off_line",
    "plan_add_pa_line",
    "plan_add_service_line",
    "plan_agree",
    "plan_create",
    "plan_delete",
    "plan_for_viewer",
    "plan_hand_over",
    "plan_link_ask",
    "plan_link_check",
    "plan_link_confirm",
    "plan_panel_decide",
    "plan_record_cost_before_ras",
    "plan_record_review",
    "plan_refer_to_panel",
    "plan_remove_line",
    "plan_request_review",
    "plan_return_to_draft",
    "plan_schedule_reviews",
    "plan_set_contingency",
    "plan_set_line_outcomes",
    "plan_set_line_payment",
    "plan_set_outcomes",
    "plan_share",
    "plan_share_accept",
    "plan_share_check",
    "plan_share_revoke",
    "plan_submit",
    "plan_unlink",
    "plan_update",
    "plan_update_informal_line",
    "plan_update_line",
    "plan_weekly_cost",
    "plans_to_link",
    "send_review_reminders",
    "shares_per_day",
    "shortlist_add",
    "shortlist_merge",
    "shortlist_remove",
    "shortlist_service_ids",
    "usage_visitor",
    "week_start",
]
