"""Shortlist, enquiries and support plans, mounted at the site root."""

from django.urls import path

from .views import concerns, enquiries, links, plans, reviews, shortlist

app_name = "plans"

urlpatterns = [
    path("shortlist/", shortlist.shortlist_page, name="shortlist"),
    path("shortlist/add/", shortlist.shortlist_add, name="shortlist_add"),
    path("shortlist/remove/", shortlist.shortlist_remove, name="shortlist_remove"),
    path("shortlist/compare/", shortlist.compare, name="compare"),
    path("enquiries/", enquiries.enquiry_list, name="enquiries"),
    path("enquiries/new/", enquiries.enquiry_new, name="enquiry_new"),
    path("enquiries/<str:uuid>/", enquiries.enquiry_detail, name="enquiry"),
    path("provider/enquiries/", enquiries.provider_inbox, name="provider_inbox"),
    path("provider/enquiries/<str:uuid>/", enquiries.provider_enquiry, name="provider_enquiry"),
    path(
        "provider/enquiries/<str:uuid>/close/",
        enquiries.provider_enquiry_close,
        name="provider_enquiry_close",
    ),
    path(
        "provider/enquiries/<str:uuid>/concern/",
        concerns.provider_enquiry_concern,
        name="provider_enquiry_concern",
    ),
    path("plans/<str:uuid>/concern/", concerns.plan_concern, name="plan_concern"),
    path("plans/", plans.plan_list, name="plans"),
    path("plans/new/", plans.plan_new, name="plan_new"),
    path("plans/panel/", plans.panel_list, name="panel"),
    path("plans/invitations/<str:token>/", plans.share_accept, name="share_accept"),
    path("plans/links/<str:token>/", links.link_accept, name="link_accept"),
    path("plans/<str:uuid>/", plans.plan_detail, name="plan"),
    path("plans/<str:uuid>/link/", links.plan_link, name="plan_link"),
    path("plans/<str:uuid>/linked/<int:link_id>/", links.plan_linked, name="plan_linked"),
    path("plans/<str:uuid>/linked/<int:link_id>/unlink/", links.plan_unlink, name="plan_unlink"),
    path("plans/<str:uuid>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/<str:uuid>/outcomes/", plans.plan_outcomes, name="plan_outcomes"),
    path("plans/<str:uuid>/contingency/", plans.plan_contingency, name="plan_contingency"),
    path("plans/<str:uuid>/lines/add-service/", plans.plan_add_service, name="plan_add_service"),
    path("plans/<str:uuid>/lines/add-support/", plans.plan_add_informal, name="plan_add_informal"),
    path("plans/<str:uuid>/lines/add-pa/", plans.plan_add_pa, name="plan_add_pa"),
    path(
        "plans/<str:uuid>/lines/add-membership/",
        plans.plan_add_membership,
        name="plan_add_membership",
    ),
    path("plans/<str:uuid>/lines/add-one-off/", plans.plan_add_one_off, name="plan_add_one_off"),
    path("plans/<str:uuid>/lines/<int:line_id>/", plans.plan_line_edit, name="plan_line_edit"),
    path(
        "plans/<str:uuid>/lines/<int:line_id>/outcomes/",
        plans.plan_line_outcomes,
        name="plan_line_outcomes",
    ),
    path(
        "plans/<str:uuid>/lines/<int:line_id>/payment/",
        plans.plan_line_payment,
        name="plan_line_payment",
    ),
    path(
        "plans/<str:uuid>/lines/<int:line_id>/remove/",
        plans.plan_line_remove,
        name="plan_line_remove",
    ),
    path("plans/<str:uuid>/submit/", plans.plan_submit, name="plan_submit"),
    path("plans/<str:uuid>/agree/", plans.plan_agree, name="plan_agree"),
    path("plans/<str:uuid>/refer/", plans.plan_refer, name="plan_refer"),
    path("plans/<str:uuid>/hand-over/", plans.plan_hand_over, name="plan_hand_over"),
    path("plans/<str:uuid>/panel/", plans.plan_panel, name="plan_panel"),
    path("plans/<str:uuid>/cost-before-ras/", plans.plan_cost_before, name="plan_cost_before"),
    path("plans/<str:uuid>/reopen/", plans.plan_reopen, name="plan_reopen"),
    path("plans/<str:uuid>/delete/", plans.plan_delete, name="plan_delete"),
    path("plans/<str:uuid>/share/", plans.plan_share, name="plan_share"),
    path(
        "plans/<str:uuid>/share/<int:share_id>/revoke/",
        plans.plan_share_revoke,
        name="plan_share_revoke",
    ),
    path("plans/<str:uuid>/reviews/ask/", reviews.review_request, name="review_request"),
    path(
        "plans/<str:uuid>/reviews/<int:review_id>/record/",
        reviews.review_record,
        name="review_record",
    ),
    path("commissioning/plans/reviews/", reviews.review_figures, name="review_figures"),
    path("commissioning/plans/budgets/", reviews.budget_figures, name="budget_figures"),
    path("plans/<str:uuid>/print/", plans.plan_print, name="plan_print"),
    path("plans/<str:uuid>/plan.csv", plans.plan_csv, name="plan_csv"),
]
