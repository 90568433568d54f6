"""Commissioner pages of the RAS: scheme versions (activate, copy), market rates, calibration.

Only Commissioners (and superusers): anonymous visitors are asked to sign in, anyone else gets
the 403 page. The services check again. Schemes are edited in the Wagtail admin; these pages
show what the figures are and what a change would do.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from core.ids import as_id

from .. import calculator, charts, selectors, services
from ..forms import AdoptRateForm, CaseUploadForm, ContractedRateForm, ProposedRateForm
from ..models import CaseImport, ReferenceService, SchemeVersion
from ..permissions import is_commissioner


def _require_commissioner(request) -> None:
    if not is_commissioner(request.user):
        raise PermissionDenied


@login_required
def overview(request):
    _require_commissioner(request)
    versions = list(SchemeVersion.objects.order_by("-version"))
    rows = []
    for scheme in versions:
        rate = selectors.scheme_rate(scheme) if scheme.status != scheme.Status.RETIRED else None
        rows.append(
            {
                "scheme": scheme,
                "rate": rate,
                "problems": services.scheme_problems(scheme) if scheme.is_editable else [],
            }
        )
    return render(request, "ras/commissioning/overview.html", {"rows": rows})


@login_required
@require_POST
def version_activate(request, pk: int):
    _require_commissioner(request)
    scheme = get_object_or_404(SchemeVersion, pk=pk)
    try:
        services.scheme_version_activate(user=request.user, scheme=scheme)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"Version {scheme.version} was not activated: {message}")
    else:
        messages.success(request, f"Version {scheme.version} is now in force.")
    return redirect("ras:commissioning")


@login_required
@require_POST
def version_copy(request, pk: int):
    _require_commissioner(request)
    scheme = get_object_or_404(SchemeVersion, pk=pk)
    copy = services.scheme_version_copy(user=request.user, source=scheme)
    messages.success(
        request, f"Version {copy.version} is a new draft copied from {scheme.version}."
    )
    return redirect("ras:commissioning")


@login_required
@require_POST
def version_freeze(request, pk: int):
    _require_commissioner(request)
    scheme = get_object_or_404(SchemeVersion, pk=pk)
    try:
        services.scheme_rate_freeze(
            user=request.user, scheme=scheme, reason=request.POST.get("reason", "")[:1000]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(
                request, f"The rate of version {scheme.version} was not frozen: {message}"
            )
    else:
        messages.success(
            request, f"The rate of version {scheme.version} is frozen at £{scheme.fixed_rate}."
        )
    return redirect("ras:commissioning")


@login_required
@require_POST
def version_review(request, pk: int):
    _require_commissioner(request)
    scheme = get_object_or_404(SchemeVersion, pk=pk)
    try:
        review = services.rate_review_take(
            user=request.user, scheme=scheme, note=request.POST.get("note", "")[:1000]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(
                request, f"The rate of version {scheme.version} was not reviewed: {message}"
            )
    else:
        messages.success(
            request,
            f"The rate in force for version {scheme.version} is now £{review.money_per_point} "
            "a point. New estimates and assessments use it until the next review.",
        )
    return redirect(f"{reverse('ras:market_rate')}?version={scheme.version}")


def _chosen_scheme(request) -> SchemeVersion | None:
    version = request.GET.get("version", "")
    if as_id(version) is not None:
        return SchemeVersion.objects.filter(version=int(version)).first()
    return selectors.active_scheme() or SchemeVersion.objects.drafts().first()


def _contracted_form(reference: ReferenceService, data=None) -> ContractedRateForm:
    return ContractedRateForm(data, prefix=f"contracted-{reference.pk}")


def _market_rate_page(request, *, scheme=None, bound_form=None, status=200):
    """The market rate page; `bound_form`: a contracted rate form that did not validate, shown
    again with its errors in its reference service's section."""
    scheme = scheme or _chosen_scheme(request)
    references = []
    rate = None
    review = None
    effect = None
    if scheme is not None:
        rate = selectors.scheme_rate(scheme)
        review = selectors.latest_review(scheme)
        if review is not None:
            effect = selectors.review_effect(review.money_per_point, rate.money_per_point)
        for reference_rate in rate.references:
            reference = reference_rate.reference
            form = _contracted_form(reference)
            if bound_form is not None and bound_form.prefix == form.prefix:
                form = bound_form
            references.append(
                {
                    "rate": reference_rate,
                    "localities": selectors.locality_rates(reference, scheme=scheme),
                    "history": selectors.rate_history(reference, iqr_multiple=scheme.iqr_multiple),
                    "contracted_form": form,
                    "contracted_history": selectors.contracted_rate_history(reference),
                }
            )
    return render(
        request,
        "ras/commissioning/market_rate.html",
        {
            "bound_form": bound_form,
            "scheme": scheme,
            "scheme_rate": rate,
            "review": review,
            "effect": effect,
            "effect_size": abs(effect) if effect is not None else None,
            "references": references,
            "versions": SchemeVersion.objects.order_by("-version"),
        },
        status=status,
    )


