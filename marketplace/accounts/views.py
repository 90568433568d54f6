from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .roles import ADMIN_ROLES


@login_required
def account_page(request):
    user = request.user
    groups = set(user.groups.values_list("name", flat=True))
    return render(
        request,
        "accounts/account.html",
        {
            "roles": user.role_labels,
            "can_use_admin": user.is_superuser or any(r.value in groups for r in ADMIN_ROLES),
            "is_provider_staff": user.memberships.exists(),
        },
    )
