"""Validating responses against the official ORUK 3.0 schemas, vendored in the repository at
marketplace/openreferral/oruk-3.0/ (source and licence in its SOURCE.md), so a clone alone passes.

The UK profile's OpenAPI document refers to the object schemas by absolute URLs; every local
file is registered under that base URL in a `referencing.Registry`, so the responses are checked
offline against the very schemas the OpenAPI document names, formats included (uuid, uri,
email, date-time: jsonschema[format-nongpl]).
"""

import json
from functools import cache
from pathlib import Path

from django.conf import settings

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ORUK_DIR = Path(settings.BASE_DIR) / "marketplace" / "openreferral" / "oruk-3.0"
BASE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
OPENAPI_URI = BASE + "openapi.json"


@cache
def registry() -> Registry:
    resources = []
    for path in sorted((ORUK_DIR / "schema").rglob("*.json")):
        uri = BASE + path.relative_to(ORUK_DIR / "schema").as_posix()
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((uri, Resource(contents=contents, specification=DRAFT202012)))
    return Registry().with_resources(resources)


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def response_validator(path: str) -> Draft202012Validator:
    """The validator of the official OpenAPI document's 200 response for GET `path`."""
    pointer = _pointer("paths", path, "get", "responses", "200", "content", "application/json")
    schema = {"$ref": f"{OPENAPI_URI}#/{pointer}/schema"}
    return Draft202012Validator(schema, registry=registry(), format_checker=FormatChecker())


def object_validator(name: str) -> Draft202012Validator:
    """The validator of one schema file, e.g. "compiled/service_at_location.json"."""
    return Draft202012Validator(
        {"$ref": BASE + name}, registry=registry(), format_checker=FormatChecker()
    )


def errors(validator: Draft202012Validator, instance) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(instance)
    ]
