import html

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext, override

from .. import display
from ..facets import Option
from ..markup import notice_html
from ..models import CLOSING_SOON

register = template.Library()


@register.filter
def notice_text(text):
    """A notice's text as HTML: the light Markdown of notices, cleaned (vacancies/markup.py)."""
    return mark_safe(notice_html(text))  # noqa: S308 (sanitised by nh3's allow-list)


# The values a vacancy shows, formatted as everywhere else (vacancies/display.py).
register.filter("money", display.money)
register.filter("per_period", display.per_period)
register.filter("site_time", display.site_time)
register.filter("risk_level", display.risk_level)
register.filter("change_reason", display.change_reason)
register.simple_tag(display.time_zone_name, name="time_zone_name")


@register.filter
def datetime_attribute(moment):
    """A moment for a ``<time>`` element's datetime attribute, in the site's time zone, to
    the second: '2099-03-17T00:59:00+01:00' (HTML takes at most three decimals of a second,
    and date:'c' writes six when a moment has them)."""
    if moment is None:
        return ""
    return timezone.localtime(moment).isoformat(timespec="seconds")


@register.filter
def closes_in(deadline):
    """'closes today', 'closes in 3 days', 'closed' for a deadline."""
    if deadline is None:
        return ""
    now = timezone.now()
    if deadline < now:
        return gettext("closed")
    days = (timezone.localtime(deadline).date() - timezone.localtime(now).date()).days
    if days == 0:
        return gettext("closes today")
    return ngettext("closes tomorrow", "closes in %(days)d days", days) % {"days": days}


@register.filter
def closes_soon(deadline):
    now = timezone.now()
    return deadline is not None and now <= deadline < now + CLOSING_SOON


@register.simple_tag(takes_context=True)
def language_versions(context):
    """The current page in every language: (code, name, url, is_current).

    A page outside the languages' addresses (the admin's preview of a vacancy's page) says
    where its versions are in ``language_urls``.
    """
    request = context["request"]
    given = context.get("language_urls") or {}
    current = get_language()
    versions = []
    for code, name in settings.LANGUAGES:
        with override(code):
            local_name = gettext(name)
        url = given.get(code) or translate_url(request.get_full_path(), code)
        versions.append((code, local_name, url, code == current))
    return versions


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's own address, whole: each language and each search is a page of its own.
    A page a view names otherwise (``canonical`` in its context) keeps that."""
    request = context["request"]
    return context.get("canonical") or request.build_absolute_uri(request.get_full_path())


@register.simple_tag
def lang_attribute(language):
    """lang="en" on content shown in another language than the page's."""
    if language and language != get_language():
        return format_html(' lang="{}"', language)
    return ""


@register.simple_tag
def facet_options(options, current, bare=False):
    """A facet's ``<option>`` elements, the current value selected, each with its count
    unless ``bare``. Built here rather than in a template loop, with plain string escaping
    rather than format_html for each: the location facet alone can offer hundreds of
    choices, and the list page renders several facets."""
    current = "" if current is None else str(current)
    return mark_safe(  # noqa: S308 (every value and label is escaped here)
        "\n".join(
            '<option value="{}"{}>{}</option>'.format(
                html.escape(option.value),
                " selected" if option.value == current else "",
                html.escape(str(option.label if bare else option.text)),
            )
            for option in options
        )
    )


@register.simple_tag
def grade_options(field, options):
    """The ``<option>`` elements of one end of the grade range: the grades the page offers,
    without counts, and the grade chosen even when no vacancy has it any more, so that the
    form sends it back as it came.

    Without counts: beside a grade, a count says how many posts include that grade, not how
    many a range starting or ending there would give.
    """
    chosen = getattr(field.form, "cleaned_data", {}).get(field.name)  # None when rejected
    current = "" if chosen is None else str(int(chosen))
    grades = {option.value: option for option in options}
    if current and current not in grades:
        grades[current] = Option(current, f"G{current}", 0)  # as the grade facet names it
    ordered = sorted(grades.values(), key=lambda option: int(option.value))
    return facet_options(ordered, current, bare=True)
