"""The demo county's market position statement, built through market_statement.services from
content/market_statement/statement.yaml (see the comments there for the block format).

Two publications: the `earlier` edition (version 1) and the current one (version 2), each
with its figures frozen from the demo catalogue; then the consultation: comments from demo
accounts (approved with a commissioner's reply, approved, and one waiting for moderation) and
the demo provider subscribed to new versions. Idempotent: an existing statement is left alone.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

import yaml

from market_statement import services
from market_statement.models import MarketPositionStatementPage
from marketplace.accounts.models import User
from marketplace.demo.content import markdown_to_html
from marketplace.pages.services import page_publish_child

CONTENT = Path(__file__).resolve().parent / "content" / "market_statement" / "statement.yaml"
COMMISSIONER_EMAIL = "commissioner@caremarket.example"
MODERATOR_EMAIL = "moderator@caremarket.example"
FIGURE_BLOCKS = {
    "supply": "supply_figures",
    "price": "price_figures",
    "quality": "quality_figures",
    "gaps": "gap_figures",
    "demand": "demand_figures",
    "ras": "ras_figures",
    "plans": "plan_review_figures",
}


def _figures(spec: dict) -> dict[str, Any]:
    block = FIGURE_BLOCKS[spec["block"]]
    value: dict[str, Any] = {
        "heading": spec["heading"],
        "commentary": markdown_to_html(spec["commentary"]) if spec.get("commentary") else "",
    }
    if block == "plan_review_figures":
        return {"type": block, "value": value}
    if block == "ras_figures":
        value["period_months"] = str(spec.get("period_months", 12))
        return {"type": block, "value": value}
    value["category"] = spec.get("category", "")
    if block == "gap_figures":
        value["distance_km"] = int(spec.get("distance_km", 10))
    else:
        value["metric"] = spec["metric"]
        value["locality"] = spec.get("locality", "")
        if block != "quality_figures":
            value["period_months"] = str(spec.get("period_months", 12))
    return {"type": block, "value": value}


def stream(items: list[dict]) -> list[dict[str, Any]]:
    """statement.yaml's blocks as StreamField data."""
    blocks: list[dict[str, Any]] = []
    for item in items:
        [(kind, spec)] = item.items()
        if kind == "heading":
            blocks.append({"type": "heading", "value": {"text": spec, "level": "h2"}})
        elif kind == "text":
            blocks.append({"type": "paragraph", "value": markdown_to_html(spec)})
        elif kind == "callout":
            blocks.append(
                {
                    "type": "callout",
                    "value": {
                        "style": "info",
                        "title": spec["title"],
                        "text": markdown_to_html(spec["text"]),
                    },
                }
            )
        elif kind == "frame":
            columns = [
                {
                    key: markdown_to_html(column[key]) if key != "title" else column[key]
                    for key in column
                }
                for column in spec["columns"]
            ]
            blocks.append(
                {"type": "market_frame", "value": {"caption": spec["caption"], "columns": columns}}
            )
        elif kind == "intentions":
            intentions = [
                {
                    "title": i["title"],
                    "text": markdown_to_html(i["text"]),
                    "timescale": str(i.get("timescale", "")),
                }
                for i in spec
            ]
            blocks.append(
                {
                    "type": "intentions",
                    "value": {"heading": "What we intend to commission", "intentions": intentions},
                }
            )
        elif kind == "figures":
            blocks.append(_figures(spec))
        else:
            raise ValueError(f"{CONTENT}: unknown block {kind!r}")
    return blocks


def load_market_statement(*, home, path: Path = CONTENT) -> str:
    """Publish the demo statement under `home` (twice: an earlier and the current version)."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    if MarketPositionStatementPage.objects.filter(slug=spec["slug"]).exists():
        return "already loaded"
    commissioner = User.objects.filter(email=COMMISSIONER_EMAIL).first()
    earlier = spec["earlier"]
    page = MarketPositionStatementPage(
        title=earlier["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        search_description=spec["summary"],
        intro=markdown_to_html(spec["intro"]),
        body=stream(earlier["body"]),
        contact_email=spec.get("contact_email", ""),
    )
    # The council's web team creates the page; commissioners then edit and publish it.
    page_publish_child(parent=home, page=page)
    services.statement_grant_commissioners(page=page)
    today = timezone.localdate()
    page.title = spec["title"]
    page.body = stream(spec["body"])
    page.consultation_opens = today + timedelta(days=spec["consultation"]["opens"])
    page.consultation_closes = today + timedelta(days=spec["consultation"]["closes"])
    version = services.statement_publish(page=page, user=commissioner)
    comments = _load_comments(page, spec.get("comments", []), commissioner)
    provider = User.objects.filter(email="provider@caremarket.example").first()
    if provider:
        services.subscription_set(user=provider, page=page, subscribed=True)
    return f"version {version.number} published, {comments} consultation comments"


def _load_comments(page: MarketPositionStatementPage, specs: list[dict], commissioner) -> int:
    moderator = User.objects.filter(email=MODERATOR_EMAIL).first() or commissioner
    sections = {section.title: section.id for section in page.sections() if section.id}
    count = 0
    for spec in specs:
        author = User.objects.filter(email=spec["by"]).first()
        if author is None or spec["section"] not in sections:
            continue
        comment = services.comment_create(
            user=author,
            page=page,
            section_id=sections[spec["section"]],
            text=spec["text"],
            on_behalf_of=spec.get("on_behalf_of", ""),
        )
        count += 1
        if spec.get("pending") or moderator is None:
            continue
        services.comment_moderate(moderator=moderator, comment=comment, approve=True)
        if spec.get("reply") and commissioner is not None:
            services.comment_reply(commissioner=commissioner, comment=comment, text=spec["reply"])
    return count
