"""Forms of the HR editors' admin: editing a vacancy, and importing notices."""

import re
from typing import Any

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from .admin_widgets import AccessibleSplitDateTime
from .display import CURRENCIES, SALARY_PERIODS
from .models import Vacancy
from .notices import NOTICE_MAX_BYTES, NOTICE_SUFFIXES

# NOTICE_MAX_BYTES as editors read it, in their language: "5 MB", "5 Mo".
NOTICE_MAX_SIZE = format_lazy(_("{megabytes} MB"), megabytes=NOTICE_MAX_BYTES // 1_000_000)
# One import reads its files within a request: a batch larger than this is imported with
# import_notices. Django itself refuses more than DATA_UPLOAD_MAX_NUMBER_FILES files.
NOTICE_IMPORT_MAX_FILES = 20
PASTED_NOTICE_MAX_LENGTH = 500_000
_HEADING = re.compile(r"^## ?(.*)$", re.MULTILINE)


class SectionsField(forms.CharField):
    """A language's sections as one text an editor can change: each section starts with a
    ``## Heading`` line; text before the first heading is the notice's introduction."""

    widget = forms.Textarea(attrs={"rows": 24, "class": "vLargeTextField sections"})

    def prepare_value(self, value):
        if not isinstance(value, list):
            return value
        parts = []
        for section in value:
            heading = f"## {section['heading']}\n" if section["heading"] else ""
            parts.append(heading + section["text"])
        return "\n\n".join(parts)

    def to_python(self, value):
        text = super().to_python(value).replace("\r\n", "\n")
        sections = []
        starts = list(_HEADING.finditer(text))
        introduction = text[: starts[0].start()] if starts else text
        if introduction.strip():
            sections.append({"heading": "", "text": introduction.strip()})
        for number, start in enumerate(starts):
            end = starts[number + 1].start() if number + 1 < len(starts) else len(text)
            heading = start[1].strip()
            if not heading:
                raise ValidationError(_("A “##” line needs a heading after it."))
            sections.append({"heading": heading, "text": text[start.end() : end].strip()})
        return sections


# The change form's layout: English and French side by side, the facts, the risk, the
# sections, then the original notice. The admin shows it; the vacancy's columns in it that
# are not read-only are what the form edits.
VACANCY_READ_ONLY_FIELDS = [
    "check_warnings",
    "source_name",
    "original_text",
    "published_at",
    "created_at",
    "updated_at",
]
VACANCY_FIELDSETS: Any = [  # as ModelAdmin.fieldsets takes it
    (
        None,
        {
            "fields": [
                "check_warnings",
                ("reference", "status"),
                ("title_en", "title_fr"),
                ("organisation_en", "organisation_fr"),
                ("schedule_en", "schedule_fr"),
                "loaded_version",
            ]
        },
    ),
    (
        gettext_lazy("Facts"),
        {
            "fields": [
                ("grade_label", "grade_min", "grade_max"),
                ("deadline", "deadline_ongoing"),
                ("salary_amount", "salary_currency", "salary_period"),
                "clearance",
                "primary_location",
                "other_locations",
            ]
        },
    ),
    (
        gettext_lazy("Risk"),
        {
            "fields": [
                "risk_level",
                ("risk_note_en", "risk_note_fr"),
                ("unaccompanied", "pending_budget_approval"),
            ]
        },
    ),
    (gettext_lazy("Sections"), {"fields": [("sections_en", "sections_fr")]}),
    (
        gettext_lazy("Original notice"),
        {
            "classes": ["collapse"],
            "fields": [
                "source_name",
                "original_text",
                "published_at",
                "created_at",
                "updated_at",
            ],
        },
    ),
]
EDITABLE_FIELDS = [
    name
    for name in flatten_fieldsets(VACANCY_FIELDSETS)
    if name not in VACANCY_READ_ONLY_FIELDS
    and name in {field.name for field in Vacancy._meta.get_fields()}
]


# The values an editor picks from rather than types. A notice may give another, which is
# offered too: saving the form never changes a value the editor did not touch.
SCHEDULES = {"en": ("Full-time", "Part-time"), "fr": ("Temps plein", "Temps partiel")}
_PICKED = {
    "salary_currency": dict(zip(CURRENCIES, CURRENCIES, strict=True)),
    "salary_period": SALARY_PERIODS,
    "schedule_en": dict(zip(SCHEDULES["en"], SCHEDULES["en"], strict=True)),
    "schedule_fr": dict(zip(SCHEDULES["fr"], SCHEDULES["fr"], strict=True)),
}


class VacancyAdminForm(forms.ModelForm):
    """The change form, which refuses to overwrite what someone else saved meanwhile."""

    sections_en = SectionsField(
        label=_("Sections (English)"),
        required=False,
        help_text=_("Each section starts with a line “## Heading”."),
    )
    sections_fr = SectionsField(
        label=_("Sections (French)"),
        required=False,
        help_text=_("Each section starts with a line “## Heading”."),
    )
    # The version the editor started from: when the vacancy was last saved as they opened it.
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Vacancy
        fields = EDITABLE_FIELDS
        # Titles wrap in their box, so that a long one is read whole.
        widgets = {
            "deadline": AccessibleSplitDateTime(),
            "title_en": forms.Textarea(attrs={"rows": 2, "class": "vacancy-title"}),
            "title_fr": forms.Textarea(attrs={"rows": 2, "class": "vacancy-title"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, labels in _PICKED.items():
            current = getattr(self.instance, name, "")
            choices = [("", "—"), *labels.items()]
            if current and current not in labels:
                choices.append((current, current))
            self.fields[name] = forms.ChoiceField(
                label=self.fields[name].label, choices=choices, required=False
            )
        for name, field in self.fields.items():
            # Screen readers read each half in its own language.
            if name.endswith(("_en", "_fr")):
                field.widget.attrs["lang"] = name[-2:]
        if self.instance.pk:
            # From the database, not the instance: when restoring an old version the
            # instance carries that version's date.
            self.fields["loaded_version"].initial = _version(self.instance.pk)

    def clean_title_en(self):
        return _one_line(self.cleaned_data["title_en"])

    def clean_title_fr(self):
        return _one_line(self.cleaned_data["title_fr"])

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            current = _version(self.instance.pk, lock=True)
            if current != cleaned_data.get("loaded_version"):
                latest = self.instance.history.select_related("history_user").first()
                # Saving again, having read this, replaces their version with this one.
                self.data = self.data.copy()
                self.data[self.add_prefix("loaded_version")] = current
                raise ValidationError(
                    _(
                        "%(who)s saved this vacancy at %(when)s, after you opened it. "
                        "Your changes are not saved yet. Compare with the vacancy's history "
                        "(open it in another tab); saving again will replace their version "
                        "with yours."
                    ),
                    params={
                        "who": (latest and latest.history_user) or _("Someone else"),
                        "when": date_format(
                            timezone.localtime(latest.history_date) if latest else timezone.now(),
                            "DATETIME_FORMAT",
                        ),
                    },
                    code="changed_meanwhile",
                )
        return cleaned_data


def _one_line(text: str) -> str:
    """A title typed or pasted over several lines, as the one line it is."""
    return " ".join(text.split())


def _version(pk, *, lock=False) -> str:
    vacancies = Vacancy.objects.filter(pk=pk)
    if lock:
        vacancies = vacancies.select_for_update()
    updated_at = vacancies.values_list("updated_at", flat=True).first()
    return updated_at.isoformat() if updated_at else ""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.pdf"}))
        # An empty file is reported with its name, like any other unreadable one.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        if isinstance(data, list | tuple):
            return [clean_one(item, initial) for item in data]
        return [clean_one(data, initial)] if data else []


class NoticeImportForm(forms.Form):
    """One or more notice files (text or PDF), or a notice's text pasted in."""

    # Named as the admin's form posts it; it shadows Form.files only in the class body.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Notice files"),
        required=False,
        # Lazy to the end, so that the sentence follows the editor's language.
        help_text=format_lazy(
            _("Text (.txt) or PDF files, up to {size} each and {count} at a time."),
            size=NOTICE_MAX_SIZE,
            count=NOTICE_IMPORT_MAX_FILES,
        ),
    )
    text = forms.CharField(
        label=_("Or paste a notice"),
        required=False,
        max_length=PASTED_NOTICE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12, "class": "vLargeTextField"}),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > NOTICE_IMPORT_MAX_FILES:
            raise ValidationError(
                _(
                    "One import takes at most %(most)d files: you chose %(count)d. Import them "
                    "in several goes."
                ),
                params={"most": NOTICE_IMPORT_MAX_FILES, "count": len(files)},
                code="too_many_files",
            )
        for upload in files:
            if not upload.name.lower().endswith(NOTICE_SUFFIXES):
                raise ValidationError(
                    _("“%(name)s” is neither a text (.txt) nor a PDF file."),
                    params={"name": upload.name},
                    code="wrong_type",
                )
            if upload.size > NOTICE_MAX_BYTES:
                raise ValidationError(
                    _("“%(name)s” is larger than the %(size)s a notice may be."),
                    params={"name": upload.name, "size": NOTICE_MAX_SIZE},
                    code="too_large",
                )
        return files

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors and not cleaned_data.get("files") and not cleaned_data.get("text"):
            raise ValidationError(_("Choose a notice file or paste a notice's text."))
        return cleaned_data
