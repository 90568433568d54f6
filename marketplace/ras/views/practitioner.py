"""Practitioner mode: record an assessment for a named person, and list one's caseload.

Only practitioners (the Practitioners group, or superusers) reach these pages: anyone else who
is signed in gets the 403 page, and anonymous visitors are asked to sign in. A practitioner
sees the assessments they recorded and those of their teams (ras.permissions), no others.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from core.forms import add_service_errors

from .. import selectors, services
from ..forms import DomainAnswersForm, InvitePersonForm, PersonForm, TeamMoveForm
from ..models import Assessment
from ..permissions import is_practitioner, works_on_assessment
from .public import asks_informal

PER_PAGE = 25


def _require_practitioner(request) -> None:
    if not is_practitioner(request.user):
        raise PermissionDenied


@login_required
def assessment_list(request):
    _require_practitioner(request)
    assessments = (
        Assessment.objects.caseload(request.user)
        .exclude(person_name="")
        .select_related("scheme_version", "locality", "team", "recorded_by")
    )
    page_obj = Paginator(assessments, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "ras/assessment_list.html",
        {"page_obj": page_obj, "teams": list(request.user.practitioner_teams.all())},
    )


@login_required
def assessment_new(request):
    _require_practitioner(request)
    scheme = selectors.active_scheme()
    if scheme is None:
        return render(request, "ras/estimate_unavailable.html")
    domains = selectors.scheme_domains(scheme)
    data = request.POST or None
    person_form = PersonForm(data, teams=list(request.user.practitioner_teams.all()))
    answers_form = DomainAnswersForm(data, domains=domains, ask_informal=asks_informal(domains))
    errors: list[str] = []
    if request.method == "POST":
        person_ok, answers_ok = person_form.is_valid(), answers_form.is_valid()
        if person_ok and answers_ok:
            choices, informal_yes, _, agrees = answers_form.answers()
            try:
                assessment = services.assessment_create(
                    user=request.user,
                    scheme=scheme,
                    person_name=person_form.cleaned_data["person_name"],
                    locality=person_form.cleaned_data["locality"],
                    client_group=person_form.cleaned_data["client_group"],
                    team=person_form.cleaned_data.get("team"),
                    answers=services.AnswerInput(
                        choices=choices, informal=sorted(informal_yes), carer_agrees=bool(agrees)
                    ),
                )
            except ValidationError as error:
                errors = error.messages
            else:
                return redirect("ras:estimate_result", uuid=assessment.uuid)
    sections = [
        (domain, [answers_form[name] for name in answers_form.fields_of(domain)])
        for domain in domains
    ]
    return render(
        request,
        "ras/assessment_new.html",
        {
            "person_form": person_form,
            "form": answers_form,
            "sections": sections,
            "errors": errors,
            "has_errors": bool(errors or person_form.errors or answers_form.errors),
        },
    )


@login_required
def assessment_send(request, uuid):
    """The practitioner who recorded the assessment, or one in its team, e-mails it to the
    person."""
    _require_practitioner(request)
    assessment = get_object_or_404(Assessment, uuid=uuid)
    if not works_on_assessment(request.user, assessment):
        raise Http404("No such assessment.")
    form = InvitePersonForm(request.POST or None, initial={"email": assessment.person_email})
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_invite(
                user=request.user, assessment=assessment, email=form.cleaned_data["email"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"We have emailed {assessment.person_name} a link to their assessment."
            )
            return redirect("ras:estimate_result", uuid=assessment.uuid)
    return render(request, "ras/assessment_send.html", {"assessment": assessment, "form": form})


@login_required
def assessment_team(request, uuid):
    """Move a case to another team (services.assessment_team_move), with its team history."""
    _require_practitioner(request)
    assessment = get_object_or_404(Assessment.objects.select_related("team"), uuid=uuid)
    if not works_on_assessment(request.user, assessment):
        raise Http404("No such assessment.")
    form = TeamMoveForm(request.POST or None, assessment=assessment)
    if request.method == "POST" and form.is_valid():
        try:
            move = services.assessment_team_move(
                user=request.user,
                assessment=assessment,
                team=form.cleaned_data["team"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"The case of {assessment.person_name} is now with {move.to_team_name}, "
                "with its support plans.",
            )
            return redirect("ras:assessment_list")
    history = assessment.team_moves.select_related("moved_by")
    return render(
        request,
        "ras/assessment_team.html",
        {"assessment": assessment, "form": form, "history": history},
        status=400 if form.errors else 200,
    )


urlpatterns = [
    path("budget/assessments/", assessment_list, name="assessment_list"),
    path("budget/assessments/new/", assessment_new, name="assessment_new"),
    path("budget/assessments/<uuid:uuid>/send/", assessment_send, name="assessment_send"),
    path("budget/assessments/<uuid:uuid>/team/", assessment_team, name="assessment_team"),
]
