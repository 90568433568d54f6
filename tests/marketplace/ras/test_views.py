"""The RAS pages: the public questionnaire, practitioner mode, commissioner pages, admin."""

import re
from decimal import Decimal as D

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from bs4 import BeautifulSoup

from core.roles import Role
from marketplace.ras import services
from marketplace.ras.models import Assessment, CaseImport, HistoricCase, Question, SchemeVersion
from tests.factories import make_user

from .conftest import FULL_ANSWERS

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def is_sign_in(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- public questionnaire ---------------------------------------------------------------------


def test_without_a_scheme_the_estimate_says_it_is_unavailable(client):
    for url in ("/budget/estimate/", "/budget/estimate/check/", "/budget/estimate/personal-care/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "not available at the moment" in text_of(response)


def answer_everything(client, answers=FULL_ANSWERS, **extra):
    steps = [
        ("personal-care", {"washing": answers["washing"], "dressing": answers["dressing"]}),
        ("safety", {"risk": answers["risk"]}),
        ("carer", {"carer_hours": answers["carer_hours"], "carer_agrees": "no"}),
    ]
    for slug, data in steps:
        response = client.post(f"/budget/estimate/{slug}/", {**data, **extra.get(slug, {})})
        assert response.status_code == 302, text_of(response)
    return response


def test_the_questionnaire_a_page_at_a_time_to_the_estimate(client, scheme):
    start = client.get("/budget/estimate/")
    assert start.status_code == 200
    assert "Personal care" in text_of(start)
    assert 'href="/budget/estimate/personal-care/"' in start.content.decode()

    page = client.get("/budget/estimate/personal-care/")
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.h1.get_text(strip=True) == "Personal care"
    assert "Section 1 of 3" in text_of(page)
    assert len(soup.select("input.govuk-radios__input[name=washing]")) == 3
    assert soup.select("fieldset legend")[0].get_text(strip=True) == (
        "How much help do you need to wash?"
    )

    response = client.post("/budget/estimate/personal-care/", {"washing": "all", "dressing": "all"})
    assert response["Location"] == "/budget/estimate/safety/"
    response = client.post("/budget/estimate/safety/", {"risk": "no"})
    assert response["Location"] == "/budget/estimate/carer/"
    response = client.post("/budget/estimate/carer/", {"carer_hours": "none", "carer_agrees": "no"})
    assert response["Location"] == "/budget/estimate/check/"

    check = client.get("/budget/estimate/check/")
    assert "Check your answers" in text_of(check)
    assert "All of it" in text_of(check)
    assert not Assessment.objects.exists()

    response = client.post("/budget/estimate/check/")
    assessment = Assessment.objects.get()
    assert response["Location"] == f"/budget/estimate/result/{assessment.uuid}/"
    assert assessment.recorded_by is None and assessment.person_name == ""

    result = client.get(response["Location"])
    text = text_of(result)
    assert "£373.44 a week" in text
    assert "This is an estimate, not a decision" in text
    assert "Personal care 12" in text and "Keeping safe 12" in text
    # The public page speaks plainly (issue 17): the money per point and the median it comes
    # from are for practitioners and the commissioner pages (tests/marketplace/ras/
    # test_signposts.py).
    assert "£15.56" not in text and "median of" not in text
    button = BeautifulSoup(result.content, "html.parser").find(
        "a", string="Start a support plan with this budget"
    )
    assert button["href"] == f"/plans/new/?assessment={assessment.uuid}"


def test_a_missing_answer_shows_the_error_summary_and_keeps_the_others(client, scheme):
    response = client.post("/budget/estimate/personal-care/", {"washing": "all"})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    summary = soup.select_one(".govuk-error-summary")
    assert "Select an answer to 'How much help do you need to dress?'" in summary.get_text()
    assert summary.a["href"] == "#id_dressing_0"
    assert soup.select_one("#id_washing_2").has_attr("checked")
    assert soup.title.get_text().startswith("Error:")


def test_an_answer_that_is_not_offered_is_refused(client, scheme):
    response = client.post("/budget/estimate/safety/", {"risk": "9999"})
    assert response.status_code == 200
    assert "Select one of the answers to 'Are you safe alone?'" in text_of(response)


def test_informal_help_counts_only_with_the_carers_agreement(client, scheme):
    answer_everything(client, **{"personal-care": {"informal-washing": "on"}})
    client.post("/budget/estimate/check/")
    assert Assessment.objects.get().points == D(24)
    client.post("/budget/estimate/carer/", {"carer_hours": "none", "carer_agrees": "yes"})
    client.post("/budget/estimate/check/")
    assert Assessment.objects.order_by("-pk").first().points == D(20)


def test_skipping_ahead_goes_back_to_the_first_unanswered_page(client, scheme):
    client.post("/budget/estimate/safety/", {"risk": "no"})
    response = client.get("/budget/estimate/check/")
    assert response["Location"] == "/budget/estimate/personal-care/"
    response = client.post("/budget/estimate/check/")
    assert response["Location"] == "/budget/estimate/personal-care/"
    assert not Assessment.objects.exists()


def test_change_links_return_to_check_your_answers(client, scheme):
    answer_everything(client)
    response = client.post("/budget/estimate/safety/?change=1", {"risk": "yes"})
    assert response["Location"] == "/budget/estimate/check/"


def test_an_unknown_page_is_not_found(client, scheme):
    assert client.get("/budget/estimate/no-such-page/").status_code == 404


def test_a_result_is_only_for_the_session_that_made_it(client, scheme, practitioner):
    answer_everything(client)
    url = client.post("/budget/estimate/check/")["Location"]
    assert client.get(url).status_code == 200
    other = type(client)()
    assert other.get(url).status_code == 404
    other.force_login(practitioner)
    assert other.get(url).status_code == 404
    assert (
        client.get("/budget/estimate/result/00000000-0000-0000-0000-000000000000/").status_code
        == 404
    )


def test_the_estimate_without_reference_prices_says_why(client, scheme, priced_home_care):
    answer_everything(client)
    for option in priced_home_care:
        option.delete()
    # With a rate review in force, prices leaving the catalogue do not stop estimates ...
    assert client.post("/budget/estimate/check/").status_code == 302
    Assessment.objects.all().delete()
    # ... before any review, the live market has no rate and the page says why.
    scheme.rate_reviews.all().delete()
    answer_everything(client)
    response = client.post("/budget/estimate/check/")
    assert response.status_code == 200
    text = text_of(response)
    assert "There is a problem" in text
    assert "There are no current market prices for Home care per hour." in text
    assert not Assessment.objects.exists()


# --- practitioner mode ------------------------------------------------------------------------

PRACTITIONER_URLS = ["/budget/assessments/", "/budget/assessments/new/"]


@pytest.mark.parametrize("url", PRACTITIONER_URLS)
def test_practitioner_pages_are_for_practitioners_only(client, scheme, url):
    assert is_sign_in(client.get(url))
    assert is_sign_in(client.post(url, {"person_name": "X", **FULL_ANSWERS}))
    for role in ((), (Role.COMMISSIONER,), (Role.PROVIDER_STAFF,), (Role.EDITOR,)):
        client.force_login(make_user("", *role))
        assert client.get(url).status_code == 403
        assert client.post(url, {"person_name": "X", **FULL_ANSWERS}).status_code == 403
    assert not Assessment.objects.exists()


def test_a_practitioner_records_an_assessment_for_a_named_person(client, scheme, practitioner):
    client.force_login(practitioner)
    page = client.get("/budget/assessments/new/")
    assert page.status_code == 200
    assert "Name of the person assessed" in text_of(page)
    response = client.post(
        "/budget/assessments/new/",
        {
            "person_name": "Alex Morgan",
            "client_group": "older-people",
            "carer_agrees": "no",
            **FULL_ANSWERS,
        },
    )
    assessment = Assessment.objects.get()
    assert response["Location"] == f"/budget/estimate/result/{assessment.uuid}/"
    assert (assessment.person_name, assessment.recorded_by) == ("Alex Morgan", practitioner)
    assert assessment.get_client_group_display() == "Older people"
    result = client.get(response["Location"])
    assert "Estimated personal budget for Alex Morgan" in text_of(result)


def test_a_practitioners_form_with_problems_is_shown_again(client, scheme, practitioner):
    client.force_login(practitioner)
    response = client.post("/budget/assessments/new/", {"washing": "all"})
    assert response.status_code == 200
    text = text_of(response)
    assert "There is a problem" in text
    assert "Enter the name of the person you are assessing" in text
    assert "Select an answer to 'Are you safe alone?'" in text
    assert not Assessment.objects.exists()


def test_practitioners_see_only_their_own_assessments(
    client, scheme, practitioner, django_assert_max_num_queries
):
    other = make_user("", Role.PRACTITIONER)
    for name in ("Alex Morgan", "Sam Price", "Jo Bloggs"):
        services.assessment_create(
            user=practitioner, person_name=name, answers=services.AnswerInput(choices=FULL_ANSWERS)
        )
    services.assessment_create(
        user=other, person_name="Someone Else", answers=services.AnswerInput(choices=FULL_ANSWERS)
    )
    client.force_login(practitioner)
    with django_assert_max_num_queries(15):
        response = client.get("/budget/assessments/")
    text = text_of(response)
    assert "3 assessments" in text
    assert "Alex Morgan" in text and "Someone Else" not in text
    theirs = Assessment.objects.get(person_name="Someone Else")
    assert client.get(f"/budget/estimate/result/{theirs.uuid}/").status_code == 404


# --- commissioner pages -----------------------------------------------------------------------

COMMISSIONER_GETS = [
    "/commissioning/ras/",
    "/commissioning/ras/market-rate/",
    "/commissioning/ras/calibration/",
]


def commissioner_posts(scheme):
    return [
        (f"/commissioning/ras/versions/{scheme.pk}/activate/", {}),
        (f"/commissioning/ras/versions/{scheme.pk}/copy/", {}),
        (f"/commissioning/ras/versions/{scheme.pk}/freeze/", {"reason": "Budget round"}),
        (f"/commissioning/ras/versions/{scheme.pk}/review/", {"note": "Try"}),
        ("/commissioning/ras/calibration/adopt/", {"adopt-rate": "12.00"}),
        (
            "/commissioning/ras/calibration/upload/",
            {
                "name": "Cases",
                "file": SimpleUploadedFile("c.csv", b"client_group,points,weekly_cost\nA,1,2\n"),
            },
        ),
    ]


@pytest.mark.parametrize("url", COMMISSIONER_GETS)
def test_commissioner_pages_are_for_commissioners_only(client, scheme, commissioner, url):
    assert is_sign_in(client.get(url))
    for role in ((), (Role.PRACTITIONER,), (Role.EDITOR,), (Role.MODERATOR,)):
        client.force_login(make_user("", *role))
        assert client.get(url).status_code == 403
    client.force_login(commissioner)
    assert client.get(url).status_code == 200


def test_commissioner_writes_are_for_commissioners_only(client, scheme):
    versions = SchemeVersion.objects.count()
    reviews = scheme.rate_reviews.count()
    for url, data in commissioner_posts(scheme):
        assert is_sign_in(client.post(url, data))
        for role in ((), (Role.PRACTITIONER,), (Role.EDITOR,)):
            client.force_login(make_user("", *role))
            assert client.post(url, data).status_code == 403, url
        client.logout()
    assert SchemeVersion.objects.count() == versions
    assert scheme.rate_reviews.count() == reviews
    assert not CaseImport.objects.exists()


def test_overview_copies_and_activates_versions(client, scheme, commissioner):
    client.force_login(commissioner)
    page = client.get("/commissioning/ras/")
    assert "Version 1: Test RAS Active" in text_of(page)
    assert "£15.56 (follow market prices)" in text_of(page)
    response = client.post(f"/commissioning/ras/versions/{scheme.pk}/copy/")
    assert response["Location"] == "/commissioning/ras/"
    draft = SchemeVersion.objects.get(version=2)
    assert client.get(f"/commissioning/ras/versions/{draft.pk}/activate/").status_code == 405
    response = client.post(f"/commissioning/ras/versions/{draft.pk}/activate/", follow=True)
    assert "Version 2 is now in force." in text_of(response)
    scheme.refresh_from_db()
    assert scheme.status == "retired"
    response = client.post(f"/commissioning/ras/versions/{scheme.pk}/activate/", follow=True)
    assert "Version 1 was not activated: Only a draft version can be activated." in text_of(
        response
    )


def test_market_rate_page(client, scheme, commissioner):
    client.force_login(commissioner)
    text = text_of(client.get("/commissioning/ras/market-rate/"))
    assert "Money per point in version 1 at today's prices: £15.56 a week" in text
    assert "Current rate (median) £15.56 per hour" in text
    assert "Services behind it 5" in text
    assert "Quartiles £15 to £16.20" in text
    assert "How the rate of home care per hour moved over the last 12 months" in text


def test_market_rate_page_shows_the_rate_in_force_beside_if_reviewed_today(
    client, scheme, commissioner, priced_home_care
):
    from catalogue import services as catalogue

    for option in priced_home_care:
        catalogue.price_option_save(
            user=option.service.organisation.memberships.first().user,
            service=option.service,
            option=option,
            label=option.label,
            amount=option.amount + 2,
            unit="hour",
        )
    client.force_login(commissioner)
    page = BeautifulSoup(client.get("/commissioning/ras/market-rate/").content, "html.parser")
    rows = {
        " ".join(row.dt.get_text().split()): " ".join(row.dd.get_text().split())
        for row in page.select("#rate-in-force .govuk-summary-list__row")
    }
    assert rows["Rate in force"].startswith("£15.56 a point, from the rate review of")
    # £17.56 against £15.56: (17.56 - 15.56) / 15.56 = 12.85...% -> 12.9%.
    assert rows["If reviewed today"] == (
        "£17.56 a point: every indicative budget would be 12.9% higher"
    )
    response = client.post(
        f"/commissioning/ras/versions/{scheme.pk}/review/", {"note": "Quarterly"}, follow=True
    )
    assert "The rate in force for version 1 is now £17.56 a point." in text_of(response)
    page = BeautifulSoup(response.content, "html.parser")
    in_force = " ".join(page.select_one("#rate-in-force dd").get_text().split())
    assert in_force.startswith("£17.56 a point") and in_force.endswith(": Quarterly")


def test_market_rate_page_lists_which_prices_counted(
    client, scheme, commissioner, priced_home_care, django_assert_max_num_queries
):
    from catalogue import services as catalogue

    weekday = priced_home_care[0]
    catalogue.price_option_save(
        user=weekday.service.organisation.memberships.first().user,
        service=weekday.service,
        label="Bank holidays",
        amount=D("30.00"),
        unit="hour",
        kind="bank-holidays",
    )
    client.force_login(commissioner)
    with django_assert_max_num_queries(40):
        page = BeautifulSoup(client.get("/commissioning/ras/market-rate/").content, "html.parser")
    table = page.select_one(f"#counted-{scheme.reference_services.get().pk}")
    rows = {
        row.th.a.get_text(strip=True): [
            " ".join(td.get_text(" ", strip=True).split()) for td in row.select("td")
        ]
        for row in table.select("tbody tr")
    }
    assert len(rows) == 5
    assert rows[weekday.service.name] == [
        "Weekday: £14 (standard) Bank holidays: £30 (bank holidays)",
        "£14",
        "Counted",
    ]
    # The bank holiday price does not move the rate: still the median of five services.
    assert "Current rate (median) £15.56 per hour" in " ".join(page.get_text(" ").split())


def test_market_rate_page_without_prices_says_so(client, scheme, commissioner, priced_home_care):
    for option in priced_home_care:
        option.delete()
    client.force_login(commissioner)
    text = text_of(client.get("/commissioning/ras/market-rate/"))
    assert "There are no current prices for this reference service." in text
    assert "There are no current market prices for Home care per hour." in text


CASES = (
    "client_group,points,weekly_cost\n"
    + "".join("Learning disability,24,373.53\n" for _ in range(27))
    + "".join("Learning disability,24,580.00\n" for _ in range(3))
    # Four times the same three older people's cases: the same fitted line, and enough cases
    # (10 or more) for the page to show a line and R squared.
    + "Older people,10,150.00\nOlder people,20,320.00\nOlder people,30,450.00\n" * 4
)


def upload(client, text=CASES, name="Pilot"):
    return client.post(
        "/commissioning/ras/calibration/upload/",
        {"name": name, "file": SimpleUploadedFile("cases.csv", text.encode())},
    )


def test_calibration_upload_and_charts(client, scheme, commissioner):
    client.force_login(commissioner)
    assert "There are no historic cases yet" in text_of(
        client.get("/commissioning/ras/calibration/")
    )
    response = upload(client)
    case_import = CaseImport.objects.get()
    assert response["Location"] == f"/commissioning/ras/calibration/?cases={case_import.pk}"
    assert HistoricCase.objects.count() == 42

    page = client.get(f"/commissioning/ras/calibration/?cases={case_import.pk}&rate=15.56")
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    text = text_of(page)
    assert "90.0% (27)" in text  # learning disability, within 5% of £373.44
    svgs = soup.select("svg[role=img]")
    assert len(svgs) == 2
    assert svgs[0].title.get_text().startswith("Learning disability")
    assert "Scatter chart of 30 cases" in svgs[0].desc.get_text()
    assert svgs[1].select("line[stroke-dasharray]")  # the fitted line
    assert "fitted line is weekly cost = £6.67 + £15 a point" in text
    assert soup.find("caption", string=re.compile("Older people: the chart's data"))


@pytest.mark.parametrize(
    "rate, message",
    [
        ("0", "The proposed rate must be more than zero"),
        ("-3", "The proposed rate must be more than zero"),
        ("lots", "Enter the proposed rate as a number of pounds, like 15.56"),
        ("1.234", "Enter the rate to the penny, like 15.56"),
    ],
)
def test_calibration_refuses_a_bad_proposed_rate(client, scheme, commissioner, rate, message):
    client.force_login(commissioner)
    upload(client)
    page = client.get(f"/commissioning/ras/calibration/?rate={rate}")
    assert page.status_code == 200
    summary = BeautifulSoup(page.content, "html.parser").select_one(".govuk-error-summary")
    assert message in summary.get_text()


def test_a_csv_with_bad_rows_lists_them_and_saves_nothing(client, scheme, commissioner):
    client.force_login(commissioner)
    response = upload(client, "client_group,points,weekly_cost\nA,1,2\nB,x,3\n,2,2\n")
    assert response.status_code == 400
    text = text_of(response)
    assert "2 rows of the file could not be read, so nothing was saved" in text
    assert "3 Points 'x' is not a number." in text
    assert "4 The client group is missing." in text
    assert not HistoricCase.objects.exists()
    response = client.post(
        "/commissioning/ras/calibration/upload/",
        {"name": "Bad", "file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad")},
    )
    assert "The file must be a CSV saved as UTF-8" in text_of(response)


def test_adopt_the_proposed_rate(client, scheme, commissioner):
    client.force_login(commissioner)
    upload(client)
    response = client.post(
        "/commissioning/ras/calibration/adopt/", {"adopt-rate": "14.20", "adopt-reason": "Fits"}
    )
    assert response["Location"] == "/commissioning/ras/"
    draft = SchemeVersion.objects.get(version=2)
    assert (draft.status, draft.rate_mode, draft.fixed_rate) == ("draft", "manual", D("14.20"))
    for bad in ("0", "-1", ""):
        response = client.post("/commissioning/ras/calibration/adopt/", {"adopt-rate": bad})
        assert response.status_code == 400
        assert "There is a problem" in text_of(response)
    assert SchemeVersion.objects.count() == 2


# --- the Wagtail admin ------------------------------------------------------------------------


def test_only_commissioners_edit_schemes_in_the_admin(client, scheme, commissioner):
    urls = [
        reverse("ras_schemes:index"),
        reverse("ras_schemes:edit", args=[scheme.pk]),
        reverse("ras_questions:index"),
    ]
    for role in (Role.EDITOR, Role.MODERATOR):
        client.force_login(make_user("", role))
        for url in urls:
            response = client.get(url)
            assert response.status_code in (302, 403), url
            assert response.status_code == 403 or "/admin/" in response["Location"]
    client.force_login(commissioner)
    for url in urls:
        assert client.get(url).status_code == 200, url
    dashboard = client.get("/admin/").content.decode()
    assert "Budgets (RAS)" in dashboard
    assert "/commissioning/ras/calibration/" in dashboard


def test_a_version_in_use_cannot_be_changed_in_the_admin(client, scheme, commissioner):
    client.force_login(commissioner)
    question = Question.objects.filter(domain__scheme=scheme).first()
    delete_url = reverse("ras_questions:delete", args=[question.pk])
    # Wagtail answers a refused permission with a redirect to the dashboard and a message.
    for response in (client.get(delete_url), client.post(delete_url)):
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert Question.objects.filter(pk=question.pk).exists()
    edit = client.post(
        reverse("ras_questions:edit", args=[question.pk]),
        {
            "domain": question.domain_id,
            "key": question.key,
            "text": "Changed",
            "sort_order": 0,
            "informal_reduction_percent": "0",
            "options-TOTAL_FORMS": "0",
            "options-INITIAL_FORMS": "0",
            "options-MIN_NUM_FORMS": "0",
            "options-MAX_NUM_FORMS": "1000",
        },
    )
    assert edit.status_code == 200  # the form again, with the reason
    assert "in use; copy it to a new draft" in edit.content.decode()
    question.refresh_from_db()
    assert question.text != "Changed"
    draft = services.scheme_version_copy(user=commissioner, source=scheme, name="Next year")
    response = client.get(reverse("ras_schemes:edit", args=[draft.pk]))
    assert response.status_code == 200
    assert "Next year" in response.content.decode()


def form_data(response, form_selector="form[method=post]") -> dict:
    """The values a browser would send for the page's main form, as it stands."""
    soup = BeautifulSoup(response.content, "html.parser")
    form = max(soup.select(form_selector), key=lambda f: len(f.select("input, select, textarea")))
    data: dict = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        name = field["name"]
        if field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            data[name] = chosen.get("value", "") if chosen else ""
        elif field.name == "textarea":
            data[name] = field.get_text()
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.get("type") not in ("submit", "button", "file"):
            data[name] = field.get("value", "")
    return data


def test_a_commissioner_edits_a_draft_in_the_admin(client, scheme, commissioner):
    draft = services.scheme_version_copy(user=commissioner, source=scheme, name="Draft")
    client.force_login(commissioner)
    url = reverse("ras_schemes:edit", args=[draft.pk])
    data = form_data(client.get(url))
    assert data["reference_services-TOTAL_FORMS"] == "1"
    assert data["domains-TOTAL_FORMS"] == "3"
    data.update({"name": "Next year", "tolerance_above_percent": "7.5"})
    response = client.post(url, data)
    assert response.status_code == 302, text_of(response)[:3000]
    draft.refresh_from_db()
    assert (draft.name, draft.tolerance_above_percent) == ("Next year", D("7.5"))
    # The same form on the active version is refused with the reason, and nothing changes.
    url = reverse("ras_schemes:edit", args=[scheme.pk])
    data = form_data(client.get(url))
    data["name"] = "Sneaky"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "in use; copy it to a new draft" in response.content.decode()
    scheme.refresh_from_db()
    assert scheme.name == "Test RAS"


def test_freezing_a_drafts_rate_from_the_overview(client, scheme, commissioner):
    draft = services.scheme_version_copy(user=commissioner, source=scheme)
    client.force_login(commissioner)
    assert "Freeze the rate at £15.56" in text_of(client.get("/commissioning/ras/"))
    url = f"/commissioning/ras/versions/{draft.pk}/freeze/"
    response = client.post(url, {"reason": ""}, follow=True)
    assert "was not frozen: Say why the rate is frozen." in text_of(response)
    response = client.post(url, {"reason": "Budget round"}, follow=True)
    assert "is frozen at £15.56" in text_of(response)
    draft.refresh_from_db()
    assert (draft.rate_mode, draft.fixed_rate, draft.rate_reason) == (
        "frozen",
        D("15.56"),
        "Budget round",
    )


def test_a_question_hint_is_shown_as_text_never_as_markup(client, scheme):
    """Security review (issue 18, item 4): hints are editable by commissioners in the admin and
    the shared field template rendered them with |safe, so a hint's script ran on the public
    estimate pages."""
    Question.objects.filter(key="washing").update(
        hint='<script>alert("hint")</script><img src=x onerror=alert(1)>'
    )
    page = client.get("/budget/estimate/personal-care/")

    html = page.content.decode()
    assert '<script>alert("hint")' not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;hint&quot;)&lt;/script&gt;" in html


