import html

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, gettext_lazy, ngettext, override

from ..facets import Option
from ..markup import notice_html
from ..models import CLOSING_SOON

register = template.Library()


@register.filter
def notice_text(text):
    """A notice's text as HTML: the light Markdown of notices, cleaned (vacancies/markup.py)."""
    return mark_safe(notice_html(text))  # noqa: S308 (sanitised by nh3's allow-list)


@register.filter
def money(amount, currency=""):
    """9784.44, 'EUR' -> '€9,784.44' in English, '9 784,44 €' in French."""
    if amount is None:
        return ""
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(currency, currency)
    number = number_format(amount, decimal_pos=2, force_grouping=True)
    if get_language() == "fr":
        return f"{number}\u00a0{symbol}".strip()
    return f"{symbol}{number}" if len(symbol) == 1 else f"{number} {symbol}".strip()


# How candidates call the zones a site may read its notices in; any other zone is called by
# the city of its name ('America/New_York': 'New York').
_ZONE_NAMES = {"Europe/Brussels": gettext_lazy("Brussels")}


@register.simple_tag
def time_zone_name():
    """The site's time zone as candidates call it: 'Brussels', 'Bruxelles'."""
    zone = settings.TIME_ZONE
    return _ZONE_NAMES.get(zone) or zone.rsplit("/", 1)[-1].replace("_", " ")


@register.filter
def site_time(moment):
    """A moment in the site's time zone, to the minute, with the zone named:
    '17 March 2099, 00:59 CET'."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"


@register.filter
def datetime_attribute(moment):
    """A moment for a ``<time>`` element's datetime attribute, in the site's time zone, to
    the second: '2099-03-17T00:59:00+01:00' (HTML takes at most three decimals of a second,
    and date:'c' writes six when a moment has them)."""
    if moment is None:
        return ""
    return timezone.localtime(moment).isoformat(timespec="seconds")


@register.filter
def per_period(amount, period):
    """'€9,784.44 per month', '… per year', '… per hour': the amount as the notice pays it."""
    sentences = {
        "monthly": gettext("%(amount)s per month"),
        "yearly": gettext("%(amount)s per year"),
        "hourly": gettext("%(amount)s per hour"),
    }
    return sentences.get(period, "%(amount)s") % {"amount": amount}


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
    """The current page in every language: (code, name, url, is_current)."""
    request = context["request"]
    current = get_language()
    versions = []
    for code, name in settings.LANGUAGES:
        with override(code):
            local_name = gettext(name)
        versions.append(
            (code, local_name, translate_url(request.get_full_path(), code), code == current)
        )
    return versions


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
