"""The catalogue's Wagtail admin screens: listings, inspect pages and the moderation actions.

Moderators (the Moderators group) and superusers use these; every decision calls a service
function (catalogue/services/, catalogue/moderation.py), which checks the permission and the
transition again. A refused transition comes back as an admin error message, never a 500.
The viewsets that wire these views up live in catalogue/wagtail_hooks.py.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, Q
from django.forms.utils import ErrorList
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView

from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.admin.widgets.button import HeaderButton, ListingButton

import django_filters

from core.inspect import PlainInspectView

from . import moderation, rules, services
from .models import (
    Category,
    Claim,
    ListingReport,
    Organisation,
    PriceOption,
    PriceRecord,
    Service,
    ServiceChange,
)
from .moderation import APPROVE, CLOSE, REJECT, RESTORE, SUSPEND
from .permissions import is_moderator

ACTION_LABELS = {
    APPROVE: "Approve",
    REJECT: "Reject",
    SUSPEND: "Suspend",
    RESTORE: "Restore",
    CLOSE: "Close report",
}


def admin_name(model: type[Model]) -> str:
    """The URL namespace of a catalogue model's admin viewset, e.g. 'catalogue_service'."""
    return f"catalogue_{model._meta.model_name}"


def admin_url(model: type[Model], view: str, *args: Any, query: dict | None = None) -> str:
    url = reverse(f"{admin_name(model)}:{view}", args=args)
    return f"{url}?{urlencode(query)}" if query else url


def is_moderator_cached(user) -> bool:
    """is_moderator, asked once per request: listings ask for every row and every menu item."""
    cached = getattr(user, "_catalogue_is_moderator", None)
    if cached is None:
        cached = is_moderator(user)
        if getattr(user, "is_authenticated", False):
            user._catalogue_is_moderator = cached
    return cached


def queue_counts_for(request) -> dict[str, int]:
    """The queue sizes, counted once per request (the menu and the pages share them)."""
    counts = getattr(request, "_catalogue_queue_counts", None)
    if counts is None:
        counts = request._catalogue_queue_counts = moderation.queue_counts()
    return counts


def queues_for(request) -> list[dict[str, Any]]:
    counts = queue_counts_for(request)
    return [
        {
            "queue": queue,
            "count": counts[queue.key],
            "url": admin_url(queue.model, "index", query=queue.filter),
        }
        for queue in moderation.QUEUES
    ]


# --- listings ---------------------------------------------------------------------------------


class CatalogueIndexView(generic.IndexView):
    """A listing that loads its rows' relations up front and offers the moderation buttons
    that fit each row's state (to moderators only)."""

    url_namespace: str | None = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def get_moderation_actions(self, instance) -> list[str]:
        return []

    @cached_property
    def listing_url(self) -> str:
        """Where an action returns to: this listing, with its filters, search and page."""
        query = self.request.GET.copy()
        query.pop("_w_filter_fragment", None)
        return f"{self.index_url}?{query.urlencode()}" if query else self.index_url

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if not is_moderator_cached(self.request.user):
            return buttons
        for priority, action in enumerate(self.get_moderation_actions(instance)):
            url = reverse(f"{self.url_namespace}:{action}", args=[instance.pk])
            buttons.append(
                ListingButton(
                    ACTION_LABELS[action],
                    url=f"{url}?{urlencode({'next': self.listing_url})}",
                    attrs={"aria-label": f"{ACTION_LABELS[action]}: {instance}"},
                    priority=priority,
                )
            )
        return buttons


class OrganisationIndexView(CatalogueIndexView):
    def get_moderation_actions(self, instance):
        return moderation.organisation_actions(instance)


class ServiceFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        choices=Service.Status.choices, widget=forms.RadioSelect, empty_label="All"
    )
    category = django_filters.ModelChoiceFilter(
        label="Category",
        queryset=Category.objects.select_related("parent"),
        method="filter_category",
    )
    organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all())
    stale = django_filters.BooleanFilter(
        label="Stale (not confirmed for 12 months)",
        method="filter_stale",
        widget=BooleanRadioSelect,
    )

    class Meta:
        model = Service
        fields = ["status", "category", "organisation", "stale"]

    def filter_category(self, queryset, name, value):
        """A top-level category includes the listings in its sub-categories."""
        return queryset.filter(Q(categories=value) | Q(categories__parent=value)).distinct()

    def filter_stale(self, queryset, name, value):
        stale = Service.objects.stale().values("pk")
        return queryset.filter(pk__in=stale) if value else queryset.exclude(pk__in=stale)


class ServiceIndexView(CatalogueIndexView):
    select_related = ("organisation",)
    prefetch_related = ("categories__parent",)

    def get_moderation_actions(self, instance):
        return moderation.service_actions(instance)


class ClaimIndexView(CatalogueIndexView):
    select_related = ("organisation", "user")

    def get_moderation_actions(self, instance):
        return moderation.claim_actions(instance)


class ListingReportIndexView(CatalogueIndexView):
    select_related = ("service__organisation",)

    def get_moderation_actions(self, instance):
        return moderation.listing_report_actions(instance)


class CategoryFilterSet(WagtailFilterSet):
    parent = django_filters.ModelChoiceFilter(
        label="Top-level category", queryset=Category.objects.top_level()
    )

    class Meta:
        model = Category
        fields = ["parent"]


class CategoryIndexView(CatalogueIndexView):
    select_related = ("parent",)


class PostcodeIndexView(CatalogueIndexView):
    select_related = ("locality",)

    def search_queryset(self, queryset):
        """'sy11aa' finds SY1 1AA; anything shorter than a postcode matches from the start."""
        if not self.is_searching:
            return queryset
        postcode = rules.normalise_postcode(self.search_query)
        if postcode:
            return queryset.filter(postcode=postcode)
        return queryset.filter(postcode__istartswith=self.search_query.strip().upper())


# --- inspect pages ----------------------------------------------------------------------------


class CatalogueInspectView(PlainInspectView):
    """The read-only page of one item, with a button for each decision that fits its state."""

    url_namespace: str | None = None
    select_related: tuple[str, ...] = ()

    def get_object(self, queryset=None):
        queryset = self.model._default_manager.select_related(*self.select_related)
        return get_object_or_404(queryset, pk=self.pk)

    def get_moderation_actions(self) -> list[str]:
        return []

    @cached_property
    def header_buttons(self):
        if not is_moderator_cached(self.request.user):
            return []
        here = reverse(f"{self.url_namespace}:inspect", args=[self.object.pk])
        return [
            HeaderButton(
                ACTION_LABELS[action],
                url=reverse(f"{self.url_namespace}:{action}", args=[self.object.pk])
                + "?"
                + urlencode({"next": here}),
                priority=priority,
            )
            for priority, action in enumerate(self.get_moderation_actions())
        ]


