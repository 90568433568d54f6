"""The search page's result cards, rendered in Python.

Twenty cards through templates (each with includes for its shortlist button, review average and
CQC tag, and three URL reversals) cost more than the search itself. This gives the same markup
in one pass: what is the same on every card (the shortlist addresses, the CSRF token, the page
to come back to) is worked out once per page, and the markup is joined as plain strings with
each value escaped once (`_text`), not through format_html, whose per-argument checks cost more
than the rest of a card. The markup follows templates/components/shortlist_button.html,
templates/ratings/_average.html and templates/catalogue/public/cqc_tag.html; change them
together.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape as _escape
from typing import Any

from django.template.defaultfilters import pluralize
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.safestring import SafeData, SafeString

from catalogue.templatetags.catalogue_tags import cqc_tag_class
from ratings.templatetags.ratings_tags import average_number, stars
from search.templatetags.search_tags import card_price, highlight, miles


def _text(value: Any) -> str:
    """`value` as HTML: escaped as Django escapes it (django.utils.html.escape is
    html.escape(str(value))), unless it is already safe (conditional_escape's rule)."""
    if isinstance(value, SafeData):
        return str(value)
    return _escape(str(value))


def review_average(mean: Any, count: int) -> str:
    """As templates/ratings/_average.html."""
    if not count:
        return "No reviews yet"
    return (
        f'<span class="app-stars" aria-hidden="true">{_text(stars(mean))}</span> '
        f"{_text(average_number(mean))}"
        '<span class="govuk-visually-hidden"> out of 5 stars,</span> from '
        f"{_text(count)} review{pluralize(count)}"
    )


def cqc_tag(rating: str, empty: str = "Not rated") -> str:
    """As the cqc_tag template tag (catalogue/public/cqc_tag.html)."""
    css = cqc_tag_class(rating)
    modifier = _text(f" {css}") if css else ""
    return f'<strong class="govuk-tag{modifier}">{_text(rating or empty)}</strong>'


class CardRenderer:
    """Renders result cards for one page; takes the template context of the results."""

    def __init__(self, context: Any) -> None:
        request = context.get("request")
        self.criteria = context.get("criteria")
        self.price_unit = self.criteria.price_unit if self.criteria else ""
        postcode = self.criteria.postcode if self.criteria else None
        self.postcode = _text(postcode.postcode) if postcode else ""
        self.shortlisted = context.get("shortlisted_ids") or ()
        self.plan = context.get("plan_in_progress")
        # As {% csrf_token %} renders it (the same token on every card, as before).
        self.csrf_input = str(CsrfTokenNode().render(context))
        self.next = _text(request.get_full_path()) if request is not None else ""
        self.add_url = _text(reverse("plans:shortlist_add"))
        self.remove_url = _text(reverse("plans:shortlist_remove"))
        self.plan_url = (
            _text(reverse("plans:plan_add_service", args=[self.plan.uuid])) if self.plan else ""
        )
        self.plan_person = _text(self.plan.person_name) if self.plan else ""

    def shortlist_button(self, service_id: int, service_name: str) -> str:
        """As components/shortlist_button.html with card=True."""
        in_shortlist = self._contains(service_id)
        pk = _text(service_id)
        action = self.remove_url if in_shortlist else self.add_url
        label = "Remove from shortlist" if in_shortlist else "Add to shortlist"
        return (
            f'<form method="post" action="{action}" class="app-shortlist-form" id="shortlist-{pk}"'
            f' data-shortlist-live data-add-action="{self.add_url}"'
            f' data-remove-action="{self.remove_url}">\n'
            f"  {self.csrf_input}\n"
            f'  <input type="hidden" name="service" value="{pk}">\n'
            f'  <input type="hidden" name="next" value="{self.next}#service-{pk}">\n'
            '  <button type="submit" class="govuk-button govuk-button--secondary'
            ' govuk-!-margin-bottom-2" data-module="govuk-button"><span data-shortlist-label>'
            f'{label}</span><span class="govuk-visually-hidden">: {_text(service_name)}</span>'
            "</button>\n"
            "</form>"
        )

    def _contains(self, service_id: int) -> bool:
        try:
            return service_id in self.shortlisted
        except TypeError:
            return False

    def card(self, card: Any) -> str:
        """One result: link, provider, snippet, facts, shortlist button, "Add to the plan"."""
        service, hit = card.service, card.hit
        summary = highlight(hit, "summary")
        description = highlight(hit, "description")
        categories = ", ".join(_text(name) for name in card.category_names)
        price = card_price(service, self.price_unit) or "ask the provider"
        meta = [
            f'<span class="govuk-visually-hidden">Type of service: </span>{categories}',
            f"Price: {_text(price)}",
        ]
        if card.distance_km is not None:
            distance = miles(card.distance_km, service.public_location.hidden)
            meta.append(
                f'Distance: {_text(distance)}<span class="govuk-visually-hidden"> from '
                f"{self.postcode}</span>"
            )
        # The newline the included template (ratings/_average.html) ended with.
        meta.append(f"Reviews: {review_average(service.review_mean, service.review_count)}\n")
        if not service.cqc_location_id and not service.cqc_overall:
            cqc = "not registered"
        elif service.cqc_overall:
            cqc = f"{cqc_tag(service.cqc_overall)}\n"
        else:
            cqc = "not yet rated"
        meta.append(f"CQC rating: {cqc}")
        if service.accepting_new_clients is True:
            availability = "Taking new clients"
        elif service.accepting_new_clients is False:
            availability = "Not taking new clients"
        else:
            availability = "Availability not known"
        if service.vacancies is not None:
            availability += f" ({service.vacancies} vacanc{pluralize(service.vacancies, 'y,ies')})"
        meta.append(_text(availability))
        if service.on_council_framework:
            meta.append("On the council's framework")
        before, name, after = service.public_title_parts
        title = before + name + after
        # The name as the backend highlighted the words found in it.
        marked = highlight(hit, "name") or _text(name)
        pk = _text(service.pk)
        plan_link = (
            '\n  <p class="govuk-body-s govuk-!-margin-bottom-0"><a class="govuk-link"'
            f' href="{self.plan_url}?service={pk}">Add to the plan for {self.plan_person}'
            f'<span class="govuk-visually-hidden">: {_text(title)}</span></a></p>'
            if self.plan
            else ""
        )
        snippet = (
            f'\n  <p class="govuk-body-s">&hellip;{description}&hellip;</p>'
            if description and not summary
            else ""
        )
        items = "".join(f'\n    <li class="app-card__meta-item">{item}</li>' for item in meta)
        return (
            f'<li class="app-card" data-service-id="{pk}" id="service-{pk}">\n'
            '  <h3 class="govuk-heading-s app-card__title"><a class="govuk-link"'
            f' href="{_text(service.get_absolute_url())}">{_text(before)}'
            f'<span class="app-card__name">{marked}</span>{_text(after)}</a></h3>\n'
            '  <p class="govuk-body-s govuk-!-margin-bottom-2">'
            f"{_text(service.organisation.name)}</p>\n"
            f'  <p class="govuk-body">{_text(summary or service.summary)}</p>{snippet}\n'
            f'  <ul class="app-card__meta">{items}\n'
            "  </ul>\n"
            f"  {self.shortlist_button(service.pk, title)}{plan_link}\n"
            "</li>\n"
        )

    def cards(self, cards: Iterable[Any]) -> SafeString:
        return SafeString("".join(self.card(card) for card in cards))
