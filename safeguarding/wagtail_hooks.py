"""The safeguarding team's queue in the admin (safeguarding/admin_views.py).

A permission policy lets only the Safeguarding team role (and superusers) see the model, with no
permission rows in the database; nobody adds, edits or deletes a concern in the admin: they
change only through the status form, which calls the services.
"""

from django.contrib.auth import get_user_model
from django.urls import path

from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.contrib.settings.registry import register_setting
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from core.roles import Role

from . import admin_views, services
from .models import Concern, CouncilContacts

register_setting(CouncilContacts, icon="mail")


class TeamPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return action == "view" and services.can_handle_concerns(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(groups__name=Role.SAFEGUARDING.value, is_active=True)


register_permission_policy(Concern, TeamPermissionPolicy(Concern))


class ConcernViewSet(ModelViewSet):
    model = Concern
    name = admin_views.URL_NAMESPACE
    url_prefix = "safeguarding/concerns"
    icon = "warning"
    # Short enough for the admin menu (issue 20: "Safeguarding conc..." was cut off); the
    # pages themselves say "Safeguarding concerns".
    menu_label = "Safeguarding"
    add_to_admin_menu = True
    menu_order = 150
    index_view_class = admin_views.ConcernIndexView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_display = [
        "reference",
        Column("urgent", label="Urgent", accessor=lambda c: "Urgent" if c.urgent else ""),
        Column("about", label="About", accessor="about"),
        "status",
        Column("age", label="Age", accessor=admin_views.age_of),
    ]
    list_filter = ["status", "urgent"]

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", admin_views.ConcernDetailView.as_view(), name="inspect"),
        ]


concern_viewset = ConcernViewSet()


@hooks.register("register_admin_viewset")
def register_viewsets():
    return concern_viewset
