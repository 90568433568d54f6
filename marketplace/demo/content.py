"""Reads the demo's advice content: Markdown files with YAML front matter and ::: blocks.

A file looks like this (see content/advice/ for real ones):

    ---
    title: Paying for care
    summary: One sentence for lists and search results.
    order: 3
    ---
    Markdown paragraphs, lists and ## or ### headings.

    ::: callout A title            (or `warning`)
    Markdown text.
    :::

    ::: related-services Find services
    - Home care | /search/?q=home+care
    :::

    ::: download A title | downloads/file.csv
    :::

    ::: council-contacts          (the council's numbers, from its contact details settings)
    :::

parse_page() turns it into StreamField data for AdvicePage.body; nothing here touches the database,
so downloads come back as paths for the loader to store.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import markdown
import yaml

FENCE_OPEN = re.compile(r"^:::\s*(?P<kind>[a-z-]+)\s*(?P<arg>.*)$")
HEADING = re.compile(r"^(?P<hashes>#{2,3})\s+(?P<text>.+?)\s*#*$")


class ContentError(ValueError):
    pass


@dataclass
class ParsedPage:
    slug: str
    title: str
    summary: str
    order: int
    menu_title: str = ""
    blocks: list[tuple[str, object]] = field(default_factory=list)
    downloads: list[Path] = field(default_factory=list)


def markdown_to_html(text: str) -> str:
    return markdown.markdown(text.strip(), output_format="html")


def _split_front_matter(text: str, source: Path) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        raise ContentError(f"{source}: a content file starts with a --- front-matter block")
    try:
        _, front, body = text.split("---\n", 2)
    except ValueError as exc:
        raise ContentError(f"{source}: the front matter is not closed with ---") from exc
    meta = yaml.safe_load(front) or {}
    for key in ("title", "summary"):
        if not meta.get(key):
            raise ContentError(f"{source}: the front matter needs a {key}")
    return meta, body


def _text_blocks(text: str) -> list[tuple[str, object]]:
    """Split Markdown on ## / ### headings into heading and paragraph blocks."""
    blocks: list[tuple[str, object]] = []
    buffer: list[str] = []

    def flush() -> None:
        chunk = "\n".join(buffer).strip()
        if chunk:
            blocks.append(("paragraph", markdown_to_html(chunk)))
        buffer.clear()

    for line in text.splitlines():
        match = HEADING.match(line)
        if match:
            flush()
            level = "h2" if len(match["hashes"]) == 2 else "h3"
            blocks.append(("heading", {"text": match["text"], "level": level}))
        else:
            buffer.append(line)
    flush()
    return blocks


def _fenced_block(kind: str, arg: str, inner: str, source: Path, root: Path):
    if kind in {"callout", "warning"}:
        return "callout", {
            "style": "warning" if kind == "warning" else "info",
            "title": arg,
            "text": markdown_to_html(inner),
        }
    if kind == "related-services":
        links = []
        for line in inner.splitlines():
            line = line.strip().removeprefix("- ").strip()
            if not line:
                continue
            label, _, url = (part.strip() for part in line.partition("|"))
            query = parse_qs(urlsplit(url).query).get("q", [label])[0]
            links.append({"label": label, "query": query})
        if not links:
            raise ContentError(f"{source}: a related-services block needs at least one link")
        return "related_services", {"heading": arg or "Find services", "links": links}
    if kind == "download":
        title, _, relative = (part.strip() for part in arg.partition("|"))
        path = (root / relative).resolve()
        if not relative or not path.is_file() or root.resolve() not in path.parents:
            raise ContentError(f"{source}: the download {relative!r} is not a file in {root}")
        return "download", {"title": title, "path": path, "description": inner.strip()}
    if kind == "council-contacts":
        return "council_contacts", None
    raise ContentError(f"{source}: unknown block ::: {kind}")


def parse_page(source: Path, root: Path) -> ParsedPage:
    """Parse one content file. `root` is the content folder that download paths are relative to."""
    meta, body = _split_front_matter(source.read_text(encoding="utf-8"), source)
    slug = source.parent.name if source.stem == "_index" else source.stem
    page = ParsedPage(
        slug=slug,
        title=meta["title"],
        summary=meta["summary"],
        order=int(meta.get("order", 0)),
        menu_title=meta.get("menu_title", ""),
    )
    lines = body.splitlines()
    text: list[str] = []
    index = 0
    while index < len(lines):
        match = FENCE_OPEN.match(lines[index])
        if not match:
            text.append(lines[index])
            index += 1
            continue
        try:
            end = lines.index(":::", index + 1)
        except ValueError as exc:
            raise ContentError(
                f"{source}:{index + 1}: ::: {match['kind']} is never closed"
            ) from exc
        page.blocks += _text_blocks("\n".join(text))
        text = []
        kind, value = _fenced_block(
            match["kind"], match["arg"].strip(), "\n".join(lines[index + 1 : end]), source, root
        )
        if kind == "download":
            page.downloads.append(value["path"])
        page.blocks.append((kind, value))
        index = end + 1
    page.blocks += _text_blocks("\n".join(text))
    return page
