"""The catalogue in the Wagtail admin: who may see what, the viewsets, and the Moderation menu.

Models carry no admin code; everything the admin shows of the catalogue is set up here.

- Organisations, services, claims and listing reports are read-only in the admin: they change
  only through the moderation actions (catalogue/admin_views.py), which call the services.
- Categories and localities are reference data that moderators keep (add and edit; no delete,
  because services, prices and postcodes point at them).
- Postcodes are listed read-only with a search.

Permissions are data-free: a permission policy lets the Moderators group (and superusers) in,
so no migration has to grant model permissions. Editors and commissioners reach /admin/ for
pages, but not these screens.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from core.inspect import PlainInspectView
from core.roles import Role

from . import admin_views
from .admin_views import admin_name, admin_url, is_moderator_cached, queue_counts_for
from .models import (
    Category,
    Claim,
    ListingReport,
    Locality,
    Organisation,
    PartnerSource,
    Postcode,
    Service,
)
from .moderation import APPROVE, CLOSE, QUEUES, REJECT, RESTORE, SUSPEND


class ModeratorPermissionPolicy(ModelPermissionPolicy):
    """Moderators may do `actions` on the model without any permission rows in the database;
    anyone else needs the Django model permission (superusers have them all). Actions outside
    `actions` are refused whoever asks: those writes go through the services instead."""

    def __init__(self, model, *, actions):
        super().__init__(model)
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action):
        if action not in self.actions:
            return False
        return is_moderator_cached(user) or super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        actions = set(actions) & self.actions
        if not actions:
            return get_user_model().objects.none()
        codenames = self._get_permission_codenames(actions)
        condition = self._get_users_with_any_permission_codenames_filter(codenames)
        condition |= Q(groups__name=Role.MODERATOR.value, is_active=True)
        return get_user_model().objects.filter(condition).distinct()


READ_ONLY = {"view"}
REFERENCE_DATA = {"add", "change", "view"}

# Registered before the viewsets, so Wagtail never creates its fallback policy for these.
for model, actions in [
    (Organisation, READ_ONLY),
    (Service, READ_ONLY),
    (Claim, READ_ONLY),
    (ListingReport, READ_ONLY),
    (Postcode, READ_ONLY),
    (PartnerSource, READ_ONLY),
    (Category, REFERENCE_DATA),
    (Locality, REFERENCE_DATA),
]:
    register_permission_policy(model, ModeratorPermissionPolicy(model, actions=actions))


# --- viewsets ---------------------------------------------------------------------------------


class CatalogueViewSet(ModelViewSet):
    """A catalogue model in the admin: a listing and an inspect page; no copy, no delete."""

    inspect_view_enabled = True
    inspect_view_class = PlainInspectView
    copy_view_enabled = False
    list_per_page = 50
    read_only = False
    # Moderation actions: {action name: view class}, added to this viewset's URLs.
    action_views: dict = {}

    def __init__(self, **kwargs):
        super().__init__(name=admin_name(self.model), **kwargs)

    @property
    def url_prefix(self):
        return f"catalogue/{self.model._meta.verbose_name_plural.replace(' ', '-')}"

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(url_namespace=self.url_namespace, **kwargs)

    def get_urlpatterns(self):
        if self.read_only:
            patterns = [
                path("", self.index_view, name="index"),
                path("results/", self.index_results_view, name="index_results"),
                path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            ]
        else:
            patterns = [p for p in super().get_urlpatterns() if p.name != "delete"]
        for action, view_class in self.action_views.items():
            view = self.construct_view(view_class, inspect_url_name=self.get_url_name("inspect"))
            patterns.append(path(f"{action}/<int:pk>/", view, name=action))
        return patterns


class OrganisationViewSet(CatalogueViewSet):
    model = Organisation
    read_only = True
    icon = "group"
    index_view_class = admin_views.OrganisationIndexView
    inspect_view_class = admin_views.OrganisationInspectView
    inspect_template_name = "catalogue/admin/organisation_inspect.html"
    list_display = [
        "name",
        "status",
        "source",
        "kind",
        DateColumn("created_at", label="Added", sort_key="created_at"),
    ]
    list_filter = ["status", "source"]
    search_fields = ["name", "email", "cqc_provider_id", "companies_house_number"]
    inspect_view_fields = [
        "name",
        "status",
        "status_reason",
        "source",
        "kind",
        "description",
        "companies_house_number",
        "charity_number",
        "cqc_provider_id",
        "website",
        "email",
        "phone",
        "verified_at",
        "created_at",
        "uuid",
    ]
    action_views = {
        APPROVE: admin_views.OrganisationApproveView,
        REJECT: admin_views.OrganisationRejectView,
        SUSPEND: admin_views.OrganisationSuspendView,
        RESTORE: admin_views.OrganisationRestoreView,
    }


class ServiceViewSet(CatalogueViewSet):
    model = Service
    read_only = True
    icon = "doc-full"
    index_view_class = admin_views.ServiceIndexView
    inspect_view_class = admin_views.ServiceInspectView
    inspect_template_name = "catalogue/admin/service_inspect.html"
    filterset_class = admin_views.ServiceFilterSet
    list_display = [
        "name",
        "organisation",
        Column(
            "categories",
            label="Categories",
            accessor=lambda service: ", ".join(str(c) for c in service.categories.all()),
        ),
        "status",
        DateColumn("last_confirmed_at", label="Last confirmed", sort_key="last_confirmed_at"),
    ]
    search_fields = ["name", "organisation__name", "postcode", "cqc_location_id"]
    inspect_view_fields = [
        "name",
        "organisation",
        "status",
        "status_reason",
        "moderator_hold",
        "summary",
        "description",
        "categories",
        "client_groups",
        "funding_accepted",
        "localities_served",
        "radius_km",
        "address_line_1",
        "town",
        "postcode",
        "locality",
        "contact_name",
        "email",
        "phone",
        "website",
        "cqc_location_id",
        "cqc_overall",
        "cqc_report_date",
        "beds",
        "accepting_new_clients",
        "vacancies",
        "earliest_start",
        "published_at",
        "last_confirmed_at",
        "stale_reminder_sent_at",
        "uuid",
    ]
    action_views = {
        APPROVE: admin_views.ServiceApproveView,
        REJECT: admin_views.ServiceRejectView,
        SUSPEND: admin_views.ServiceSuspendView,
        RESTORE: admin_views.ServiceRestoreView,
    }


class ClaimViewSet(CatalogueViewSet):
    model = Claim
    read_only = True
    icon = "key"
    index_view_class = admin_views.ClaimIndexView
    inspect_view_class = admin_views.ClaimInspectView
    list_display = [
        "organisation",
        Column("user", label="Claimant", accessor="user.email"),
        "job_title",
        "status",
        DateColumn("created_at", label="Asked", sort_key="created_at"),
    ]
    list_filter = ["status"]
    search_fields = ["organisation__name", "user__email", "job_title"]
    inspect_view_fields = [
        "organisation",
        "user",
        "job_title",
        "evidence",
        "status",
        "reason",
        "created_at",
        "decided_at",
        "decided_by",
    ]
    action_views = {
        APPROVE: admin_views.ClaimApproveView,
        REJECT: admin_views.ClaimRejectView,
    }


class ListingReportViewSet(CatalogueViewSet):
    model = ListingReport
    read_only = True
    icon = "warning"
    index_view_class = admin_views.ListingReportIndexView
    inspect_view_class = admin_views.ListingReportInspectView
    list_display = [
        "service",
        Column("organisation", label="Organisation", accessor="service.organisation"),
        "reason",
        "status",
        DateColumn("created_at", label="Reported", sort_key="created_at"),
    ]
    list_filter = ["status", "reason"]
    search_fields = ["service__name", "service__organisation__name", "message"]
    inspect_view_fields = [
        "service",
        "reason",
        "message",
        "email",
        "reporter",
        "status",
        "outcome",
        "created_at",
        "closed_at",
        "closed_by",
    ]
    action_views = {CLOSE: admin_views.ListingReportCloseView}


class CategoryViewSet(CatalogueViewSet):
    model = Category
    icon = "tag"
    index_view_class = admin_views.CategoryIndexView
    filterset_class = admin_views.CategoryFilterSet
    list_display = ["name", "parent", "reference_unit", "sort_order"]
    search_fields = ["name", "slug"]
    form_fields = ["name", "slug", "parent", "description", "reference_unit", "sort_order"]
    ordering = ["parent__sort_order", "sort_order", "name"]


class LocalityViewSet(CatalogueViewSet):
    model = Locality
    icon = "site"
    list_display = [
        "name",
        "kind",
        Column(
            "postcode_districts",
            label="Postcode districts",
            accessor=lambda locality: ", ".join(locality.postcode_districts or []),
        ),
    ]
    list_filter = ["kind"]
    search_fields = ["name"]
    form_fields = ["name", "slug", "kind", "postcode_districts", "easting", "northing"]


class PostcodeViewSet(CatalogueViewSet):
    model = Postcode
    read_only = True
    icon = "pick"
    index_view_class = admin_views.PostcodeIndexView
    list_display = ["postcode", "district", "locality", "local_authority", "easting", "northing"]
    search_fields = ["postcode"]


class PartnerSourceViewSet(CatalogueViewSet):
    """Partner directories whose listings we show read-only (refreshed by import_openreferral)."""

    model = PartnerSource
    read_only = True
    icon = "link-external"
    list_display = ["name", "base_url", DateColumn("last_refreshed_at", label="Last refreshed")]
    search_fields = ["name"]


class CatalogueViewSetGroup(ModelViewSetGroup):
    menu_label = "Catalogue"
    menu_icon = "folder-open-inverse"
    menu_order = 210
    items = (
        OrganisationViewSet,
        ServiceViewSet,
        ClaimViewSet,
        ListingReportViewSet,
        CategoryViewSet,
        LocalityViewSet,
        PostcodeViewSet,
        PartnerSourceViewSet,
    )


@hooks.register("register_admin_viewset")
def register_catalogue_viewsets():
    return CatalogueViewSetGroup()


# --- the Moderation menu, overview and dashboard panel ----------------------------------------


class QueueMenuItem(MenuItem):
    """A moderation queue in the menu, labelled with how much waits in it."""

    def __init__(self, queue, **kwargs):
        self.queue = queue
        super().__init__(queue.label, "#", name=f"moderation-{queue.key}", **kwargs)

    def is_shown(self, request):
        return is_moderator_cached(request.user)

    def render_component(self, request):
        # Menu items are shared between requests: build the labelled link, never mutate self.
        count = queue_counts_for(request)[self.queue.key]
        return LinkMenuItem(
            self.name,
            f"{self.queue.label} ({count})",
            admin_url(self.queue.model, "index", query=self.queue.filter),
            icon_name=self.icon_name,
            classname=self.classname,
            attrs=self.attrs,
        )


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_moderator_cached(request.user)


@hooks.register("register_admin_menu_item")
def register_moderation_menu():
    items = [
        ModeratorMenuItem(
            "Overview", reverse("catalogue_moderation"), name="moderation-overview", order=0
        ),
        *(
            QueueMenuItem(queue, icon_name="", order=index + 1)
            for index, queue in enumerate(QUEUES)
        ),
    ]
    # Other apps (e.g. ratings' review queue) add their items with the
    # "register_moderation_menu_item" hook, returning a MenuItem.
    return SubmenuMenuItem(
        "Moderation",
        Menu(register_hook_name="register_moderation_menu_item", items=items),
        name="moderation",
        icon_name="tasks",
        order=200,
    )


@hooks.register("register_admin_urls")
def register_moderation_urls():
    return [
        path(
            "catalogue/moderation/",
            admin_views.ModerationOverviewView.as_view(),
            name="catalogue_moderation",
        )
    ]


@hooks.register("construct_homepage_panels")
def add_moderation_panel(request, panels):
    if is_moderator_cached(request.user):
        panels.append(admin_views.ModerationPanel(request))
