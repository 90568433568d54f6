"""The RAS in the Wagtail admin: commissioners edit scheme versions and their questions.

Only Commissioners (and superusers) see or change these screens: a permission policy lets the
group in without any permission rows. Versions that are active or retired are frozen (their
models refuse changes in clean(), and the policy refuses deleting their questions), so every
assessment keeps re-computing to its figure. Activation, market rates and calibration are on
the commissioner pages (/commissioning/ras/), linked from the menu. Practitioner teams are
kept by superusers and admins.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import reverse_lazy

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import DeleteView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from core.inspect import PlainInspectView
from core.roles import Role

from .models import PractitionerTeam, Question, SchemeVersion
from .permissions import is_commissioner


class CommissionerPermissionPolicy(ModelPermissionPolicy):
    """Commissioners may do `actions` on the model; nobody may change or delete parts of a
    scheme version that is no longer a draft."""

    def __init__(self, model, *, actions):
        super().__init__(model)
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action):
        if action not in self.actions:
            return False
        return is_commissioner(user) or super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if action in {"change", "delete"} and not _is_draft(instance):
            return False
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, a, instance) for a in actions)

    def users_with_any_permission(self, actions):
        actions = set(actions) & self.actions
        if not actions:
            return get_user_model().objects.none()
        codenames = self._get_permission_codenames(actions)
        condition = self._get_users_with_any_permission_codenames_filter(codenames)
        condition |= Q(groups__name=Role.COMMISSIONER.value, is_active=True)
        return get_user_model().objects.filter(condition).distinct()


def _is_draft(instance) -> bool:
    scheme = instance if isinstance(instance, SchemeVersion) else instance.scheme_version()
    return scheme is None or scheme.is_editable


register_permission_policy(
    SchemeVersion, CommissionerPermissionPolicy(SchemeVersion, actions={"add", "change", "view"})
)
register_permission_policy(
    Question,
    CommissionerPermissionPolicy(Question, actions={"add", "change", "delete", "view"}),
)


class FrozenAwareDeleteView(DeleteView):
    """Wagtail's delete view checks the model-wide permission only; questions of a version in
    use must not go, so the instance check is made here too."""

    def get_object(self, queryset=None):
        instance = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "delete", instance
        ):
            raise PermissionDenied
        return instance


class SchemeVersionViewSet(ModelViewSet):
    model = SchemeVersion
    name = "ras_schemes"
    icon = "decimal"
    menu_label = "Scheme versions"
    url_prefix = "ras/schemes"
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = PlainInspectView
    list_display = ["name", "version", "status", "rate_mode", "created_at"]
    list_filter = ["status"]
    panels = [
        FieldPanel("name"),
        FieldPanel("notes"),
        MultiFieldPanel(
            [FieldPanel("floor"), FieldPanel("ceiling"), FieldPanel("carer_rate")],
            heading="Budget",
        ),
        MultiFieldPanel(
            [
                FieldPanel("tolerance_below_percent"),
                FieldPanel("tolerance_above_percent"),
                FieldPanel("tolerance_cap"),
            ],
            heading="Tolerance for signing off a plan",
        ),
        MultiFieldPanel(
            [
                FieldPanel("rate_mode"),
                FieldPanel("fixed_rate"),
                FieldPanel("rate_reason"),
                FieldPanel("rate_basis"),
                FieldPanel("basis_market_percent"),
                FieldPanel("min_locality_prices"),
                FieldPanel("iqr_multiple"),
            ],
            heading="Money per point",
        ),
        InlinePanel(
            "reference_services",
            heading="Reference services",
            label="Reference service",
            panels=[
                FieldPanel("name"),
                FieldPanel("category"),
                FieldPanel("unit"),
                FieldPanel("weight"),
                FieldPanel("blend_evenings_weekends_percent"),
                FieldPanel("blend_nights_percent"),
                FieldPanel("blend_bank_holidays_percent"),
                FieldPanel("sort_order"),
            ],
        ),
        InlinePanel(
            "domains",
            heading="Domains (one page of questions each)",
            label="Domain",
            panels=[
                FieldPanel("name"),
                FieldPanel("slug"),
                FieldPanel("kind"),
                FieldPanel("intro"),
                FieldPanel("sort_order"),
            ],
        ),
    ]


class QuestionViewSet(ModelViewSet):
    model = Question
    name = "ras_questions"
    delete_view_class = FrozenAwareDeleteView
    icon = "help"
    menu_label = "Questions"
    url_prefix = "ras/questions"
    add_to_admin_menu = False
    copy_view_enabled = False
    list_display = ["text", "domain", "key", "informal_reduction_percent"]
    list_filter = ["domain__scheme"]
    search_fields = ["text", "key"]
    panels = [
        FieldPanel("domain"),
        FieldPanel("key"),
        FieldPanel("text"),
        FieldPanel("hint"),
        FieldPanel("informal_reduction_percent"),
        FieldPanel("sort_order"),
        InlinePanel(
            "options",
            heading="Answers",
            label="Answer",
            min_num=1,
            panels=[
                FieldPanel("key"),
                FieldPanel("label"),
                FieldPanel("points"),
                FieldPanel("sort_order"),
            ],
        ),
    ]


class CommissionerMenuItem(MenuItem):
    def is_shown(self, request):
        return is_commissioner(request.user)


class RasViewSetGroup(ModelViewSetGroup):
    # Short enough for the admin menu (issue 20: "Resource alloc..." was cut off).
    menu_label = "Budgets (RAS)"
    # An icon Wagtail has ("calculator" is not one: the menu item showed none, issue 20).
    menu_icon = "decimal"
    menu_order = 230
    items = (SchemeVersionViewSet, QuestionViewSet)

    def get_submenu_items(self):
        # The commissioner pages (activation, market rates, calibration) sit outside /admin/.
        return [
            *super().get_submenu_items(),
            CommissionerMenuItem(
                "Overview and activation",
                reverse_lazy("ras:commissioning"),
                icon_name="list-ul",
                order=900,
            ),
            CommissionerMenuItem(
                "Market rates", reverse_lazy("ras:market_rate"), icon_name="list-ul", order=901
            ),
            CommissionerMenuItem(
                "Calibration", reverse_lazy("ras:calibration"), icon_name="list-ul", order=902
            ),
        ]


@hooks.register("register_admin_viewset")
def register_ras_viewsets():
    return RasViewSetGroup()


def _member_names(team: PractitionerTeam) -> str:
    return ", ".join(str(user) for user in team.members.all()) or "No one yet"


class PractitionerTeamViewSet(ModelViewSet):
    """Practitioner teams: kept by superusers and admins given the model's permissions (Wagtail's
    default policy), not by commissioners or practitioners themselves (who joins a caseload is
    a line-management decision)."""

    model = PractitionerTeam
    name = "practitioner_teams"
    icon = "group"
    menu_label = "Practitioner teams"
    menu_order = 240
    url_prefix = "ras/teams"
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "name",
        Column("members", label="Practitioners", accessor=_member_names),
    ]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("members", widget=forms.CheckboxSelectMultiple),
    ]


@hooks.register("register_admin_viewset")
def register_practitioner_teams():
    return PractitionerTeamViewSet()