class OrganisationInspectView(CatalogueInspectView):
    template_name = "catalogue/admin/organisation_inspect.html"

    def get_moderation_actions(self):
        return moderation.organisation_actions(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = self.object.memberships.select_related("user")
        context["claims"] = self.object.claims.select_related("user")
        context["services"] = self.object.services.order_by("name")
        return context


def describe_changes(changes: dict) -> list[dict[str, str]]:
    """A change-log entry's {field: [old, new]} as readable rows: label, old, new."""

    def label(name: str) -> str:
        for model in (Service, PriceOption):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            return str(getattr(field, "verbose_name", name)).capitalize()
        return name.replace("_", " ").capitalize()  # e.g. a withdrawn price option's label

    def show(value) -> str:
        if value in (None, "", []):
            return "(blank)"
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        return str(value)

    rows = []
    for name, pair in (changes or {}).items():
        old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        rows.append({"field": label(name), "old": show(old), "new": show(new)})
    return rows


class ServiceInspectView(CatalogueInspectView):
    """A listing's details, then its change log and price history, newest first."""

    template_name = "catalogue/admin/service_inspect.html"
    select_related = ("organisation", "locality")
    per_page = 50

    def get_moderation_actions(self):
        return moderation.service_actions(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        changes = Paginator(
            self.object.changes.select_related("user").order_by("-created_at", "-pk"),
            self.per_page,
        ).get_page(self.request.GET.get("changes"))
        for change in changes:
            change.rows = describe_changes(change.changes)
        prices = Paginator(
            PriceRecord.objects.filter(service=self.object)
            .select_related("recorded_by")
            .order_by("-recorded_at", "-pk"),
            self.per_page,
        ).get_page(self.request.GET.get("prices"))
        context.update(
            changes=changes,
            prices=prices,
            open_reports=self.object.reports.filter(status=ListingReport.Status.OPEN),
            is_stale=Service.objects.stale().filter(pk=self.object.pk).exists(),
            waits_for_organisation=(
                self.object.status == Service.Status.PENDING
                and self.object.organisation.status != Organisation.Status.ACTIVE
            ),
        )
        return context


class ClaimInspectView(CatalogueInspectView):
    select_related = ("organisation", "user", "decided_by")

    def get_moderation_actions(self):
        return moderation.claim_actions(self.object)


class ListingReportInspectView(CatalogueInspectView):
    select_related = ("service__organisation", "reporter", "closed_by")

    def get_moderation_actions(self):
        return moderation.listing_report_actions(self.object)


# --- moderation actions -----------------------------------------------------------------------


class ModerationActionView(WagtailAdminTemplateMixin, FormView):
    """Confirm a decision (GET) and make it (POST) through a service function.

    Subclasses name the model, the action, whether a written reason is needed, and call the
    service in `perform`. Only moderators get this far; the service checks again.
    """

    template_name = "catalogue/admin/moderation_action.html"
    model: type[Model]
    object: Any  # the organisation, service, claim or report the decision is about
    action = ""
    index_url_name: str | None = None
    inspect_url_name: str | None = None
    url_namespace: str | None = None
    header_icon = ""
    select_related: tuple[str, ...] = ()
    # The written reason: its field name in the service's errors, its label and hint.
    reason_field: str | None = None
    reason_label = "Reason"
    reason_help = "This is sent to the provider by e-mail."
    intro = ""

    def dispatch(self, request, *args, **kwargs):
        if not is_moderator_cached(request.user):
            raise PermissionDenied
        queryset = self.model._default_manager.select_related(*self.select_related)
        self.object = get_object_or_404(queryset, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def perform(self, reason: str) -> None:
        raise NotImplementedError

    def get_success_message(self) -> str:
        raise NotImplementedError

    def get_form_class(self):
        fields: dict[str, forms.Field] = {}
        if self.reason_field:
            fields[self.reason_field] = forms.CharField(
                label=self.reason_label,
                help_text=self.reason_help,
                required=False,  # the service says what is missing, in one place
                widget=forms.Textarea(attrs={"rows": 5}),
                max_length=5000,
            )
        return type("ModerationForm", (forms.Form,), fields)

    def get_page_title(self):
        return f"{ACTION_LABELS[self.action]} {self.model._meta.verbose_name}"

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(self.index_url_name),
                "label": str(self.model._meta.verbose_name_plural).capitalize(),
            },
            {"url": self.inspect_url, "label": str(self.object)},
            {"url": "", "label": ACTION_LABELS[self.action]},
        ]

    @cached_property
    def inspect_url(self) -> str:
        return reverse(self.inspect_url_name, args=[self.object.pk])

    def get_success_url(self) -> str:
        return get_valid_next_url_from_request(self.request) or self.inspect_url

    def get_summary(self) -> list[tuple[str, Any]]:
        """What the moderator needs to see to decide: (label, value) pairs."""
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            summary=self.get_summary(),
            intro=self.intro,
            submit_label=ACTION_LABELS[self.action],
            cancel_url=self.get_success_url(),
            next_url=get_valid_next_url_from_request(self.request),
            serious=self.action in (REJECT, SUSPEND),
        )
        return context

    def form_valid(self, form):
        reason = form.cleaned_data.get(self.reason_field, "") if self.reason_field else ""
        try:
            self.perform(reason)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, ErrorList(errors))
                return self.form_invalid(form)
            # An invalid transition (e.g. someone else decided first): say so, change nothing.
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.inspect_url)
        messages.success(self.request, self.get_success_message())
        return redirect(self.get_success_url())


