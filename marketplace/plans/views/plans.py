"""The support plan builder: details and budget, outcomes, lines, status, sharing, print, CSV."""

from __future__ import annotations

import csv
import uuid as uuid_lib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from catalogue.models import Service
from core.forms import add_service_errors
from core.ids import as_id

from .. import selectors, services
from ..context_processors import current_shortlist_ids
from ..forms import (
    AgreeForm,
    ContingencyForm,
    CostBeforeForm,
    InformalLineForm,
    LineEditForm,
    LineOutcomesForm,
    LinePaymentForm,
    MembershipLineForm,
    OneOffLineForm,
    OutcomesForm,
    PALineForm,
    PanelDecisionForm,
    PlanForm,
    ReferForm,
    ServiceLineForm,
    ShareForm,
    route_initial,
)
from ..in_progress import remember_plan_in_progress
from ..models import PlanLine, PlanShare, SupportPlan
from ..permissions import (
    can_agree_plan,
    can_decide_panel,
    can_edit_plan,
    is_panel_member,
    plan_access,
)
from .common import plan_for_editor, plan_for_viewer, posted

TEMPLATES = "plans/"


def _assessment_from(request):
    """The RAS assessment named by ?assessment=<uuid>, if this person may use it."""
    value = request.GET.get("assessment") or request.POST.get("assessment") or ""
    if not value:
        return None
    try:
        from marketplace.ras.models import Assessment
        from marketplace.ras.permissions import works_on_assessment
    except ImportError:  # pragma: no cover
        return None
    try:
        key = uuid_lib.UUID(value)
    except ValueError:
        return None
    assessment = Assessment.objects.filter(uuid=key).first()
    # The assessment's link is its secret (the RAS result page links here); one recorded by
    # someone else is only usable by them, by the practitioners of its team and by the person
    # who opened it from their invitation.
    if assessment is None or (
        assessment.recorded_by_id
        and request.user.pk not in (assessment.recorded_by_id, assessment.person_id)
        and not works_on_assessment(request.user, assessment)
    ):
        return None
    return assessment


