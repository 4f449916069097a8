"""What an HR editor should look at before publishing a notice.

The French half of a notice is a translation of the English half: where the two disagree on
a fact (reference, grade, deadline, salary, duty station), one of them is wrong and only a
person can say which. A fact a notice is expected to give and does not is flagged too.
Editors may publish anyway; these are warnings, never errors.

No database: a ``Notice`` in, sentences (in the active language) out.
"""

from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext as _

from .notices import Notice, NoticeHalf


def consistency_warnings(
    notice: Notice, *, french_names: Mapping[tuple[str, str], tuple[str, str]] | None = None
) -> list[str]:
    """Sentences naming each disagreement between the halves and each missing fact.

    ``french_names`` maps a duty station's English (country, city) to the French names
    already on record, so that a French half naming another place can be caught.
    """
    warnings = _missing(notice)
    if notice.fr is not None:
        warnings += _disagreements(notice.en, notice.fr, french_names or {})
    return warnings


def _missing(notice: Notice) -> list[str]:
    en = notice.en
    expected = [
        (en.reference, _("The English text gives no reference.")),
        (en.primary_location, _("The notice gives no duty station.")),
        (en.grade, _("The notice gives no grade.")),
        (en.deadline or en.deadline_ongoing, _("The notice gives no application deadline.")),
        (en.salary, _("The notice gives no salary.")),
        (notice.fr is not None, _("The notice has no French text.")),
    ]
    if notice.fr is not None:
        expected.append((notice.fr.title, _("The French text has no title.")))
    return [message for present, message in expected if not present]


def _disagreements(
    en: NoticeHalf, fr: NoticeHalf, french_names: Mapping[tuple[str, str], tuple[str, str]]
) -> list[str]:
    warnings = []

    def differ(label, english, french):
        warnings.append(
            _("%(fact)s: the English text says “%(english)s”, the French text “%(french)s”.")
            % {"fact": label, "english": english, "french": french}
        )

    if en.reference and fr.reference and en.reference != fr.reference:
        differ(_("Reference"), en.reference, fr.reference)
    if en.grade and fr.grade and (en.grade.min, en.grade.max) != (fr.grade.min, fr.grade.max):
        differ(_("Grade"), en.grade.label, fr.grade.label)
    if en.deadline and fr.deadline and en.deadline.date() != fr.deadline.date():
        differ(_("Deadline"), en.deadline.date().isoformat(), fr.deadline.date().isoformat())
    elif en.deadline_ongoing != fr.deadline_ongoing and (en.deadline or fr.deadline):
        differ(
            _("Deadline"),
            en.deadline.date().isoformat() if en.deadline else _("ongoing"),
            fr.deadline.date().isoformat() if fr.deadline else _("ongoing"),
        )
    if en.salary and fr.salary and en.salary.amount != fr.salary.amount:
        differ(_("Salary"), _amount(en.salary.amount), _amount(fr.salary.amount))
    if en.primary_location and fr.primary_location:
        known = french_names.get(en.primary_location)
        if known and all(known) and _folded(known) != _folded(fr.primary_location):
            differ(
                _("Duty station"),
                "-".join(en.primary_location),
                "-".join(fr.primary_location),
            )
    if len(en.other_locations) != len(fr.other_locations):
        warnings.append(
            _("The English text names %(english)d other locations, the French text %(french)d.")
            % {"english": len(en.other_locations), "french": len(fr.other_locations)}
        )
    return warnings


def _amount(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _folded(place: tuple[str, str]) -> tuple[str, ...]:
    return tuple(name.casefold().strip() for name in place)