# Organisations


class OrganisationActionView(ModerationActionView):
    model = Organisation
    select_related = ()

    def get_summary(self):
        organisation = self.object
        staff = ", ".join(
            f"{m.user.email} ({m.get_role_display().lower()})"
            for m in organisation.memberships.select_related("user")
        )
        return [
            ("Name", organisation.name),
            ("Status", organisation.get_status_display()),
            ("Kind", organisation.get_kind_display()),
            ("Source", organisation.get_source_display()),
            ("Companies House number", organisation.companies_house_number or "-"),
            ("Charity number", organisation.charity_number or "-"),
            ("CQC provider ID", organisation.cqc_provider_id or "-"),
            ("E-mail", organisation.email or "-"),
            ("Phone", organisation.phone or "-"),
            ("Website", organisation.website or "-"),
            ("Staff", staff or "None yet"),
        ]


class OrganisationApproveView(OrganisationActionView):
    action = APPROVE
    intro = "The organisation's owners are told by e-mail. Its services can then be approved."

    def perform(self, reason):
        services.organisation_approve(moderator=self.request.user, organisation=self.object)

    def get_success_message(self):
        return f"{self.object} has been approved. Its owners have been told by e-mail."


class OrganisationRejectView(OrganisationActionView):
    action = REJECT
    reason_field = "reason"
    intro = "The organisation will not be listed. Its owners get your reason by e-mail."

    def perform(self, reason):
        services.organisation_reject(
            moderator=self.request.user, organisation=self.object, reason=reason
        )

    def get_success_message(self):
        return f"{self.object} has been rejected. Its owners have been sent the reason."


class OrganisationSuspendView(OrganisationActionView):
    action = SUSPEND
    reason_field = "reason"
    intro = "All its services are hidden until it is restored. Its owners get your reason."

    def perform(self, reason):
        services.organisation_suspend(
            moderator=self.request.user, organisation=self.object, reason=reason
        )

    def get_success_message(self):
        return f"{self.object} has been suspended. Its services are hidden."


class OrganisationRestoreView(OrganisationActionView):
    action = RESTORE
    intro = "Its published services show again. Its owners are told by e-mail."

    def perform(self, reason):
        services.organisation_restore(moderator=self.request.user, organisation=self.object)

    def get_success_message(self):
        return f"{self.object} has been restored."


# Services


class ServiceActionView(ModerationActionView):
    model = Service
    select_related = ("organisation",)

    def get_summary(self):
        service = self.object
        return [
            ("Listing", service.name),
            ("Organisation", service.organisation.name),
            ("Organisation status", service.organisation.get_status_display()),
            ("Status", service.get_status_display()),
            ("Summary", service.summary),
            ("Last confirmed by the provider", service.last_confirmed_at),
        ]


class ServiceApproveView(ServiceActionView):
    action = APPROVE
    intro = "The listing is published at once and its organisation is told by e-mail."

    def perform(self, reason):
        services.service_approve(moderator=self.request.user, service=self.object)

    def get_success_message(self):
        return f"{self.object} has been published."


