"""The postcode a person last gave (in search, on a service page or on compare), kept in their
session so that service pages and compare can show distances without asking again.

Only the normalised postcode is kept, never an address; it goes when the session does, or when
the person clears the postcode box on a service page or compare.
"""

from __future__ import annotations

from django.http import HttpRequest

SESSION_KEY = "catalogue:postcode"


def remember_postcode(request: HttpRequest, postcode: str) -> None:
    if request.session.get(SESSION_KEY) != postcode:
        request.session[SESSION_KEY] = postcode


def forget_postcode(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def remembered_postcode(request: HttpRequest) -> str:
    """The postcode last given in this session ('' when none)."""
    return str(request.session.get(SESSION_KEY, ""))


def postcode_data(request: HttpRequest) -> dict[str, str] | None:
    """The form data a distance form is bound to: the postcode in the address if there is one
    (remembered once it is valid, by the caller), else the remembered one, else None."""
    if "postcode" in request.GET:
        return {"postcode": request.GET["postcode"]}
    remembered = remembered_postcode(request)
    return {"postcode": remembered} if remembered else None
