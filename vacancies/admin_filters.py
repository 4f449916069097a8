"""How HR editors narrow the list of vacancies in the admin: by grade range, by deadline,
by the warnings their notice gave."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .filters import GRADES, Deadline, deadline_q

# Grades in ranges of five, in numeric order: a handful of choices where every grade label
# (G5, G10, A.2, NATO 17…) would make fifty, sorted as text.
GRADE_RANGE_SIZE = 5


class GradeRangeListFilter(admin.SimpleListFilter):
    title = _("grade")
    parameter_name = "grades"

    def lookups(self, request, model_admin):
        return [
            (f"{low}-{low + GRADE_RANGE_SIZE - 1}", f"G{low}–G{low + GRADE_RANGE_SIZE - 1}")
            for low in range(GRADES.start, GRADES.stop, GRADE_RANGE_SIZE)
        ]

    def queryset(self, request, queryset):
        low, _dash, high = (self.value() or "").partition("-")
        if not (low.isdigit() and high.isdigit()):
            return queryset
        # Posts whose range of grades meets the range chosen.
        return queryset.filter(grade_min__lte=int(high), grade_max__gte=int(low))


_DEADLINES = (Deadline.OPEN, Deadline.WEEK, Deadline.CLOSED)


class DeadlineListFilter(admin.SimpleListFilter):
    """The public list's deadline choices, by the same rules."""

    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [(choice.value, choice.label) for choice in _DEADLINES]

    def queryset(self, request, queryset):
        if self.value() not in {choice.value for choice in _DEADLINES}:
            return queryset
        return queryset.filter(deadline_q(Deadline(self.value()), timezone.now()))


class WarningsListFilter(admin.SimpleListFilter):
    """Vacancies whose notice gave warnings at import (checks.py): what to look at before
    publishing, until a corrected notice is imported."""

    title = _("warnings to check")
    parameter_name = "warnings"

    def lookups(self, request, model_admin):
        return [("yes", _("Some to check")), ("no", _("None to check"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(warning_count__gt=0)
        if self.value() == "no":
            return queryset.filter(warning_count=0)
        return queryset
