"""The search page's result cards, rendered in Python.

Twenty cards through templates (each with includes for its shortlist button, review average and
CQC tag, and three URL reversals) cost more than the search itself. This gives the same markup
in one pass: what is the same on every card (the shortlist addresses, the CSRF token, the page
to come back to) is worked out once per page. The markup follows
templates/components/shortlist_button.html, templates/ratings/_average.html and
templates/catalogue/public/cqc_tag.html; change them together.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.template.defaultfilters import pluralize
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from catalogue.templatetags.catalogue_tags import cqc_tag_class
from ratings.templatetags.ratings_tags import average_number, stars
from search.templatetags.search_tags import card_price, highlight, marked_title, miles


def review_average(mean: Any, count: int) -> SafeString:
    """As templates/ratings/_average.html."""
    if not count:
        return SafeString("No reviews yet")
    return format_html(
        '<span class="app-stars" aria-hidden="true">{}</span> {}'
        '<span class="govuk-visually-hidden"> out of 5 stars,</span> from {} review{}',
        stars(mean),
        average_number(mean),
        count,
        pluralize(count),
    )


def cqc_tag(rating: str, empty: str = "Not rated") -> SafeString:
    """As the cqc_tag template tag (catalogue/public/cqc_tag.html)."""
    css = cqc_tag_class(rating)
    return format_html(
        '<strong class="govuk-tag{}">{}</strong>', f" {css}" if css else "", rating or empty
    )


class CardRenderer:
    """Renders result cards for one page; takes the template context of the results."""

    def __init__(self, context: Any) -> None:
        request = context.get("request")
        self.criteria = context.get("criteria")
        self.shortlisted = context.get("shortlisted_ids") or ()
        self.plan = context.get("plan_in_progress")
        # As {% csrf_token %} renders it (the same token on every card, as before).
        self.csrf_input = CsrfTokenNode().render(context)
        self.next = request.get_full_path() if request is not None else ""
        self.add_url = reverse("plans:shortlist_add")
        self.remove_url = reverse("plans:shortlist_remove")
        self.plan_url = (
            reverse("plans:plan_add_service", args=[self.plan.uuid]) if self.plan else ""
        )

    def shortlist_button(self, service_id: int, service_name: str) -> SafeString:
        """As components/shortlist_button.html with card=True."""
        in_shortlist = self._contains(service_id)
        return format_html(
            '<form method="post" action="{}" class="app-shortlist-form" id="shortlist-{}"'
            ' data-shortlist-live data-add-action="{}" data-remove-action="{}">\n'
            "  {}\n"
            '  <input type="hidden" name="service" value="{}">\n'
            '  <input type="hidden" name="next" value="{}#service-{}">\n'
            '  <button type="submit" class="govuk-button govuk-button--secondary'
            ' govuk-!-margin-bottom-2" data-module="govuk-button"><span data-shortlist-label>{}'
            '</span><span class="govuk-visually-hidden">: {}</span></button>\n'
            "</form>",
            self.remove_url if in_shortlist else self.add_url,
            service_id,
            self.add_url,
            self.remove_url,
            self.csrf_input,
            service_id,
            self.next,
            service_id,
            "Remove from shortlist" if in_shortlist else "Add to shortlist",
            service_name,
        )

    def _contains(self, service_id: int) -> bool:
        try:
            return service_id in self.shortlisted
        except TypeError:
            return False

    def card(self, card: Any) -> SafeString:
        """One result: link, provider, snippet, facts, shortlist button, "Add to the plan"."""
        service, hit = card.service, card.hit
        criteria = self.criteria
        summary = highlight(hit, "summary")
        description = highlight(hit, "description")
        categories = ", ".join(escape(category.name) for category in service.categories.all())
        meta = [
            format_html(
                '<span class="govuk-visually-hidden">Type of service: </span>{}',
                SafeString(categories),
            ),
            format_html(
                "Price: {}",
                card_price(service, criteria.price_unit if criteria else "") or "ask the provider",
            ),
        ]
        if card.distance_km is not None:
            meta.append(
                format_html(
                    'Distance: {}<span class="govuk-visually-hidden"> from {}</span>',
                    miles(card.distance_km, service.public_location.hidden),
                    criteria.postcode.postcode if criteria and criteria.postcode else "",
                )
            )
        meta.append(
            # The newline the included template (ratings/_average.html) ended with.
            format_html("Reviews: {}\n", review_average(service.review_mean, service.review_count))
        )
        if not service.cqc_location_id and not service.cqc_overall:
            cqc = SafeString("not registered")
        elif service.cqc_overall:
            cqc = format_html("{}\n", cqc_tag(service.cqc_overall))
        else:
            cqc = SafeString("not yet rated")
        meta.append(format_html("CQC rating: {}", cqc))
        if service.accepting_new_clients is True:
            availability = "Taking new clients"
        elif service.accepting_new_clients is False:
            availability = "Not taking new clients"
        else:
            availability = "Availability not known"
        if service.vacancies is not None:
            availability += f" ({service.vacancies} vacanc{pluralize(service.vacancies, 'y,ies')})"
        meta.append(escape(availability))
        if service.on_council_framework:
            meta.append(SafeString("On the council's framework"))
        title = service.public_title
        plan_link = (
            format_html(
                '\n  <p class="govuk-body-s govuk-!-margin-bottom-0"><a class="govuk-link"'
                ' href="{}?service={}">Add to the plan for {}<span class="govuk-visually-hidden">'
                ": {}</span></a></p>",
                self.plan_url,
                service.pk,
                self.plan.person_name,
                title,
            )
            if self.plan
            else ""
        )
        return format_html(
            '<li class="app-card" data-service-id="{}" id="service-{}">\n'
            '  <h3 class="govuk-heading-s app-card__title"><a class="govuk-link" href="{}">{}</a>'
            "</h3>\n"
            '  <p class="govuk-body-s govuk-!-margin-bottom-2">{}</p>\n'
            '  <p class="govuk-body">{}</p>{}\n'
            '  <ul class="app-card__meta">{}\n'
            "  </ul>\n"
            "  {}{}\n"
            "</li>\n",
            service.pk,
            service.pk,
            service.get_absolute_url(),
            marked_title(service, hit),
            service.organisation.name,
            summary or service.summary,
            format_html('\n  <p class="govuk-body-s">&hellip;{}&hellip;</p>', description)
            if description and not summary
            else "",
            SafeString(
                "".join(
                    format_html('\n    <li class="app-card__meta-item">{}</li>', item)
                    for item in meta
                )
            ),
            self.shortlist_button(service.pk, title),
            plan_link,
        )

    def cards(self, cards: Iterable[Any]) -> SafeString:
        return SafeString("".join(self.card(card) for card in cards))
