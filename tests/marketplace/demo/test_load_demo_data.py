from pathlib import Path

from django.core.management import CommandError, call_command

from wagtail.models import Page, Site

import pytest

from core.roles import Role
from marketplace.accounts.models import User
from marketplace.demo.accounts import DEMO_ACCOUNTS
from marketplace.demo.content import ContentError, parse_page
from marketplace.pages.models import AdviceIndexPage, AdvicePage, HomePage, SiteSettings

pytestmark = pytest.mark.django_db

AUDIENCES = ["people-who-need-care", "carers", "providers", "care-workers"]


def test_demo_builds_the_site_for_the_four_audiences(demo):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert not Page.objects.filter(depth=2).exclude(pk=site.root_page.pk).exists()
    sections = AdviceIndexPage.objects.child_of(site.root_page).live()
    assert [s.slug for s in sections] == AUDIENCES
    for section in sections:
        assert AdvicePage.objects.child_of(section).live().count() >= 3, section.slug
    for slug in ["personal-budgets-and-direct-payments", "paying-for-care", "choosing-a-provider"]:
        assert AdvicePage.objects.get(slug=slug).live
    assert AdvicePage.objects.get(slug="being-a-provider-on-care-market").live
    site_settings = SiteSettings.for_site(site)
    assert site_settings.accessibility_page.slug == "accessibility"
    assert site_settings.privacy_page.slug == "privacy"
    assert site_settings.cookies_page.slug == "cookies"


def test_demo_accounts_can_sign_in_with_the_printed_passwords(demo, client, capsys):
    call_command("load_demo_data", "--catalogue=small")
    printed = capsys.readouterr().out

    for email, password, _first, _last, roles, superuser in DEMO_ACCOUNTS:
        assert f"{email}" in printed and password in printed
        user = User.objects.get(email=email)
        assert user.is_superuser is superuser
        assert all(user.has_role(role) for role in (Role.PUBLIC, *roles))
        assert client.login(username=email, password=password), email


def test_loading_twice_changes_nothing(demo):
    before = (Page.objects.count(), User.objects.count(), AdvicePage.objects.count())

    call_command("load_demo_data", "--catalogue=small", verbosity=0)

    assert (Page.objects.count(), User.objects.count(), AdvicePage.objects.count()) == before


def test_an_editors_change_survives_a_reload(demo):
    page = AdvicePage.objects.get(slug="paying-for-care")
    page.title = "Paying for your care"
    page.save_revision().publish()

    call_command("load_demo_data", "--catalogue=small", verbosity=0)

    assert AdvicePage.objects.get(slug="paying-for-care").title == "Paying for your care"


def test_demo_data_is_refused_outside_dev_and_test(db, settings):
    settings.DEMO_DATA_ALLOWED = False

    with pytest.raises(CommandError, match="only for dev and test"):
        call_command("load_demo_data", "--catalogue=small", verbosity=0)
    assert not User.objects.exists()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "page.md"
    path.write_text(text)
    return path


def test_content_files_become_blocks(tmp_path):
    (tmp_path / "sheet.csv").write_text("a,b\n")
    path = write(
        tmp_path,
        "---\ntitle: T\nsummary: S\norder: 2\n---\nIntro **bold**.\n\n## First\n\n- one\n- two\n\n"
        "::: warning Careful\nMind the [gap](/gap/).\n:::\n\n"
        "::: related-services Find help\n- Home care | /search/?q=home+care\n:::\n\n"
        "::: download Sheet | sheet.csv\nA sheet.\n:::\n### Later\nEnd.\n",
    )

    page = parse_page(path, tmp_path)

    assert (page.slug, page.title, page.summary, page.order) == ("page", "T", "S", 2)
    kinds = [kind for kind, _ in page.blocks]
    assert kinds == [
        "paragraph",
        "heading",
        "paragraph",
        "callout",
        "related_services",
        "download",
        "heading",
        "paragraph",
    ]
    assert page.blocks[0][1] == "<p>Intro <strong>bold</strong>.</p>"
    assert page.blocks[2][1] == "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
    assert page.blocks[3][1]["style"] == "warning"
    assert page.blocks[3][1]["text"] == '<p>Mind the <a href="/gap/">gap</a>.</p>'
    assert page.blocks[4][1]["links"] == [{"label": "Home care", "query": "home care"}]
    assert page.blocks[6][1] == {"text": "Later", "level": "h3"}
    assert page.downloads == [(tmp_path / "sheet.csv").resolve()]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter", "starts with a --- front-matter block"),
        ("---\ntitle: T\n---\nBody", "needs a summary"),
        ("---\ntitle: T\nsummary: S\n---\n::: callout Hi\nnever closed\n", "never closed"),
        ("---\ntitle: T\nsummary: S\n---\n::: gallery x\n:::\n", "unknown block"),
        ("---\ntitle: T\nsummary: S\n---\n::: download X | ../etc/passwd\n:::\n", "not a file"),
        ("---\ntitle: T\nsummary: S\n---\n::: related-services X\n:::\n", "at least one link"),
    ],
)
def test_bad_content_files_are_refused_with_the_reason(tmp_path, text, message):
    with pytest.raises(ContentError, match=message):
        parse_page(write(tmp_path, text), tmp_path)
