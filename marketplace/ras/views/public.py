"""The public "estimate my personal budget" questionnaire: a page a domain, no account needed.

Answers wait in the session (keyed to the scheme version, so a newly activated version starts
afresh); the result is stored as an anonymous Assessment so a support plan can start from it.
A result is shown only to the browser session that made it, to the practitioner who recorded
it and the practitioners of its team, or to the person it is about once they opened the
practitioner's invitation: its link
carries a random UUID, but answers about someone's needs are personal.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from core.money import to_nearest, to_penny

from .. import selectors, services
from ..forms import DomainAnswersForm
from ..models import Assessment, Domain, SchemeVersion
from ..permissions import works_on_assessment
from ..signposts import signposts_for

STATE_KEY = "ras-estimate"
RESULTS_KEY = "ras-results"
MAX_RESULTS_IN_SESSION = 20
# The yearly figure on the result page is rounded to the nearest £10: an estimate, not a sum.
YEARLY_ROUNDING = Decimal("10")


def _scheme_and_domains(request) -> tuple[SchemeVersion | None, list[Domain]]:
    scheme = selectors.active_scheme()
    return scheme, (selectors.scheme_domains(scheme) if scheme else [])


def _unavailable(request):
    return render(request, "ras/estimate_unavailable.html")


def _state(request, scheme: SchemeVersion) -> dict:
    state = request.session.get(STATE_KEY)
    if not isinstance(state, dict) or state.get("scheme") != scheme.pk:
        state = {"scheme": scheme.pk, "choices": {}, "informal": [], "carer_agrees": False}
    return state


def asks_informal(domains: list[Domain]) -> bool:
    """Informal support only counts with a carer's agreement, asked on the carer page."""
    return any(d.kind == Domain.Kind.CARER for d in domains)


def remember_result(request, assessment: Assessment) -> None:
    results = [u for u in request.session.get(RESULTS_KEY, []) if u != str(assessment.uuid)]
    request.session[RESULTS_KEY] = [*results, str(assessment.uuid)][-MAX_RESULTS_IN_SESSION:]


def may_see(request, assessment: Assessment) -> bool:
    if str(assessment.uuid) in request.session.get(RESULTS_KEY, []):
        return True
    user = request.user
    if not user.is_authenticated:
        return False
    return user.pk in (assessment.recorded_by_id, assessment.person_id) or works_on_assessment(
        user, assessment
    )


def estimate_start(request):
    scheme, domains = _scheme_and_domains(request)
    if scheme is None or not domains:
        return _unavailable(request)
    return render(
        request,
        "ras/estimate_start.html",
        {"scheme": scheme, "domains": domains, "first": domains[0]},
    )


def estimate_domain(request, slug: str):
    scheme, domains = _scheme_and_domains(request)
    if scheme is None or not domains:
        return _unavailable(request)
    index = next((i for i, d in enumerate(domains) if d.slug == slug), None)
    if index is None:
        raise Http404("No such page in the questionnaire.")
    domain = domains[index]
    state = _state(request, scheme)
    informal = asks_informal(domains)
    initial = {
        **state["choices"],
        **{f"informal-{key}": True for key in state["informal"]},
        "carer_agrees": "yes" if state.get("carer_agrees") else None,
    }
    form = DomainAnswersForm(
        request.POST or None, domains=[domain], ask_informal=informal, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        choices, informal_yes, informal_no, agrees = form.answers()
        state["choices"].update(choices)
        state["informal"] = sorted((set(state["informal"]) - informal_no) | informal_yes)
        if agrees is not None:
            state["carer_agrees"] = agrees
        request.session[STATE_KEY] = state
        if request.GET.get("change") or index + 1 == len(domains):
            return redirect("ras:estimate_check")
        return redirect("ras:estimate_domain", slug=domains[index + 1].slug)
    back = (
        reverse("ras:estimate_domain", kwargs={"slug": domains[index - 1].slug})
        if index
        else reverse("ras:estimate_start")
    )
    return render(
        request,
        "ras/estimate_domain.html",
        {
            "form": form,
            "domain": domain,
            "step": index + 1,
            "steps": len(domains),
            "back_url": back,
        },
    )


def answer_rows(domains: list[Domain], state: dict) -> list[dict]:
    """Each question with the answer given (or None), for the check-your-answers page."""
    rows = []
    informal = set(state.get("informal", []))
    for domain in domains:
        for question in domain.questions.all():
            chosen = state["choices"].get(question.key)
            option = next((o for o in question.options.all() if o.key == chosen), None)
            rows.append(
                {
                    "domain": domain,
                    "question": question,
                    "answer": option.label if option else None,
                    "informal": question.key in informal,
                }
            )
    return rows


def estimate_check(request):
    scheme, domains = _scheme_and_domains(request)
    if scheme is None or not domains:
        return _unavailable(request)
    state = _state(request, scheme)
    rows = answer_rows(domains, state)
    missing = next((row for row in rows if row["answer"] is None), None)
    if missing is not None:
        # Someone who skips ahead (or whose session expired) goes back to the first gap.
        return redirect("ras:estimate_domain", slug=missing["domain"].slug)
    errors: list[str] = []
    if request.method == "POST":
        try:
            assessment = services.assessment_create(
                user=request.user,
                scheme=scheme,
                answers=services.AnswerInput(
                    choices=state["choices"],
                    informal=state["informal"],
                    carer_agrees=bool(state.get("carer_agrees")),
                ),
            )
        except ValidationError as error:
            errors = error.messages
        else:
            remember_result(request, assessment)
            return redirect("ras:estimate_result", uuid=assessment.uuid)
    return render(
        request,
        "ras/estimate_check.html",
        {
            "rows": rows,
            "errors": errors,
            "carer_agrees": state.get("carer_agrees"),
            "asks_informal": asks_informal(domains),
        },
    )


def estimate_result(request, uuid):
    assessment = get_object_or_404(
        Assessment.objects.select_related("scheme_version", "locality"), uuid=uuid
    )
    if not may_see(request, assessment):
        raise Http404("No such estimate.")
    recomputed = services.assessment_recompute(assessment)
    return render(
        request,
        "ras/estimate_result.html",
        {
            "assessment": assessment,
            "scheme": assessment.scheme_version,
            "points_by_domain": recomputed.score.points_by_domain,
            "budget": recomputed.budget,
            # An estimate read as "about": 52 weeks, to the nearest £10 (YEARLY_ROUNDING).
            "annual": to_nearest(assessment.weekly_budget * 52, YEARLY_ROUNDING),
            "yearly_rounding": YEARLY_ROUNDING,
            "no_budget": assessment.weekly_budget == 0,
            "signposts": signposts_for(assessment),
            "needs_amount": to_penny(assessment.points * assessment.money_per_point),
            "carer_amount": to_penny(assessment.carer_points * assessment.carer_rate),
            "plan_url": f"/plans/new/?assessment={assessment.uuid}",
            # The recorder, or a practitioner in the assessment's team.
            "is_recorder": works_on_assessment(request.user, assessment),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def assessment_invitation(request, token):
    """The person opens the assessment a practitioner sent them: the link only asks (a link
    preview must not accept for them); the button makes it theirs."""
    assessment = Assessment.objects.filter(invitation_token=token).first()
    if assessment is None:
        return render(request, "ras/assessment_invitation_invalid.html", {"reason": ""}, status=404)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if assessment.person_id == request.user.pk:
        return redirect("ras:estimate_result", uuid=assessment.uuid)
    try:
        if request.method != "POST":
            services.assessment_invitation_check(user=request.user, assessment=assessment)
            return render(request, "ras/assessment_invitation.html", {"assessment": assessment})
        services.assessment_claim(user=request.user, assessment=assessment)
    except ValidationError as error:
        return render(
            request,
            "ras/assessment_invitation_invalid.html",
            {"reason": " ".join(error.messages)},
            status=403,
        )
    messages.success(request, "Your assessment is in your account. You can start your plan.")
    return redirect("ras:estimate_result", uuid=assessment.uuid)


urlpatterns = [
    path(
        "budget/assessments/invitations/<uuid:token>/",
        assessment_invitation,
        name="assessment_invitation",
    ),
    path("budget/estimate/", estimate_start, name="estimate_start"),
    path("budget/estimate/check/", estimate_check, name="estimate_check"),
    path("budget/estimate/result/<uuid:uuid>/", estimate_result, name="estimate_result"),
    path("budget/estimate/<slug:slug>/", estimate_domain, name="estimate_domain"),
]