# --- issue 18: hostile calibration files ---------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        # A field over the csv module's 128 KB limit was a server error.
        (
            'client_group,points,weekly_cost\nOlder people,10,150.00\n"'
            + "x" * 140_000
            + '",1,2\n',
            "This row could not be read",
        ),
        ("client_group,points,weekly_cost\nOlder\x07 people,10,150.00\n", "control characters"),
        ("client_group,points,weekly_cost\nOlder\x1b[31m people,10,150.00\n", "control characters"),
    ],
)
def test_a_hostile_calibration_file_is_refused_not_a_server_error(
    client, scheme, commissioner, text, message
):
    client.force_login(commissioner)
    response = upload(client, text)
    assert response.status_code == 400
    assert message in text_of(response)
    assert not CaseImport.objects.exists()


def test_calibration_shows_client_groups_by_name_not_code(client, scheme, commissioner):
    # Issue 20: an uploaded set showed raw codes such as "learning-disability".
    from catalogue.models import ClientGroup
    from marketplace.ras.selectors import group_name

    ClientGroup.objects.update_or_create(
        slug="learning-disability", defaults={"name": "Learning disability"}
    )
    client.force_login(commissioner)
    text = (
        "client_group,points,weekly_cost\n"
        + "".join("learning-disability,24,373.53\n" for _ in range(3))
        + "".join("Learning disability,20,320.00\n" for _ in range(2))
        + "mental-health,10,150.00\nmental-health,20,300.00\n"
    )
    upload(client, text)

    page = BeautifulSoup(client.get("/commissioning/ras/calibration/").content, "html.parser")

    groups = [h.get_text(strip=True) for h in page.select("h2[id^=group-]")]
    assert groups == ["Learning disability", "Mental health"] or groups == [
        "Mental health",
        "Learning disability",
    ]
    assert "learning-disability" not in page.get_text()
    assert group_name("Older people", {}) == "Older people"
