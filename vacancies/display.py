"""How a vacancy's values read, in the reader's (the active) language: the same on the
public pages, in the admin's lists and forms, in the import preview and in the history."""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, gettext, gettext_lazy

from .models import Vacancy
from .services import IMPORTED_FROM, RESTORED

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
# The currencies an editor picks from; a notice may give any other code, which is kept.
CURRENCIES = ("EUR", "USD", "GBP", "CHF", "CAD")
SALARY_PERIODS = {
    "monthly": gettext_lazy("monthly"),
    "yearly": gettext_lazy("yearly"),
    "hourly": gettext_lazy("hourly"),
}
_PER_PERIOD = {
    "monthly": gettext_lazy("%(amount)s per month"),
    "yearly": gettext_lazy("%(amount)s per year"),
    "hourly": gettext_lazy("%(amount)s per hour"),
}
# How candidates call the zones a site may read its notices in; any other zone is called by
# the city of its name ('America/New_York': 'New York').
_ZONE_NAMES = {"Europe/Brussels": gettext_lazy("Brussels")}


def money(amount: Decimal | None, currency: str | None = "") -> str:
    """9784.44, 'EUR' -> '€9,784.44' in English, '9 784,44 €' in French."""
    if amount is None:
        return ""
    symbol = CURRENCY_SYMBOLS.get(currency or "", currency or "")
    number = number_format(amount, decimal_pos=2, force_grouping=True)
    if get_language() == "fr":
        return f"{number}\u00a0{symbol}".strip()
    return f"{symbol}{number}" if len(symbol) == 1 else f"{number} {symbol}".strip()


def per_period(amount: str, period: str | None) -> str:
    """'€9,784.44 per month', '… per year', '… per hour': the amount as the notice pays it."""
    sentence = _PER_PERIOD.get(period or "")
    return str(sentence) % {"amount": amount} if sentence else amount


def salary(amount: Decimal | None, currency: str | None, period: str | None) -> str:
    """'€8,419.86 per month'; '' without an amount."""
    return per_period(money(amount, currency), period) if amount is not None else ""


def time_zone_name() -> str:
    """The site's time zone as candidates call it: 'Brussels', 'Bruxelles'."""
    zone = settings.TIME_ZONE
    return str(_ZONE_NAMES.get(zone) or zone.rsplit("/", 1)[-1].replace("_", " "))


def site_time(moment: datetime | None) -> str:
    """A moment in the site's time zone, to the minute, the zone named as on the public
    pages: '17 March 2099, 00:59 (Brussels time)'."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return gettext("%(moment)s (%(zone)s time)") % {
        "moment": date_format(local, "DATETIME_FORMAT"),
        "zone": time_zone_name(),
    }


def risk_level(level: str) -> str:
    """'extreme' -> 'Extreme risk', as the badge on the public pages says it."""
    return str(Vacancy.RiskLevel(level).label) if level in Vacancy.RiskLevel.values else level


def salary_period(period: str) -> str:
    return str(SALARY_PERIODS.get(period, period))


def vacancy_value(name: str, value: object) -> str:
    """The value of a vacancy's column ``name`` as the admin shows it in the import's and
    the history's comparisons: '' for nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime):
        return site_time(value)
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=2, force_grouping=True)
    if name == "risk_level":
        return risk_level(str(value))
    if name == "salary_period":
        return salary_period(str(value))
    return str(value)


def change_reason(reason: str) -> str:
    """Why a version was saved, kept in English (services.py), in the reader's language."""
    if reason.startswith(IMPORTED_FROM):
        return gettext("Imported from %(file)s") % {"file": reason.removeprefix(IMPORTED_FROM)}
    if reason.startswith(RESTORED):
        try:
            moment = datetime.fromisoformat(reason.removeprefix(RESTORED))
        except ValueError:
            return reason  # written before reasons were kept in English
        return gettext("Restored the version of %(when)s") % {"when": site_time(moment)}
    return gettext(reason) if reason else ""


def in_one_line(vacancy: Vacancy) -> str:
    """'Reference 260066 · Grade G17 · Kyiv, Ukraine · Deadline: 3 March 2026, 00:59
    (Brussels time)': what a reader of a feed or a calendar sees first."""
    parts = [gettext("Reference %(reference)s") % {"reference": vacancy.reference}]
    if vacancy.grade_label:
        parts.append(gettext("Grade %(grade)s") % {"grade": vacancy.grade_label})
    if vacancy.primary_location:
        parts.append(vacancy.primary_location.name)
    if vacancy.deadline:
        parts.append(gettext("Deadline: %(moment)s") % {"moment": site_time(vacancy.deadline)})
    elif vacancy.deadline_ongoing:
        parts.append(gettext("Ongoing: applications are reviewed as they arrive"))
    return " · ".join(parts)
