"""What the API answers, as pydantic schemas, and the list's query parameters as OpenAPI
describes them, read from the list's own filters so that the two cannot differ."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, cast

from django import forms
from django.utils.translation import override
from ninja import Schema
from pydantic import Field

from .filters import VacancyFilter
from .selectors import PAGE_SIZE

Language = Literal["en", "fr"]
LANGUAGES: tuple[Language, ...] = ("en", "fr")


class Grade(Schema):
    label: str | None = Field(description="As the notice writes it, e.g. “G15” or “G13-15”.")
    min: int | None = Field(description="The lowest grade of the post’s range.")
    max: int | None = Field(description="The highest grade of the post’s range.")


class Place(Schema):
    city: str
    country: str


class PlaceInBothLanguages(Schema):
    """A place's names; the French ones are the English ones where no French name is known."""

    city_en: str
    country_en: str
    city_fr: str
    country_fr: str


class Salary(Schema):
    amount: str = Field(description="A decimal number, e.g. “9784.44”.", examples=["9784.44"])
    currency: str | None = Field(description="An ISO 4217 code, e.g. “EUR”.")
    period: str | None = Field(description="“monthly”, “yearly” or “hourly”.")


class _Common(Schema):
    reference: str = Field(examples=["260063"])
    grade: Grade
    deadline: datetime | None = Field(
        description="When applications close, in the board’s time zone with its offset; "
        "null when the notice gives none."
    )
    deadline_ongoing: bool = Field(description="Applications are taken until further notice.")
    salary: Salary | None
    risk_level: str | None = Field(description="“extreme”, “high”, “medium” or “low”.")
    clearance: str | None = Field(description="The security clearance asked for, e.g. “NS”.")
    unaccompanied: bool = Field(description="Family members may not accompany the holder.")
    pending_budget_approval: bool
    demonstration: bool = Field(description="Generated to try the board out, not a real post.")
    published_at: datetime | None = Field(description="When the vacancy was first published.")


class VacancySummary(_Common):
    """A vacancy as the list shows it, in the language asked for."""

    language: Language = Field(
        description="The language of title and organisation: the one asked for, or “en” "
        "for a notice that has no French text."
    )
    title: str
    organisation: str
    duty_station: Place | None
    other_locations: list[Place]
    risk_label: str | None = Field(description="The risk level as the public page says it.")
    url: str = Field(description="The vacancy’s public page, in the language asked for.")
    api_url: str = Field(description="The vacancy’s full description in this API.")


class VacancyPage(Schema):
    count: int = Field(description="How many vacancies match, on all pages.")
    next: str | None = Field(description="The next page’s address; null on the last page.")
    previous: str | None = Field(description="The previous page’s; null on the first page.")
    results: list[VacancySummary] = Field(description=f"At most {PAGE_SIZE} vacancies.")


class Section(Schema):
    heading: str = Field(description="Empty for the notice’s introduction.")
    text: str = Field(description="Paragraphs separated by blank lines.")


class Links(Schema):
    page_en: str = Field(description="The public page in English.")
    page_fr: str = Field(description="The public page in French.")
    apply: str = Field(description="Where candidates apply.")
    api: str = Field(description="This description.")


class VacancyDetail(_Common):
    """Everything the public pages show about a vacancy, in both languages."""

    has_french: bool = Field(description="Whether the notice has a French text.")
    title_en: str
    title_fr: str | None
    organisation_en: str | None
    organisation_fr: str | None
    schedule_en: str | None = Field(description="E.g. “Full-time”.")
    schedule_fr: str | None
    duty_station: PlaceInBothLanguages | None
    other_locations: list[PlaceInBothLanguages]
    open: bool = Field(description="Still taking applications.")
    risk_note_en: str | None
    risk_note_fr: str | None
    sections_en: list[Section] = Field(description="The notice’s text, in reading order.")
    sections_fr: list[Section] = Field(description="Empty for a notice without French text.")
    updated_at: datetime = Field(description="When the vacancy was last changed.")
    links: Links


