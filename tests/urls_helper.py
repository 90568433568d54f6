"""Every URL of the site that takes no parameters, for the anonymous-visitor and role tests."""

import re

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

PARAMETER = re.compile(r"[<(]")


def _pattern_text(pattern) -> str | None:
    if isinstance(pattern, RoutePattern):
        text = str(pattern)
        return None if "<" in text else text
    if isinstance(pattern, RegexPattern):
        text = pattern.regex.pattern.lstrip("^").rstrip("$").rstrip("\\Z")
        if PARAMETER.search(text) or any(c in text for c in "[]*+?|\\"):
            return None
        return text
    return None


def parameterless_paths(resolver=None, prefix: str = "/") -> list[str]:
    resolver = resolver or get_resolver()
    paths: list[str] = []
    for entry in resolver.url_patterns:
        text = _pattern_text(entry.pattern)
        if text is None:
            continue
        if isinstance(entry, URLResolver):
            paths += parameterless_paths(entry, prefix + text)
        elif isinstance(entry, URLPattern):
            paths.append(prefix + text)
    return sorted(set(paths))
