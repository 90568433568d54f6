"""The safeguarding team's queue in the Wagtail admin: the list (urgent, then newest, with
age) and one concern's page, where opening it is logged and the status is changed.

Only the Safeguarding team role gets past `dispatch` (superusers hold every role); moderators,
editors and commissioners reach /admin/ but get 403 here, never content.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.views.generic import FormView, View

from wagtail.admin import messages
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.forms import add_service_errors

from . import services
from .models import Concern

URL_NAMESPACE = "safeguarding_concerns"


class TeamOnlyMixin(View):
    def dispatch(self, request, *args, **kwargs):
        if not services.can_handle_concerns(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def age_of(concern: Concern) -> str:
    return timesince(concern.created_at, timezone.now()).split(",")[0]


class ConcernIndexView(TeamOnlyMixin, generic.IndexView):
    """The queue; the list shows the reference, what it is about and how urgent: opening a
    concern (logged) shows what was written."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("service", "organisation").queue_order()


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Concern.Status.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason or note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for 'No further action'. Only the safeguarding team sees this.",
    )


class ConcernDetailView(TeamOnlyMixin, WagtailAdminTemplateMixin, FormView):
    """One concern: everything the reporter told us, its log, and the status form. Every
    GET is logged as a view."""

    template_name = "safeguarding/admin/concern.html"
    form_class = StatusForm
    header_icon = "warning"
    index_url_name = f"{URL_NAMESPACE}:index"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(
            Concern.objects.select_related("service", "organisation", "reporter"),
            pk=kwargs["pk"],
        )

    def get_page_title(self):
        return f"Concern {self.object.reference}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Safeguarding concerns"},
            {"url": "", "label": self.object.reference},
        ]

    def get(self, request, *args, **kwargs):
        services.concern_view(user=request.user, concern=self.object)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"status": self.object.status}

    def form_valid(self, form):
        try:
            services.concern_set_status(
                user=self.request.user,
                concern=self.object,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Concern {self.object.reference} updated.")
        return redirect(f"{URL_NAMESPACE}:inspect", self.object.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        concern = self.object
        context.update(
            concern=concern,
            age=age_of(concern),
            events=concern.events.select_related("user"),
        )
        return context