@login_required
@require_http_methods(["GET", "HEAD"])
def plan_list(request):
    plans = list(selectors.plans_for(request.user))
    shared_ids = selectors.plan_ids_shared_with(request.user)
    own = [p for p in plans if p.owner_id == request.user.pk]
    shared = [p for p in plans if p.owner_id != request.user.pk and p.pk in shared_ids]
    team = [p for p in plans if p.owner_id != request.user.pk and p.pk not in shared_ids]
    return render(
        request, TEMPLATES + "plan_list.html", {"own": own, "shared": shared, "team": team}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_new(request):
    assessment = _assessment_from(request)
    initial = {"money_management": SupportPlan.MoneyManagement.UNDECIDED}
    if assessment is not None:
        initial.update(
            person_name=assessment.person_name,
            budget=str(assessment.weekly_budget),
            budget_source=SupportPlan.BudgetSource.RAS,
            budget_source_detail=f"Budget calculator result of {assessment.created_at:%-d %B %Y}",
        )
    form = PlanForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.plan_fields()
        if assessment is not None:
            fields["assessment"] = assessment
            if fields["plan_for"] == SupportPlan.PlanFor.CARER:
                # A carer's own plan is costed against the assessment's carer element.
                figure = services.carer_element(assessment)
                if figure is not None:
                    fields["budget"] = figure
                    fields["budget_source"] = SupportPlan.BudgetSource.RAS
        try:
            plan = services.plan_create(user=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The plan for {plan.person_name} has been started.")
            return redirect(plan.get_absolute_url())
    return render(
        request,
        TEMPLATES + "plan_form.html",
        {
            "form": form,
            "assessment": assessment,
            "carer_element": services.carer_element(assessment),
            "plan": None,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def plan_detail(request, uuid):
    plan = plan_for_viewer(request, uuid)
    access = plan_access(request.user, plan)
    can_edit = can_edit_plan(request.user, plan) and plan.is_draft
    if can_edit:
        # Service pages and search results now offer "Add to plan" for this plan.
        remember_plan_in_progress(request, plan)
    return render(
        request,
        TEMPLATES + "plan_detail.html",
        {
            "plan": plan,
            "summary": selectors.plan_summary(plan),
            "access": access,
            "can_edit": can_edit,
            "may_edit": can_edit_plan(request.user, plan),
            "can_agree": can_agree_plan(request.user, plan),
            "can_decide": can_decide_panel(request.user, plan),
            "can_hand_over": access == "owner"
            and plan.assessment is not None
            and plan.assessment.person_id not in (None, request.user.pk),
            "shares": list(selectors.shares_of(plan)) if access == "owner" else [],
            "links": selectors.links_of(plan) if access == "owner" else [],
            "reviews": selectors.reviews_of(plan),
            "history": selectors.history_of(plan),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def plan_print(request, uuid):
    plan = plan_for_viewer(request, uuid)
    return render(
        request,
        TEMPLATES + "plan_print.html",
        {
            "plan": plan,
            "summary": selectors.plan_summary(plan),
            "printed_on": timezone.now(),
            "reviews": selectors.reviews_of(plan),
            "history": selectors.history_of(plan),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def plan_csv(request, uuid):
    plan = plan_for_viewer(request, uuid)
    summary = selectors.plan_summary(plan)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = slugify(f"support plan {plan.person_name}") or "support-plan"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(["Support plan for", _cell(plan.person_name)])
    writer.writerow(["Whose support", plan.get_plan_for_display()])
    writer.writerow(["Status", plan.get_status_display()])
    writer.writerow(["Weekly budget", plan.budget if plan.budget is not None else ""])
    writer.writerow(["Budget source", plan.get_budget_source_display()])
    if plan.agreed_budget is not None:
        writer.writerow(["Personal budget (agreed)", plan.agreed_budget])
        writer.writerow(["Council's share", plan.council_share])
        writer.writerow(["Person's assessed contribution", plan.person_contribution])
        writer.writerow(["Third-party top-up", plan.top_up])
    if plan.cost_before_ras is not None:
        writer.writerow(["Cost of support before the RAS", plan.cost_before_ras])
    writer.writerow(["Money managed by", plan.get_money_management_display()])
    writer.writerow([])
    writer.writerow(["Outcome"])
    for outcome in plan.outcomes:
        writer.writerow([_cell(outcome)])
    writer.writerow([])
    if plan.needs:
        writer.writerow(["Need to be met"])
        for need in plan.needs:
            writer.writerow([_cell(need)])
        writer.writerow([])
    writer.writerow(["If something goes wrong", _cell(plan.contingency)])
    writer.writerow([])
    writer.writerow(
        [
            "Support",
            "Provided by",
            "Price",
            "Unit price",
            "Unit",
            "Quantity a week",
            "Weekly cost",
            "Notes",
            "Paid by",
            "Serves outcomes",
        ]
    )
    for view in summary.lines:
        line = view.line
        informal = line.kind == PlanLine.Kind.INFORMAL
        writer.writerow(
            [
                _cell(line.description),
                _cell(line.provided_by),
                _cell(line.option_label) if not informal else "No cost",
                "" if informal else line.unit_amount,
                "" if informal else line.unit,
                "" if informal else line.quantity,
                view.weekly_cost,
                _cell(" ".join([line.notes, *view.notices]).strip()),
                "" if informal else _cell(line.route_label),
                _cell("; ".join(outcome.text for outcome in line.serves.all())),
            ]
        )
        if line.kind == PlanLine.Kind.PA:
            for part in line.pa_costs.parts:
                source = f" Rate: {part.source} ({line.employer_rates.get('year', '')})"
                writer.writerow(
                    [
                        _cell(f"of which: {part.label}"),
                        "",
                        _cell(part.basis),
                        "",
                        "",
                        "",
                        part.weekly,
                        _cell(source.strip() if part.source else ""),
                    ]
                )
    writer.writerow([])
    writer.writerow(["Weekly total", summary.weekly])
    writer.writerow(["Annual total (52 weeks)", summary.annual])
    if summary.one_offs:
        writer.writerow([])
        writer.writerow(["One-off item", "Provided by", "Cost", "Notes", "Paid by"])
        for view in summary.one_offs:
            line = view.line
            writer.writerow(
                [
                    _cell(line.description),
                    _cell(line.provided_by),
                    line.unit_amount,
                    _cell(line.notes),
                    _cell(line.route_label),
                ]
            )
        writer.writerow(["One-off items in all", summary.one_off_total])
        writer.writerow(["First year's cost (52 weeks and one-off items)", summary.first_year])
    reviews = selectors.reviews_of(plan)
    if reviews:
        writer.writerow([])
        writer.writerow(["Review", "Due", "Status", "Reviewed on", "Decision", "New estimate"])
        for review in reviews:
            writer.writerow(
                [
                    review.get_kind_display(),
                    review.due_on.isoformat(),
                    review.get_status_display(),
                    review.reviewed_on.isoformat() if review.reviewed_on else "",
                    review.get_decision_display(),
                    "" if review.new_estimate is None else review.new_estimate,
                ]
            )
    if summary.routes:
        writer.writerow([])
        writer.writerow(["Paid by", "A week", "A year (52 weeks)", "One-off items"])
        for route in summary.routes:
            writer.writerow([_cell(route.label), route.weekly, route.annual, route.one_off])
    if summary.difference is not None:
        writer.writerow(["Budget left each week", summary.difference])
    history = selectors.history_of(plan)
    if history:
        writer.writerow([])
        writer.writerow(["Step", "When", "Who", "Figure a week", "Reasons"])
        for event in history:
            writer.writerow(
                [
                    event.get_kind_display(),
                    timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M"),
                    _cell(str(event.actor) if event.actor else ""),
                    "" if event.figure is None else event.figure,
                    _cell(event.reasons),
                ]
            )
    return response


def _cell(text: str) -> str:
    """Text that a spreadsheet will not run as a formula (CSV injection)."""
    text = str(text or "")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_edit(request, uuid):
    plan = plan_for_editor(request, uuid)
    initial = {
        "person_name": plan.person_name,
        "plan_for": plan.plan_for,
        "budget": "" if plan.budget is None else str(plan.budget),
        "budget_source": plan.budget_source,
        "budget_source_detail": plan.budget_source_detail,
        "money_management": plan.money_management,
    }
    form = PlanForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(user=request.user, plan=plan, **form.plan_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The plan's details have been saved.")
            return redirect(plan.get_absolute_url())
    return render(
        request, TEMPLATES + "plan_form.html", {"form": form, "plan": plan, "assessment": None}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_outcomes(request, uuid):
    plan = plan_for_editor(request, uuid)
    items = list(plan.outcome_items.all())
    initial = {
        "options": [item.option_id for item in items if item.option_id],
        "outcomes": "\n".join(item.text for item in items if not item.option_id),
        "needs": "\n".join(plan.needs),
    }
    form = OutcomesForm(
        posted(request),
        initial=initial,
        audience=plan.plan_for,
        chosen=[item.option_id for item in items if item.option_id],
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_set_outcomes(
                user=request.user,
                plan=plan,
                outcomes=form.outcome_list(),
                options=form.cleaned_data["options"],
                needs=form.need_list(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The outcomes have been saved.")
            return redirect(plan.get_absolute_url())
    return render(request, TEMPLATES + "plan_outcomes.html", {"form": form, "plan": plan})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_contingency(request, uuid):
    plan = plan_for_editor(request, uuid)
    form = ContingencyForm(posted(request), initial={"contingency": plan.contingency})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_set_contingency(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "What happens if something goes wrong has been saved.")
            return redirect(plan.get_absolute_url())
    return render(request, TEMPLATES + "plan_contingency.html", {"form": form, "plan": plan})


def _choosable_services(request, plan: SupportPlan) -> list[Service]:
    """Services to pick a line from: the shortlist, then services already on the plan."""
    ids = list(current_shortlist_ids(request))
    ids += [pk for pk in plan.lines.values_list("service_id", flat=True) if pk]
    return list(
        Service.objects.visible()
        .filter(pk__in=set(ids))
        .select_related("organisation", "locality")
        .order_by("name")
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_add_service(request, uuid):
    """Step 1 (no ?service): choose a service; step 2: its price and how many a week."""
    plan = plan_for_editor(request, uuid)
    if plan.is_draft:
        remember_plan_in_progress(request, plan)
    service_id = request.GET.get("service", "")
    if as_id(service_id) is None:
        return render(
            request,
            TEMPLATES + "plan_choose_service.html",
            {"plan": plan, "services": _choosable_services(request, plan)},
        )
    service = get_object_or_404(Service.objects.select_related("organisation"), pk=int(service_id))
    form = ServiceLineForm(posted(request), service=service, initial=route_initial(plan))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_add_service_line(
                user=request.user,
                plan=plan,
                service=service,
                price_option=form.cleaned_data["price_option"],
                quantity=form.cleaned_data["quantity"],
                notes=form.cleaned_data["notes"],
                paid_by=form.cleaned_data["paid_by"],
                isf_provider=form.cleaned_data["isf_provider"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{service.public_title} has been added to the plan.")
            return redirect(plan.get_absolute_url())
    visible = Service.objects.visible().filter(pk=service.pk).exists()
    return render(
        request,
        TEMPLATES + "plan_line_form.html",
        {"plan": plan, "service": service, "form": form, "visible": visible},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_add_informal(request, uuid):
    plan = plan_for_editor(request, uuid)
    form = InformalLineForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_add_informal_line(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The support has been added to the plan.")
            return redirect(plan.get_absolute_url())
    return render(request, TEMPLATES + "plan_informal_form.html", {"plan": plan, "form": form})


def _line(plan: SupportPlan, line_id: int) -> PlanLine:
    return get_object_or_404(PlanLine.objects.select_related("plan"), plan=plan, pk=line_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_line_edit(request, uuid, line_id: int):
    plan = plan_for_editor(request, uuid)
    line = _line(plan, line_id)
    if line.kind == PlanLine.Kind.INFORMAL:
        return _informal_line_edit(request, plan, line)
    if line.kind not in (PlanLine.Kind.SERVICE, PlanLine.Kind.PA):
        raise Http404("This line has nothing to change; remove it and add it again.")
    form = LineEditForm(
        posted(request),
        initial={"quantity": line.quantity, "notes": line.notes},
        unit="hour" if line.kind == PlanLine.Kind.PA else line.unit,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update_line(
                user=request.user,
                line=line,
                quantity=form.cleaned_data["quantity"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{line.description} has been changed.")
            return redirect(plan.get_absolute_url())
    return render(
        request, TEMPLATES + "plan_line_edit.html", {"plan": plan, "line": line, "form": form}
    )


def _informal_line_edit(request, plan: SupportPlan, line: PlanLine):
    """Change a no-cost support: what it is, who gives it, its notes."""
    form = InformalLineForm(
        posted(request),
        initial={
            "description": line.description,
            "provided_by": line.provided_by,
            "notes": line.notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update_informal_line(user=request.user, line=line, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{line.description} has been changed.")
            return redirect(plan.get_absolute_url())
    return render(
        request,
        TEMPLATES + "plan_informal_form.html",
        {"plan": plan, "form": form, "line": line},
    )


@login_required
@require_POST
def plan_line_remove(request, uuid, line_id: int):
    plan = plan_for_editor(request, uuid)
    line = _line(plan, line_id)
    try:
        services.plan_remove_line(user=request.user, line=line)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{line.description} has been removed from the plan.")
    return redirect(plan.get_absolute_url())


def _status_change(request, uuid, action, done: str):
    plan = plan_for_viewer(request, uuid)
    try:
        action(user=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(plan.get_absolute_url())


@login_required
@require_POST
def plan_submit(request, uuid):
    return _status_change(
        request, uuid, services.plan_submit, "The plan has been submitted for agreement."
    )


def _sign_off_page(request, plan, *, agree_form, refer_form):
    summary = selectors.plan_summary(plan)
    return render(
        request,
        TEMPLATES + "plan_agree.html",
        {
            "plan": plan,
            "summary": summary,
            "council_funded": selectors.council_funded(plan),
            "may_agree": selectors.may_agree_under_delegation(plan, summary),
            "agree_form": agree_form,
            "refer_form": refer_form,
        },
    )


def _plan_for_agreer(request, uuid) -> SupportPlan:
    plan = plan_for_viewer(request, uuid)
    if not can_agree_plan(request.user, plan):
        raise PermissionDenied
    return plan


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_agree(request, uuid):
    """The practitioner's sign-off page: the verdict, and either agreement under delegated
    authority (with the budget's split) or referral to the panel."""
    plan = _plan_for_agreer(request, uuid)
    form = AgreeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_agree(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "You have agreed the plan.")
            return redirect(plan.get_absolute_url())
    return _sign_off_page(request, plan, agree_form=form, refer_form=ReferForm())


@login_required
@require_POST
def plan_hand_over(request, uuid):
    plan = plan_for_viewer(request, uuid)
    if plan_access(request.user, plan) != "owner":
        raise PermissionDenied
    try:
        services.plan_hand_over(user=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"The plan is now {plan.person_name}'s. You can still see and change it."
        )
    return redirect(plan.get_absolute_url())


@login_required
@require_POST
def plan_refer(request, uuid):
    plan = _plan_for_agreer(request, uuid)
    form = ReferForm(request.POST)
    if form.is_valid():
        try:
            services.plan_refer_to_panel(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The plan has been referred to the panel.")
            return redirect(plan.get_absolute_url())
    return _sign_off_page(request, plan, agree_form=AgreeForm(), refer_form=form)


@login_required
@require_http_methods(["GET", "HEAD"])
def panel_list(request):
    """The plans waiting for the panel, oldest referral first (panel members only)."""
    if not is_panel_member(request.user):
        raise PermissionDenied
    return render(
        request, TEMPLATES + "panel_list.html", {"plans": selectors.panel_queue(request.user)}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_panel(request, uuid):
    plan = plan_for_viewer(request, uuid)
    if not can_decide_panel(request.user, plan):
        raise PermissionDenied
    form = PanelDecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_panel_decide(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The panel's decision has been recorded.")
            return redirect("plans:panel")
    return render(
        request,
        TEMPLATES + "plan_panel.html",
        {
            "plan": plan,
            "summary": selectors.plan_summary(plan),
            "form": form,
            "history": selectors.history_of(plan),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_cost_before(request, uuid):
    plan = _plan_for_agreer(request, uuid)
    initial = {"amount": plan.cost_before_ras} if plan.cost_before_ras is not None else {}
    form = CostBeforeForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_record_cost_before_ras(
                user=request.user, plan=plan, amount=form.cleaned_data["amount"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The cost of support before the RAS has been recorded.")
            return redirect(plan.get_absolute_url())
    return render(request, TEMPLATES + "plan_cost_before.html", {"plan": plan, "form": form})


@login_required
@require_POST
def plan_reopen(request, uuid):
    return _status_change(
        request,
        uuid,
        services.plan_return_to_draft,
        "The plan is a draft again and can be changed.",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_delete(request, uuid):
    plan = plan_for_viewer(request, uuid)
    if plan_access(request.user, plan) != "owner":
        raise PermissionDenied
    if request.method == "POST":
        services.plan_delete(user=request.user, plan=plan)
        messages.success(request, f"The plan for {plan.person_name} has been deleted.")
        return redirect("plans:plans")
    return render(request, TEMPLATES + "plan_delete.html", {"plan": plan})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_share(request, uuid):
    plan = plan_for_viewer(request, uuid)
    if plan_access(request.user, plan) != "owner":
        raise PermissionDenied
    form = ShareForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            share = services.plan_share(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"We have emailed {share.name} a link to the plan.")
            return redirect(plan.get_absolute_url())
    return render(
        request,
        TEMPLATES + "plan_share.html",
        {"plan": plan, "form": form, "shares": list(selectors.shares_of(plan))},
    )


@login_required
@require_POST
def plan_share_revoke(request, uuid, share_id: int):
    plan = plan_for_viewer(request, uuid)
    share = get_object_or_404(PlanShare.objects.select_related("plan"), plan=plan, pk=share_id)
    services.plan_share_revoke(user=request.user, share=share)
    if share.user_id == request.user.pk:
        messages.success(request, "You no longer have access to the plan.")
        return redirect("plans:plans")
    messages.success(request, f"{share.name} can no longer see the plan.")
    return redirect(plan.get_absolute_url())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def share_accept(request, token):
    try:
        key = uuid_lib.UUID(str(token))
    except ValueError as error:
        raise Http404 from error
    share = PlanShare.objects.select_related("plan", "invited_by").filter(token=key).first()
    if share is None:
        return render(request, TEMPLATES + "share_invalid.html", {"reason": ""}, status=404)
    if share.user_id == request.user.pk and share.is_active:
        return redirect(share.plan.get_absolute_url())
    try:
        if request.method != "POST":
            # Opening the link only asks: a mail scanner or a link preview that fetches it must
            # not accept on the person's behalf.
            services.plan_share_check(user=request.user, share=share)
            return render(request, TEMPLATES + "share_accept.html", {"share": share})
        services.plan_share_accept(user=request.user, share=share)
    except ValidationError as error:
        return render(
            request,
            TEMPLATES + "share_invalid.html",
            {"reason": " ".join(error.messages)},
            status=403,
        )
    messages.success(
        request, f"You can now {share.get_access_display().lower()} for {share.plan.person_name}."
    )
    return redirect(share.plan.get_absolute_url())


# --- lines the catalogue does not list (issue 21) ----------------------------------------------


def _add_other_line(request, uuid, *, form_class, add, template: str, extra=None):
    """A form for one kind of line; the service's refusals go on the form (error summary)."""
    plan = plan_for_editor(request, uuid)
    form = form_class(posted(request), initial=route_initial(plan))
    if request.method == "POST" and form.is_valid():
        try:
            line = add(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{line.description} has been added to the plan.")
            return redirect(plan.get_absolute_url())
    context = {"plan": plan, "form": form, **(extra or {})}
    return render(request, TEMPLATES + template, context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_add_pa(request, uuid):
    from ..employer_costs import current_rates

    return _add_other_line(
        request,
        uuid,
        form_class=PALineForm,
        add=services.plan_add_pa_line,
        template="plan_pa_form.html",
        extra={"rates": current_rates()},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_add_membership(request, uuid):
    return _add_other_line(
        request,
        uuid,
        form_class=MembershipLineForm,
        add=services.plan_add_membership_line,
        template="plan_membership_form.html",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_add_one_off(request, uuid):
    return _add_other_line(
        request,
        uuid,
        form_class=OneOffLineForm,
        add=services.plan_add_one_off_line,
        template="plan_one_off_form.html",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_line_payment(request, uuid, line_id: int):
    """Say how a paid line is paid for (direct payment, council, ISF, the person)."""
    plan = plan_for_editor(request, uuid)
    line = _line(plan, line_id)
    if line.kind == PlanLine.Kind.INFORMAL:
        raise Http404("A no-cost support is not paid for.")
    initial = {"paid_by": line.paid_by, "isf_provider": line.isf_provider}
    form = LinePaymentForm(posted(request), initial=initial, line=line)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_set_line_payment(user=request.user, line=line, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{line.description}: {line.route_label}.")
            return redirect(plan.get_absolute_url())
    return render(
        request, TEMPLATES + "plan_line_payment.html", {"plan": plan, "line": line, "form": form}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_line_outcomes(request, uuid, line_id: int):
    """Which of the plan's outcomes a line serves."""
    plan = plan_for_editor(request, uuid)
    line = _line(plan, line_id)
    initial = {"outcomes": list(line.serves.values_list("pk", flat=True))}
    form = LineOutcomesForm(posted(request), initial=initial, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_set_line_outcomes(
                user=request.user, line=line, outcomes=form.cleaned_data["outcomes"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved which outcomes {line.description} serves.")
            return redirect(plan.get_absolute_url())
    return render(
        request, TEMPLATES + "plan_line_outcomes.html", {"plan": plan, "line": line, "form": form}
    )