@login_required
def market_rate(request):
    _require_commissioner(request)
    return _market_rate_page(request)


@login_required
@require_POST
def contracted_rate(request, pk: int):
    """Record the council's contracted rate for a reference service (its category and unit)."""
    _require_commissioner(request)
    reference = get_object_or_404(ReferenceService.objects.select_related("scheme"), pk=pk)
    form = _contracted_form(reference, request.POST)
    if form.is_valid():
        try:
            rate = services.contracted_rate_record(
                user=request.user,
                reference=reference,
                amount=form.cleaned_data["amount"],
                applies_from=form.cleaned_data["applies_from"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(
                request,
                f"The contracted rate for {reference.name.lower()} is £{rate.amount} from "
                f"{rate.applies_from:%-d %B %Y}.",
            )
            return redirect(
                f"{reverse('ras:market_rate')}?version={reference.scheme.version}"
                f"#reference-{reference.pk}"
            )
    return _market_rate_page(request, scheme=reference.scheme, bound_form=form, status=400)


def _calibration_context(request, *, upload_form=None, adopt_form=None) -> dict:
    scheme = selectors.active_scheme()
    imports = list(CaseImport.objects.all())
    case_import = None
    chosen = request.GET.get("cases", "")
    if as_id(chosen) is not None:
        case_import = next((i for i in imports if i.pk == int(chosen)), None)
    source = selectors.AGREED_PLANS if chosen == selectors.AGREED_PLANS else ""
    context: dict = {
        "scheme": scheme,
        "imports": imports,
        "case_import": case_import,
        "source": source,
        "agreed_count": len(selectors.agreed_plan_cases()),
        "upload_form": upload_form or CaseUploadForm(),
        "problems": [],
    }
    if scheme is None:
        context["problems"] = ["There is no scheme in force to calibrate."]
        return context
    rate = selectors.scheme_rate(scheme)
    context["scheme_rate"] = rate
    if rate.money_per_point is None:
        context["problems"] = list(rate.problems)
        return context
    cases = selectors.calibration_cases(case_import=case_import, source=source)
    context["case_count"] = len(cases)
    if not cases:
        return context
    suggested = calculator.rate_through_origin(cases)
    rate_form = ProposedRateForm(
        request.GET if "rate" in request.GET else None,
        initial={"rate": suggested or rate.money_per_point},
    )
    rate_form.fields["rate"].help_text = f"The current rate is £{rate.money_per_point}." + (
        f" The single rate that best fits these cases is £{suggested}." if suggested else ""
    )
    proposed = rate.money_per_point
    if rate_form.is_bound and rate_form.is_valid():
        proposed = rate_form.cleaned_data["rate"]
    elif not rate_form.is_bound and suggested:
        proposed = suggested
    context.update(
        rate_form=rate_form,
        suggested=suggested,
        proposed=proposed,
        adopt_form=adopt_form or AdoptRateForm(prefix="adopt", initial={"rate": proposed}),
    )
    result = calculator.calibrate(
        cases,
        current_rate=rate.money_per_point,
        proposed_rate=proposed,
        tolerance=selectors.scheme_tolerance(scheme),
        floor=scheme.floor,
        ceiling=scheme.ceiling,
    )
    by_group: dict[str, list] = {}
    for case in cases:
        by_group.setdefault(case.client_group, []).append(case)
    context["calibration"] = result
    context["spend_change_abs"] = abs(result.spend_change)
    context["groups"] = [
        {
            "stats": group,
            "chart": charts.scatter(
                by_group[group.client_group],
                rate=rate.money_per_point,
                # Under 10 cases no fitted line is drawn or told.
                fitted=group.line if group.count >= 10 else None,
            ),
            "bands": charts.bands(
                by_group[group.client_group], current=rate.money_per_point, proposed=proposed
            ),
            "index": index,
        }
        for index, group in enumerate(result.groups, start=1)
    ]
    return context


@login_required
def calibration(request):
    _require_commissioner(request)
    return render(request, "ras/commissioning/calibration.html", _calibration_context(request))


@login_required
@require_POST
def calibration_upload(request):
    _require_commissioner(request)
    form = CaseUploadForm(request.POST, request.FILES)
    row_errors: list = []
    if form.is_valid():
        try:
            case_import = services.cases_import(
                user=request.user, name=form.cleaned_data["name"], text=form.cleaned_data["file"]
            )
        except services.CaseImportError as error:
            row_errors = error.row_errors
            form.add_error(
                "file",
                f"{len(row_errors)} row{'s' if len(row_errors) != 1 else ''} of the file "
                "could not be read, so nothing was saved. Correct them and upload it again",
            )
        else:
            messages.success(request, f"{case_import.row_count:,} cases uploaded.")
            return redirect(f"{reverse('ras:calibration')}?cases={case_import.pk}")
    context = _calibration_context(request, upload_form=form)
    context["row_errors"] = row_errors[:100]
    context["more_row_errors"] = max(0, len(row_errors) - 100)
    return render(request, "ras/commissioning/calibration.html", context, status=400)


@login_required
@require_POST
def calibration_adopt(request):
    _require_commissioner(request)
    form = AdoptRateForm(request.POST, prefix="adopt")
    if form.is_valid():
        try:
            draft = services.calibration_adopt_rate(
                user=request.user,
                proposed_rate=form.cleaned_data["rate"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(
                request,
                f"Version {draft.version} is a new draft at £{draft.fixed_rate} a point. "
                "Check it, then activate it to put it in force.",
            )
            return redirect("ras:commissioning")
    context = _calibration_context(request, adopt_form=form)
    return render(request, "ras/commissioning/calibration.html", context, status=400)


urlpatterns = [
    path("commissioning/ras/", overview, name="commissioning"),
    path("commissioning/ras/versions/<int:pk>/activate/", version_activate, name="activate"),
    path("commissioning/ras/versions/<int:pk>/copy/", version_copy, name="copy"),
    path("commissioning/ras/versions/<int:pk>/freeze/", version_freeze, name="freeze"),
    path("commissioning/ras/versions/<int:pk>/review/", version_review, name="review"),
    path("commissioning/ras/market-rate/", market_rate, name="market_rate"),
    path(
        "commissioning/ras/reference-services/<int:pk>/contracted-rate/",
        contracted_rate,
        name="contracted_rate",
    ),
    path("commissioning/ras/calibration/", calibration, name="calibration"),
    path("commissioning/ras/calibration/upload/", calibration_upload, name="calibration_upload"),
    path("commissioning/ras/calibration/adopt/", calibration_adopt, name="calibration_adopt"),
]
