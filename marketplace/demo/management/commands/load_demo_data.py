"""Load the demo county: pages and advice from marketplace/demo/content/, and demo accounts.

Idempotent: what is already there is left as it is, so editors' changes survive a second run.
Later parts of the product add their own steps (providers, services, reviews, the MPS...).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from wagtail.models import Site

from marketplace.accounts.models import User
from marketplace.accounts.services import user_create
from marketplace.demo.accounts import DEMO_ACCOUNTS
from marketplace.demo.catalogue import load_catalogue
from marketplace.demo.content import ParsedPage, parse_page
from marketplace.demo.ras import load_ras
from marketplace.pages.models import AdviceIndexPage, AdvicePage, HomePage, SiteSettings
from marketplace.pages.services import (
    document_create_from_file,
    page_publish_child,
    site_install_home_page,
)

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"


class Command(BaseCommand):
    help = "Load the demo data (pages, advice and one account per role). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--content", type=Path, default=CONTENT_DIR)
        parser.add_argument(
            "--catalogue",
            choices=["full", "small", "none"],
            default="full",
            help="The demo county's providers: all of them, a dozen (for tests) or none.",
        )

    def handle(self, *args, content: Path, catalogue: str, verbosity: int = 1, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Demo data (with its public passwords) is only for dev and test settings."
            )
        self.verbosity = verbosity
        # Building the demo approves organisations and publishes listings through the real
        # services, which e-mail the (fictional) providers: hundreds of messages that would
        # bury the address and the accounts printed at the end. They go to a local outbox.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self.load(content, catalogue)
        self.say(f"Demo data ready: {self.pages} advice pages.")
        self.print_accounts()

    def load(self, content: Path, catalogue: str) -> None:
        with transaction.atomic():
            home = self.load_home(content)
            pages = self.load_advice(home, content)
            site_pages = self.load_site_pages(home, content)
            self.load_site_settings(site_pages)
            self.load_accounts()
            if catalogue != "none":
                moderator = User.objects.get(email="moderator@caremarket.example")
                listings = load_catalogue(size=catalogue, moderator=moderator)
                self.say(f"Catalogue: {listings}.")
                from marketplace.demo.reviews import load_reviews

                self.say(f"Reviews: {load_reviews(moderator=moderator)}.")
                self.say(f"{load_ras()}.")
                from marketplace.demo.commissioning import load_commissioning

                self.say(f"Commissioning: {load_commissioning()}.")
                from marketplace.demo.plans import load_plans

                self.say(f"Marketplace: {load_plans()}.")
                from marketplace.demo.market_statement import load_market_statement

                self.say(f"Market position statement: {load_market_statement(home=home)}.")
        self.pages = pages

    def say(self, message: str) -> None:
        if self.verbosity:
            self.stdout.write(message)

    def load_home(self, content: Path) -> HomePage:
        site = Site.objects.get(is_default_site=True)
        if isinstance(site.root_page.specific, HomePage):
            return site.root_page.specific
        parsed = parse_page(content / "home.md", content)
        home = HomePage(
            title=parsed.title,
            slug="home",
            summary=parsed.summary,
            intro="".join(value for kind, value in parsed.blocks if kind == "paragraph"),
            seo_title=f"{parsed.title}: find care and support",
        )
        site_install_home_page(site=site, home=home)
        site.site_name = parsed.title
        site.save()
        return home

    def load_advice(self, home: HomePage, content: Path) -> int:
        count = 0
        sections = []
        for folder in sorted((content / "advice").iterdir()):
            if folder.is_dir():
                sections.append((parse_page(folder / "_index.md", content), folder))
        for parsed_index, folder in sorted(sections, key=lambda item: item[0].order):
            index = AdviceIndexPage.objects.child_of(home).filter(slug=parsed_index.slug).first()
            if index is None:
                index = AdviceIndexPage(
                    show_in_menus=True,
                    menu_title=parsed_index.menu_title,
                    **self.fields(parsed_index),
                )
                page_publish_child(parent=home, page=index)
            children = [parse_page(path, content) for path in folder.glob("*.md")]
            for parsed in sorted(children, key=lambda p: (p.order, p.title)):
                if parsed.slug == folder.name:
                    continue  # the _index file
                count += 1
                if not AdvicePage.objects.child_of(index).filter(slug=parsed.slug).exists():
                    page_publish_child(parent=index, page=AdvicePage(**self.fields(parsed)))
        return count

    def load_site_pages(self, home: HomePage, content: Path) -> dict[str, AdvicePage]:
        pages = {}
        for path in sorted((content / "site").glob("*.md")):
            parsed = parse_page(path, content)
            page = AdvicePage.objects.child_of(home).filter(slug=parsed.slug).first()
            if page is None:
                page = AdvicePage(**self.fields(parsed))
                page_publish_child(parent=home, page=page)
            pages[parsed.slug] = page
        return pages

    def fields(self, parsed: ParsedPage) -> dict:
        return {
            "title": parsed.title,
            "slug": parsed.slug,
            "summary": parsed.summary,
            "search_description": parsed.summary,
            "body": [self.raw_block(kind, value) for kind, value in parsed.blocks],
        }

    def raw_block(self, kind: str, value):
        if kind == "download":
            document = document_create_from_file(path=value["path"], title=value["title"])
            value = {"document": document.pk, "title": "", "description": value["description"]}
        return {"type": kind, "value": value}

    def load_site_settings(self, site_pages: dict[str, AdvicePage]) -> None:
        site = Site.objects.get(is_default_site=True)
        site_settings = SiteSettings.for_site(site)
        changed = False
        for field in ("accessibility", "privacy", "cookies"):
            name = f"{field}_page"
            if getattr(site_settings, f"{name}_id") is None and field in site_pages:
                setattr(site_settings, name, site_pages[field])
                changed = True
        if not site_settings.contact_email:
            site_settings.contact_email = "adultcare@westshire.example"
            changed = True
        if changed:
            site_settings.save()

    def load_accounts(self) -> None:
        for email, password, first, last, roles, superuser in DEMO_ACCOUNTS:
            if User.objects.filter(email=email).exists():
                continue
            user = user_create(
                email=email,
                password=password,
                first_name=first,
                last_name=last,
                roles=roles,
                verified=True,
            )
            if superuser:
                user.is_superuser = user.is_staff = True
                user.save(update_fields=["is_superuser", "is_staff"])

    def print_accounts(self) -> None:
        if not self.verbosity:
            return
        self.stdout.write("Demo accounts (e-mail / password):")
        for email, password, _first, _last, roles, superuser in DEMO_ACCOUNTS:
            role = "superuser" if superuser else ", ".join(r.label for r in roles) or "public"
            self.stdout.write(f"  {email:<34} {password:<24} {role}")
