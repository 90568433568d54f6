"""Enquiries: a person sends them and reads the replies; a provider answers them in its inbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from catalogue.models import Organisation, Service
from core import limits
from core.forms import add_service_errors
from core.ids import as_ids

from .. import limits as enquiry_limits
from .. import selectors, services
from ..context_processors import current_shortlist_ids
from ..forms import ConfirmForm, EnquiryForm, MessageForm
from ..models import MESSAGE_MAX_LENGTH, Enquiry
from .common import enquiry_for_provider, enquiry_for_sender, posted

PER_PAGE = 20


def _chosen_ids(values) -> list[int]:
    return as_ids(values)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enquiry_new(request):
    """Ask one service (?service=<id>) or several (?service=1&service=2, from the shortlist)."""
    offered = _chosen_ids(request.GET.getlist("service")) or list(current_shortlist_ids(request))
    if request.method == "POST":
        offered = list(dict.fromkeys([*offered, *_chosen_ids(request.POST.getlist("services"))]))
    # Offer what was asked for among what the public can find; a listing on the person's own
    # shortlist hidden since is offered too, so they see why it fails. Never the name of a
    # listing that is pending, rejected or suspended to someone who only typed its id.
    findable = Service.objects.visible().values("pk")
    queryset = (
        Service.objects.filter(pk__in=offered)
        .filter(Q(pk__in=findable) | Q(pk__in=current_shortlist_ids(request)))
        .select_related("organisation", "locality")
        .order_by("name")
    )
    user = request.user
    initial = {
        "services": _chosen_ids(request.GET.getlist("service")) or offered,
        "sender_name": user.get_full_name(),
        "contact_email": user.email,
    }
    form = EnquiryForm(posted(request), services_queryset=queryset, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        client = limits.client_key(request)
        asked = {"user_id": user.pk, "client": client, "services": len(data["services"])}
        if not enquiry_limits.enquiries_reserve(**asked):
            # Refused before anything is sent; the form keeps what was typed.
            left = enquiry_limits.enquiries_left(user_id=user.pk, client=client)
            form.add_error("services", _limit_message(left))
            status = 429
        else:
            sent = None
            try:
                sent = _send(user, form, data)
            except services.EnquiryAlreadySent as repeat:
                # A double click: the first request sent it; this one shows what was sent.
                names = ", ".join(e.service.public_title for e in repeat.enquiries)
                messages.success(
                    request, f"Your enquiry has been sent to {names}. It was sent once, just now."
                )
                if len(repeat.enquiries) == 1:
                    return redirect(repeat.enquiries[0].get_absolute_url())
                return redirect("plans:enquiries")
            finally:  # refused or failed: nothing was sent, so nothing is used
                if sent is None:
                    enquiry_limits.enquiries_give_back(**asked)
                elif len(sent) < asked["services"]:  # some had been sent already
                    enquiry_limits.enquiries_give_back(
                        **{**asked, "services": asked["services"] - len(sent)}
                    )
            if sent is not None:
                names = ", ".join(e.service.public_title for e in sent)
                messages.success(request, f"Your enquiry has been sent to {names}.")
                if len(sent) == 1:
                    return redirect(sent[0].get_absolute_url())
                return redirect("plans:enquiries")
    return render(
        request,
        "plans/enquiry_form.html",
        {
            "form": form,
            "has_services": queryset.exists(),
            "message_max_length": MESSAGE_MAX_LENGTH,
        },
        status=status,
    )


def _limit_message(left: int) -> str:
    """Why the enquiry was not sent. The allowance's window starts at its first use, so the
    message says how much is left now rather than when it comes back."""
    hours = enquiry_limits.window() // 3600
    allowed = f"To stop misuse, we allow enquiries to {enquiry_limits.per_account()} services"
    if not left:
        return (
            f"{allowed} in {hours} hours, and you have reached that. "
            "Try again later, or phone the providers."
        )
    return (
        f"{allowed} in {hours} hours. You can ask {left} more "
        f"service{'s' if left != 1 else ''} now: choose fewer."
    )


def _send(user, form, data) -> list[Enquiry] | None:
    """Send the enquiry the form holds; None (with the errors put on the form) if the service
    refuses it."""
    try:
        return services.enquiry_send(
            user=user,
            services=list(data["services"]),
            sender_name=data["sender_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            for_whom=data["for_whom"],
            person_name=data["person_name"],
            needs=data["needs"],
            start=data["start"],
            start_date=data["start_date"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@login_required
@require_http_methods(["GET", "HEAD"])
def enquiry_list(request):
    enquiries = (
        Enquiry.objects.sent_by(request.user)
        .select_related("service__organisation", "service__locality", "organisation")
        .annotate(reply_count=Count("messages"))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(enquiries, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "plans/enquiry_list.html", {"page": page, "enquiries": page.object_list})


def _thread(enquiry: Enquiry):
    return list(enquiry.messages.select_related("author").order_by("created_at", "pk"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enquiry_detail(request, uuid):
    """The person's view of one enquiry, its thread and a box to write again."""
    enquiry = enquiry_for_sender(request, uuid)
    form = MessageForm(posted(request), label="Send another message")
    if request.method == "POST" and form.is_valid():
        try:
            services.enquiry_follow_up(
                user=request.user, enquiry=enquiry, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Your message has been sent to {enquiry.organisation.name}.")
            return redirect(enquiry.get_absolute_url())
    return render(
        request,
        "plans/enquiry_detail.html",
        {
            "enquiry": enquiry,
            "thread": _thread(enquiry),
            "form": form,
            "provider_view": False,
            "message_max_length": MESSAGE_MAX_LENGTH,
        },
    )


# --- provider inbox ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def provider_inbox(request):
    """Every enquiry to the person's organisations made while they were staff, newest first;
    filter by status."""
    organisations = list(Organisation.objects.for_user(request.user).order_by("name"))
    status = request.GET.get("status", "open")
    enquiries = (
        Enquiry.objects.for_provider(request.user)
        .select_related("service", "organisation")
        .annotate(message_count=Count("messages"))
        .order_by("-created_at", "-pk")
    )
    if status == "open":
        enquiries = enquiries.open()
    elif status in Enquiry.Status.values:
        enquiries = enquiries.filter(status=status)
    else:
        status = "all"
    page = Paginator(enquiries, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/provider_inbox.html",
        {
            "organisations": organisations,
            "page": page,
            "enquiries": page.object_list,
            "status": status,
            "statuses": [("open", "Open"), *Enquiry.Status.choices, ("all", "All")],
            "figures": (
                selectors.inbox_figures(organisations, user=request.user) if organisations else None
            ),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def provider_enquiry(request, uuid):
    """The provider's view: the enquiry with the person's contact details, the thread, a reply
    box and 'close'."""
    enquiry = enquiry_for_provider(request, uuid)
    form = MessageForm(posted(request), label="Your reply")
    if request.method == "POST" and form.is_valid():
        try:
            services.enquiry_reply(
                user=request.user, enquiry=enquiry, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your reply has been sent.")
            return redirect(enquiry.get_provider_url())
    return render(
        request,
        "plans/enquiry_detail.html",
        {
            "enquiry": enquiry,
            "thread": _thread(enquiry),
            "form": form,
            "provider_view": True,
            "message_max_length": MESSAGE_MAX_LENGTH,
        },
    )


@login_required
@require_POST
def provider_enquiry_close(request, uuid):
    enquiry = enquiry_for_provider(request, uuid)
    if ConfirmForm(request.POST).is_valid():
        try:
            services.enquiry_close(user=request.user, enquiry=enquiry)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The enquiry has been closed.")
    return redirect(reverse("plans:provider_inbox"))
