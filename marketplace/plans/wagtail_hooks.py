"""The plans app in the Wagtail admin: the council's list of outcomes people choose from.

Council editors and commissioners (and superusers) add, change and retire outcomes; nobody
deletes one, because plans and reviews point at it (untick "active" instead). A permission
policy lets the groups in without permission rows in the database.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.roles import Role

from .models import OutcomeOption

KEEPERS = (Role.EDITOR.value, Role.COMMISSIONER.value)


class OutcomeListPolicy(ModelPermissionPolicy):
    actions = frozenset({"add", "change", "view"})

    def user_has_permission(self, user, action):
        if action not in self.actions or not getattr(user, "is_active", False):
            return False
        if user.groups.filter(name__in=KEEPERS).exists():
            return True
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        actions = set(actions) & self.actions
        if not actions:
            return get_user_model().objects.none()
        codenames = self._get_permission_codenames(actions)
        condition = self._get_users_with_any_permission_codenames_filter(codenames)
        condition |= Q(groups__name__in=KEEPERS, is_active=True)
        return get_user_model().objects.filter(condition).distinct()


register_permission_policy(OutcomeOption, OutcomeListPolicy(OutcomeOption))


class OutcomeOptionViewSet(SnippetViewSet):
    model = OutcomeOption
    icon = "tick-inverse"
    menu_label = "Plan outcomes"
    add_to_admin_menu = True
    menu_order = 260
    list_display = ["name", "audience", "sort_order", "active"]
    list_filter = ["audience", "active"]
    search_fields = ["name"]
    ordering = ["audience", "sort_order", "name"]
    form_fields = ["name", "audience", "hint", "sort_order", "active"]


register_snippet(OutcomeOptionViewSet)
