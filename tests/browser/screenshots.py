"""Full-page screenshots of each public page type at desktop (1280px) and mobile (375px) widths.

Not a test: run it against a running server (e.g. `make run`) and look at the pictures.

    .venv/bin/python tests/browser/screenshots.py http://127.0.0.1:8000 /tmp/shots

Uses Debian's Chromium (site_pages.DEFAULT_CHROMIUM_PATH) or CHROMIUM_PATH. Needs the demo
data loaded (`manage.py load_demo_data`) for the signed-in account page. At mobile width it
also takes the home page with the menu opened.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from playwright.sync_api import sync_playwright

from tests.browser.site_pages import (
    CHROMIUM_ARGS,
    DEFAULT_CHROMIUM_PATH,
    INSTALL_HINT,
    PAGES,
    open_case,
)

WIDTHS = {"desktop": (1280, 800), "mobile": (375, 812)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8000")
    parser.add_argument("out_dir", type=Path, help="folder for the PNG files")
    args = parser.parse_args(argv)
    base_url = args.base_url.rstrip("/")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    chromium_path = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM_PATH
    if not Path(chromium_path).is_file():
        print(f"Chromium not found at {chromium_path}: install it with {INSTALL_HINT}")
        return 2

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    try:
        for label, (width, height) in WIDTHS.items():
            for case in PAGES:
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                response = open_case(page, base_url, case)
                path = args.out_dir / f"{case.name}-{label}.png"
                page.screenshot(path=str(path), full_page=True)
                status = response.status if response else "?"
                print(f"{status} {case.name:<26} {label:<8} {path}")
                if label == "mobile" and case.name == "home":
                    toggle = page.locator(".govuk-service-navigation__toggle")
                    if toggle.is_visible():
                        toggle.click()
                        path = args.out_dir / f"{case.name}-{label}-menu-open.png"
                        page.screenshot(path=str(path), full_page=True)
                        print(f"{status} {case.name + ' (menu open)':<26} {label:<8} {path}")
                    else:
                        print("    the mobile menu button is not visible")
                context.close()
    finally:
        browser.close()
        playwright.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
