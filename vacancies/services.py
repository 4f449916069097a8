"""Changes of a vacancy's publication status, for every door: the admin's actions and
change form, and imports (vacancies/importing.py) whatever brings the notice.

The rule on imports, in one place (``OnImport``): a new vacancy is published or kept as a
draft, as asked; an existing one keeps its status when its notice is imported again, so
that a batch of corrected files never brings an archived vacancy back, unless the editor
asks for it to be published (the admin's *Save and publish*).

And what a vacancy's public page shows beyond the vacancy itself: the names of its places.
"""

import enum

from django.db.models import Q
from django.utils import timezone

from .models import Location, Vacancy


class OnImport(enum.StrEnum):
    DRAFT = "draft"  # new: a draft; existing: unchanged (the admin's draft, import --draft)
    PUBLISH_NEW = "publish-new"  # new: published; existing: unchanged (import_notices)
    PUBLISH = "publish"  # new or existing: published (the admin's "Save and publish")


# Why each version was saved is kept in English (marked for translation where it is
# written) and shown in the reader's language (display.change_reason). An import's reason
# is this and the file's name: how the HR desk finds the recent imports. A restored
# version's is this and the moment of the version restored (ISO 8601).
IMPORTED_FROM = "Imported from "
RESTORED = "Restored the version of "


def vacancy_set_status(vacancy: Vacancy, status: str, *, reason: str) -> bool:
    """Give ``vacancy`` the ``status`` and save it, its history noting ``reason``; False,
    and nothing saved (no empty version), when it already had that status."""
    if vacancy.status == status:
        return False
    if status == Vacancy.Status.PUBLISHED:
        vacancy.publish()  # which keeps the first publication date
    else:
        vacancy.status = status
    vacancy._change_reason = reason  # type: ignore[attr-defined]  # read by simple-history
    vacancy.save()
    return True


def location_renamed(location: Location) -> int:
    """Mark the vacancies that name ``location`` as changed, now that it is called otherwise:
    their pages say its name, and clients compare pages by when they last changed."""
    named = Q(primary_location=location) | Q(other_locations=location)
    changed = Vacancy.objects.filter(pk__in=Vacancy.objects.filter(named).values("pk"))
    return changed.update(updated_at=timezone.now())
