"""What search engines read on a vacancy's page: a schema.org JobPosting (JSON-LD), in the
page's language, and the page's description for link previews."""

import json
import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language

from jobboard.identity import organisation_name

from .markup import notice_html
from .models import Vacancy

EMPLOYMENT_TYPES = {"full-time": "FULL_TIME", "part-time": "PART_TIME"}
SALARY_UNITS = {"monthly": "MONTH", "yearly": "YEAR", "hourly": "HOUR"}
# Who may apply, as notices say it: "applications from nationals of NATO member countries";
# the whole sentence around it is taken.
_WHO_MAY_APPLY = re.compile(
    r"applications from nationals of|candidatures de ressortissant", re.IGNORECASE
)
DESCRIPTION_LENGTH = 160


def job_posting(vacancy: Vacancy, *, page_url: str, logo_url: str) -> dict[str, Any]:
    """The vacancy as a schema.org JobPosting, its texts in the active language."""
    posting: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": vacancy.title,
        "description": _description_html(vacancy),
        "identifier": {
            "@type": "PropertyValue",
            "name": vacancy.organisation or organisation_name(vacancy.content_language),
            "value": vacancy.reference,
        },
        "url": page_url,
        "datePosted": (vacancy.published_at or vacancy.created_at).isoformat(),
        "hiringOrganization": {
            "@type": "Organization",
            "name": organisation_name(vacancy.content_language),
            "sameAs": settings.ORGANISATION_URL,
            "logo": logo_url,
        },
        "jobLocation": [_place(location) for location in _locations(vacancy)],
        "directApply": False,
        "inLanguage": vacancy.content_language,
    }
    if vacancy.deadline is not None:
        posting["validThrough"] = vacancy.deadline.isoformat()
    employment = EMPLOYMENT_TYPES.get(vacancy.schedule_en.strip().casefold())
    if employment:
        posting["employmentType"] = employment
    if vacancy.salary_amount is not None and vacancy.salary_currency:
        posting["baseSalary"] = _salary(vacancy.salary_amount, vacancy)
    who = _who_may_apply(vacancy)
    if who:
        posting["eligibilityToWorkRequirement"] = who
    return posting


def as_json_ld(data: dict[str, Any]) -> SafeString:
    """``data`` as the content of a <script type="application/ld+json"> element: nothing in
    it can end the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(character, escaped)
    return mark_safe(text)  # noqa: S308 (markup characters escaped above)


def page_description(vacancy: Vacancy) -> str:
    """A sentence or two for link previews and search results: the notice's summary."""
    for section in vacancy.sections:
        text = strip_tags(notice_html(section["text"])).strip()
        if text:
            return Truncator(" ".join(text.split())).chars(DESCRIPTION_LENGTH)
    return vacancy.title


def _description_html(vacancy: Vacancy) -> str:
    parts = []
    for section in vacancy.sections:
        if section["heading"]:
            parts.append(f"<h2>{section['heading']}</h2>")
        parts.append(notice_html(section["text"]))
    return "".join(parts) or vacancy.title


def _locations(vacancy: Vacancy) -> list:
    places = [vacancy.primary_location, *vacancy.other_locations.all()]
    return [place for place in places if place is not None]


def _place(location) -> dict[str, Any]:
    french = get_language() == "fr"
    return {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": (french and location.city_fr) or location.city,
            "addressCountry": (french and location.country_fr) or location.country,
        },
    }


def _salary(amount: Decimal, vacancy: Vacancy) -> dict[str, Any]:
    value: dict[str, Any] = {"@type": "QuantitativeValue", "value": float(amount)}
    unit = SALARY_UNITS.get(vacancy.salary_period)
    if unit:
        value["unitText"] = unit
    return {"@type": "MonetaryAmount", "currency": vacancy.salary_currency, "value": value}


def _who_may_apply(vacancy: Vacancy) -> str:
    for section in vacancy.sections:
        text = section["text"]
        found = _WHO_MAY_APPLY.search(text)
        if found:
            start = max(text.rfind(".", 0, found.start()), text.rfind("\n", 0, found.start()))
            ends = [text.find(mark, found.end()) for mark in (".", "\n")]
            end = min([end for end in ends if end >= 0], default=len(text))
            return " ".join(text[start + 1 : end + 1].split())
    return ""