class Errors(Schema):
    errors: dict[str, list[str]] = Field(
        description="Each parameter whose value cannot be used, with why.",
        examples=[{"grade_min": ["Enter a whole number."]}],
    )


class Problem(Schema):
    detail: str


# What each of the list's filters means to someone calling the API, added to its label. A
# filter added to the list without a note here is still listed, with its label.
_NOTES = {
    "q": "Words, a place or the start of a reference. With a search the best matches come "
    "first unless `sort` says otherwise.",
    "grade_min": "Vacancies whose grade range reaches this grade or above.",
    "grade_max": "Vacancies whose grade range reaches this grade or below.",
    "country": "A country’s name in English or French, in any case, e.g. “Belgium”.",
    "location": "A duty station’s number, as in the public list’s address.",
    "other_locations": "With `country` or `location`: also vacancies where the place is one "
    "of the other locations.",
    "risk": "The risk rating of the duty station.",
    "deadline": "Which vacancies by deadline; open ones when not given.",
    "deadline_before": "Vacancies closing on or before this day (YYYY-MM-DD).",
    "clearance": "The security clearance asked for, e.g. “NS”.",
    "organisation": "The organisation’s name in English or French, as the vacancies give it.",
    "sort": "The order; closing soonest when not given, best match first with a search. "
    "“closing” applies only with a search.",
}


def list_parameters() -> list[dict[str, Any]]:
    """The list's query parameters as OpenAPI parameter objects: every filter of the public
    list, then the page, the language and the list's older way of asking for one grade."""
    with override("en"):
        parameters = [
            _parameter(name, filter_.field, _NOTES.get(name, ""))
            for name, filter_ in VacancyFilter.base_filters.items()
        ]
    parameters.append(
        _query(
            "page",
            {"type": "integer", "minimum": 1, "default": 1},
            f"The page, from 1; {PAGE_SIZE} vacancies a page. A page past the last one is "
            "a 400 error.",
        )
    )
    parameters.append(
        _query(
            "lang",
            {"type": "string", "enum": list(LANGUAGES), "default": "en"},
            "The language of titles, organisations, places, the `url` of each vacancy and "
            "the error messages. A notice without French text is given in English.",
        )
    )
    grade = _query(
        "grade",
        {"type": "integer", "minimum": 1, "maximum": 30},
        "One grade: the same as `grade_min` and `grade_max` both set to it. Ignored when "
        "either is given.",
    )
    grade["deprecated"] = True
    parameters.append(grade)
    return parameters


def _parameter(name: str, field: forms.Field, note: str) -> dict[str, Any]:
    description = str(field.label)
    if field.help_text:
        description += f": {field.help_text}"
    description = f"{description.rstrip('.')}. {note}".strip()
    schema = schema_of(field)
    if "enum" in schema:
        labels = ", ".join(f"`{value}` ({label})" for value, label in choices(field))
        description += f" One of {labels}."
    return _query(name, schema, description)


def schema_of(field: forms.Field) -> dict[str, Any]:
    """The JSON schema of the values a form field accepts."""
    if isinstance(field, forms.ChoiceField):
        return {"type": "string", "enum": [value for value, _label in choices(field)]}
    if isinstance(field, forms.NullBooleanField | forms.BooleanField):
        return {"type": "boolean"}
    if isinstance(field, forms.DateField):
        return {"type": "string", "format": "date"}
    if isinstance(field, forms.IntegerField):  # a DecimalField too: grades and numbers
        schema: dict[str, Any] = {"type": "integer"}
        for keyword, bound in (("minimum", field.min_value), ("maximum", field.max_value)):
            if isinstance(bound, int | Decimal):
                schema[keyword] = int(bound)
        return schema
    schema = {"type": "string"}
    if isinstance(field, forms.CharField) and field.max_length is not None:
        schema["maxLength"] = field.max_length
    return schema


def choices(field: forms.Field) -> list[tuple[str, str]]:
    """A choice field's values and their labels (in the active language), without the
    empty choice that stands for none."""
    if not isinstance(field, forms.ChoiceField):
        return []
    return [(str(value), str(label)) for value, label in cast(Any, field.choices) if value]


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }
