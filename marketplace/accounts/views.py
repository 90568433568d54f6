import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from catalogue.services import organisations_of_a_leaving_owner
from core import personal_data
from core.roles import ADMIN_ROLES


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


# --- my data: download and delete -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def account_data_download(request):
    """Everything the site holds about the signed-in person, as a JSON file."""
    data = personal_data.export_user_data(request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="care-market-my-data-{stamp}.json"'
    return response


class AccountDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that my account and my data will be deleted, and that this cannot "
        "be undone",
        error_messages={"required": "Confirm that you want to delete your account."},
    )
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("The password is not right.")
        return password


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_delete(request):
    """Delete the account after confirmation (and the password): every app's eraser runs first,
    so enquiries stay with providers without the sender's details."""
    handover, unmanaged = organisations_of_a_leaving_owner(request.user)
    context = {"handover": handover, "unmanaged": unmanaged}
    if handover:  # no form until someone else can manage those organisations
        status = 409 if request.method == "POST" else 200
        return render(request, "accounts/account_delete.html", context, status=status)
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        personal_data.erase_user(user)
        messages.success(request, "Your account and your data have been deleted.")
        return redirect("/")
    return render(request, "accounts/account_delete.html", {**context, "form": form})
