"""The statement in the Wagtail admin: menu links to the commissioner dashboard and the
consultation queue, for the people who may use them (the pages check again)."""

from django.urls import reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .permissions import can_moderate_comments, is_commissioner


class _RoleMenuItem(MenuItem):
    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed

    def is_shown(self, request):
        return self.allowed(request.user)


@hooks.register("register_admin_menu_item")
def dashboard_menu_item():
    return _RoleMenuItem(
        "Market dashboard",
        reverse("market_statement:dashboard"),
        icon_name="table",
        order=900,
        allowed=is_commissioner,
    )


@hooks.register("register_admin_menu_item")
def consultation_menu_item():
    return _RoleMenuItem(
        "Consultation",  # "Statement comments" was cut off in the menu (issue 20)
        reverse("market_statement:consultation"),
        icon_name="comment",
        order=910,
        allowed=can_moderate_comments,
    )