class ServiceRejectView(ServiceActionView):
    action = REJECT
    reason_field = "reason"
    intro = "The listing goes back to the provider, with your reason by e-mail."

    def perform(self, reason):
        services.service_reject(moderator=self.request.user, service=self.object, reason=reason)

    def get_success_message(self):
        return f"{self.object} has been rejected. The provider has been sent the reason."


class ServiceSuspendView(ServiceActionView):
    action = SUSPEND
    reason_field = "reason"
    intro = "The listing is hidden from the public until it is restored."

    def perform(self, reason):
        services.service_suspend(moderator=self.request.user, service=self.object, reason=reason)

    def get_success_message(self):
        return f"{self.object} has been suspended and is hidden from the public."


class ServiceRestoreView(ServiceActionView):
    action = RESTORE
    intro = "The listing is published again and counts as confirmed today."

    def perform(self, reason):
        services.service_restore(moderator=self.request.user, service=self.object)

    def get_success_message(self):
        return f"{self.object} has been restored and is published again."


# Claims


class ClaimActionView(ModerationActionView):
    model = Claim
    select_related = ("organisation", "user")
    reason_help = "This is sent to the person by e-mail."

    def get_summary(self):
        claim = self.object
        return [
            ("Organisation", claim.organisation.name),
            ("Claimant", f"{claim.user.get_full_name() or '-'} ({claim.user.email})"),
            ("Job title", claim.job_title),
            ("Evidence", claim.evidence),
            ("Asked on", claim.created_at),
            ("Status", claim.get_status_display()),
        ]


class ClaimApproveView(ClaimActionView):
    action = APPROVE
    intro = (
        "The claimant becomes an owner of the organisation. Other people waiting to manage it "
        "are told to ask the new owner for an invitation."
    )

    def perform(self, reason):
        services.claim_approve(moderator=self.request.user, claim=self.object)

    def get_success_message(self):
        return f"{self.object.user.email} now manages {self.object.organisation}."


class ClaimRejectView(ClaimActionView):
    action = REJECT
    reason_field = "reason"
    intro = "The person gets your reason by e-mail."

    def perform(self, reason):
        services.claim_reject(moderator=self.request.user, claim=self.object, reason=reason)

    def get_success_message(self):
        return f"The claim by {self.object.user.email} has been rejected."


# Listing reports


class ListingReportCloseView(ModerationActionView):
    model = ListingReport
    action = CLOSE
    select_related = ("service__organisation", "reporter")
    reason_field = "outcome"
    reason_label = "Outcome"
    reason_help = "What was done about the report. Only the council sees this."
    intro = "Closing the report takes it out of the queue. The listing itself does not change."

    def get_page_title(self):
        return "Close listing report"

    def perform(self, reason):
        moderation.listing_report_close(
            moderator=self.request.user, report=self.object, outcome=reason
        )

    def get_success_message(self):
        return f"The report on {self.object.service} has been closed."

    def get_summary(self):
        report = self.object
        return [
            ("Listing", f"{report.service} ({report.service.organisation})"),
            ("Problem", report.get_reason_display()),
            ("Message", report.message),
            ("Reply to", report.email or "No reply wanted"),
            ("Reported on", report.created_at),
        ]


# --- the moderation overview ------------------------------------------------------------------


class ModerationOverviewView(WagtailAdminTemplateMixin, TemplateView):
    """The queues and how much waits in each: where a moderator starts the day."""

    template_name = "catalogue/admin/moderation_overview.html"
    page_title = "Moderation"
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not is_moderator_cached(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["queues"] = queues_for(self.request)
        context["recent_changes"] = (
            ServiceChange.objects.filter(
                action__in=[ServiceChange.Action.EDITED, ServiceChange.Action.PRICES]
            )
            .select_related("service", "user")
            .order_by("-created_at", "-pk")[:20]
        )
        return context


class ModerationPanel(Component):
    """The queues on the admin dashboard, for moderators."""

    name = "catalogue_moderation"
    template_name = "catalogue/admin/moderation_panel.html"
    order = 150

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        return {"queues": queues_for(self.request)}
