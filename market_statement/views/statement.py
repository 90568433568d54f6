"""The statement as readers see it: frozen or live figures, CSV downloads, earlier versions,
consultation comments and e-mail subscriptions.

The page itself is served by Wagtail (MarketPositionStatementPage.get_context calls
statement_context); these views are the statement's other addresses, under
/market-statement/<page id>/.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import add_service_errors
from core.ids import as_id

from .. import services
from ..blocks import DATA_BLOCK_TYPES, FiguresSource
from ..figures import Figures, to_csv
from ..forms import CommentForm
from ..metrics import figures_for
from ..models import MarketPositionStatementPage, StatementVersion, Subscription
from ..permissions import can_comment, can_moderate_comments


def csv_url(page_id: int, block_id: str, *, live: bool, version: StatementVersion | None) -> str:
    url = reverse("market_statement:block_csv", kwargs={"page_id": page_id, "block_id": block_id})
    if live or version is None:
        return f"{url}?figures=live"
    return f"{url}?{urlencode({'version': version.number})}"


def statement_context(request, page: MarketPositionStatementPage, *, version=None) -> dict:
    """What the statement template needs besides the page: where figures come from (frozen
    with the version being read, or live with ?figures=live), the sections with their
    approved comments, the versions, and what this reader may do."""
    live = request.GET.get("figures") == "live"
    preview = bool(getattr(request, "is_preview", False))
    old = version is not None
    if not old and not preview and page.pk:
        version = page.current_version()
    frozen = version.figures if version is not None and not preview else None
    source = FiguresSource(
        frozen=frozen,
        live=live,
        mode="version" if old else "published",
        csv_url=(
            (lambda block_id: csv_url(page.pk, block_id, live=live, version=version))
            if page.pk and not preview
            else None
        ),
    )
    sections = page.sections()
    frozen_key = frozen_blocks_key(page, version, source) if not preview else ""
    for section in sections:
        # Sections whose figures are all frozen render the same for every reader: the
        # template caches their blocks under this key (mps_tags.statement_blocks).
        section.cache_key = (
            f"{frozen_key}:{section.id or '-'}"
            if frozen_key
            and all(
                block.id in source.frozen
                for block in section.blocks
                if block.block_type in DATA_BLOCK_TYPES
            )
            else ""
        )
    if page.pk:
        by_section = defaultdict(list)
        for comment in page.comments.approved():
            by_section[comment.section_id].append(comment)
        for section in sections:
            section.comments = by_section.get(section.id, [])
    user = request.user
    return {
        "mps_source": source,
        "statement_version": version,
        "reading_old_version": old,
        "figures_live": live,
        "is_preview": preview,
        "sections": sections,
        "versions": list(page.versions.only("number", "published_at", "page_id"))
        if page.pk
        else [],
        "consultation_open": page.consultation_is_open(),
        "may_comment": can_comment(user, page),
        "may_moderate": can_moderate_comments(user),
        "subscribed": bool(
            page.pk
            and user.is_authenticated
            and Subscription.objects.filter(page=page, user=user).exists()
        ),
    }


def frozen_blocks_key(
    page: MarketPositionStatementPage, version: StatementVersion | None, source: FiguresSource
) -> str:
    """A digest of what the frozen blocks of this rendering depend on (the body as stored, the
    version whose figures and CSV links they show, the mode), or '' when the figures are live."""
    if source.live or version is None or not page.pk or source.csv_url is None:
        return ""
    parts = [page.pk, version.pk, version.number, source.mode, list(page.body.raw_data)]
    encoded = json.dumps(parts, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def _live_statement(page_id: int) -> MarketPositionStatementPage:
    """The statement with this id, if it is published and public (otherwise 404)."""
    return get_object_or_404(MarketPositionStatementPage.objects.live().public(), pk=page_id)


def block_csv(request, page_id: int, block_id: str):
    """One data block's figures as CSV: frozen with the current version (or ?version=N), or
    live with ?figures=live."""
    page = _live_statement(page_id)
    version_number = request.GET.get("version")
    live = request.GET.get("figures") == "live"
    if version_number and not live:
        if as_id(version_number) is None:
            raise Http404("No such version.")
        version = get_object_or_404(StatementVersion, page=page, number=int(version_number))
        body = version.revision.as_object().body if version.revision else page.body
    else:
        version = None if live else page.current_version()
        body = page.body
    block = next((b for b in body if b.id == block_id), None)
    if block is None or block.block_type not in DATA_BLOCK_TYPES:
        raise Http404("No such figures.")
    frozen = version.figures.get(block_id) if version is not None else None
    figures = (
        Figures.from_dict(frozen)
        if frozen
        else figures_for(block.value.metric_key(), block.value.options())
    )
    return csv_response(figures, f"{page.slug}-{figures.metric}")


def csv_response(figures: Figures, name: str) -> HttpResponse:
    stamp = (figures.as_of or timezone.now().isoformat())[:16].replace(":", "").replace("T", "-")
    response = HttpResponse(to_csv(figures), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response


def version_list(request, page_id: int):
    page = _live_statement(page_id)
    return render(
        request,
        "market_statement/versions.html",
        {"page": page, "statement": page, "versions": page.versions.all()},
    )


def version_detail(request, page_id: int, number: int):
    """An earlier (or the current) published version, with the figures frozen then."""
    page = _live_statement(page_id)
    version = get_object_or_404(StatementVersion, page=page, number=number)
    if version.revision is None:
        raise Http404("That version's text is no longer kept.")
    old_page = version.revision.as_object()
    return TemplateResponse(
        request, old_page.get_template(request), old_page.get_context(request, version=version)
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_create(request, page_id: int, section_id: str):
    page = _live_statement(page_id)
    section = next((s for s in page.sections() if s.id and s.id == section_id), None)
    if section is None:
        raise Http404("No such section.")
    if not can_comment(request.user, page):
        raise PermissionDenied("The consultation is not open.")
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_create(
                user=request.user,
                page=page,
                section_id=section.id,
                text=form.cleaned_data["text"],
                on_behalf_of=form.cleaned_data["on_behalf_of"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Thank you: your comment is sent. It will appear with the statement once a "
                "moderator approves it.",
            )
            return redirect(f"{page.url}#{section.anchor}")
    return render(
        request,
        "market_statement/comment_form.html",
        {"page": page, "statement": page, "section": section, "form": form},
    )


@login_required
@require_POST
def subscription(request, page_id: int):
    page = _live_statement(page_id)
    subscribe = request.POST.get("subscribe") == "yes"
    services.subscription_set(user=request.user, page=page, subscribed=subscribe)
    messages.success(
        request,
        (
            f"We will e-mail {request.user.email} when a new version is published."
            if subscribe
            else "You will no longer get e-mails about new versions."
        ),
    )
    return redirect(page.url)


urlpatterns = [
    path(
        "market-statement/<int:page_id>/figures/<str:block_id>.csv",
        block_csv,
        name="block_csv",
    ),
    path("market-statement/<int:page_id>/versions/", version_list, name="versions"),
    path(
        "market-statement/<int:page_id>/versions/<int:number>/",
        version_detail,
        name="version",
    ),
    path(
        "market-statement/<int:page_id>/sections/<str:section_id>/comment/",
        comment_create,
        name="comment_create",
    ),
    path("market-statement/<int:page_id>/subscription/", subscription, name="subscription"),
]
