"""The HR editors' admin: import, check, edit, publish and archive notices."""

from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.admin import SimpleHistoryAdmin

from .forms import NoticeImportForm, VacancyAdminForm
from .importing import notice_warnings, preview_notice, read_notice, vacancy_upsert_from_notice
from .models import Location, Vacancy
from .parsing import NoticeParseError, decode_notice, text_from_pdf

# The texts an editor previewed travel to the confirming request signed, so that what is
# saved is exactly what was shown.
PREVIEW_SALT = "vacancies.admin.import-preview"
PREVIEW_MAX_AGE = 24 * 60 * 60


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["city", "country", "city_fr", "country_fr"]
    list_editable = ["city_fr", "country_fr"]
    search_fields = ["city", "country", "city_fr", "country_fr"]
    ordering = ["country", "city"]


class OpenListFilter(admin.SimpleListFilter):
    title = gettext_lazy("open for applications")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Open")), ("no", _("Closed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.open()
        if self.value() == "no":
            return queryset.closed()
        return queryset


@admin.register(Vacancy)
class VacancyAdmin(SimpleHistoryAdmin):
    form = VacancyAdminForm
    list_display = [
        "reference",
        "title_en",
        "grade_label",
        "primary_location",
        "deadline",
        "is_open",
        "status",
        "risk_level",
        "updated_at",
    ]
    list_display_links = ["reference", "title_en"]
    list_filter = [
        "status",
        ("grade_label", admin.AllValuesFieldListFilter),
        ("primary_location", admin.RelatedOnlyFieldListFilter),
        "risk_level",
        OpenListFilter,
    ]
    list_select_related = ["primary_location"]
    search_fields = ["reference", "title_en", "title_fr"]
    date_hierarchy = "deadline"
    ordering = ["-updated_at"]
    actions = ["publish", "archive"]
    autocomplete_fields = ["primary_location"]
    filter_horizontal = ["other_locations"]
    readonly_fields = [
        "check_warnings",
        "source_name",
        "original_text",
        "published_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
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

    class Media:
        css = {"all": ["css/admin.css"]}

    @admin.display(boolean=True, description=gettext_lazy("open"))
    def is_open(self, vacancy):
        return vacancy.is_open

    @admin.display(description=gettext_lazy("original text"))
    def original_text(self, vacancy):
        return format_html('<pre class="notice-source">{}</pre>', vacancy.source_text)

    @admin.display(description=gettext_lazy("to check"))
    def check_warnings(self, vacancy):
        """What the notice's two halves disagree on, or lack: shown until a corrected
        notice is imported."""
        if not vacancy.pk:
            return "—"
        warnings = _warnings_of(vacancy)
        if not warnings:
            return _("Nothing: the English and French texts agree.")
        return format_html(
            '<ul class="notice-warnings">{}</ul>',
            format_html_join("", "<li>{}</li>", ((warning,) for warning in warnings)),
        )

    def get_readonly_fields(self, request, obj=None):
        # The reference names the vacancy everywhere, imports included: set once.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "reference"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        if obj.status == Vacancy.Status.PUBLISHED:
            obj.publish()
        super().save_model(request, obj, form, change)

    @admin.action(
        description=gettext_lazy("Publish the selected vacancies"), permissions=["change"]
    )
    def publish(self, request, queryset):
        self._change_status(request, queryset, Vacancy.publish, _("Published"))

    @admin.action(
        description=gettext_lazy("Archive the selected vacancies"), permissions=["change"]
    )
    def archive(self, request, queryset):
        self._change_status(request, queryset, Vacancy.archive, _("Archived"))

    def _change_status(self, request, queryset, change, reason):
        # One by one, through save(), so that each change enters the vacancy's history.
        for vacancy in queryset:
            change(vacancy)
            vacancy._change_reason = reason
            vacancy.save()
        count = len(queryset)
        self.message_user(
            request,
            ngettext("%(reason)s %(count)d vacancy.", "%(reason)s %(count)d vacancies.", count)
            % {"reason": reason, "count": count},
            messages.SUCCESS,
        )

    # ------------------------------------------------------------------ importing

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="vacancies_vacancy_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload or paste notices, see what they hold, then save them as drafts or publish."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self._import_confirmed(request)
        if request.method == "POST":
            form = NoticeImportForm(request.POST, request.FILES)
        else:
            form = NoticeImportForm()
        if form.is_bound and form.is_valid():
            sources, unreadable = _sources(form)
            previews, problems = _previews(sources)
            for problem in unreadable + problems:
                form.add_error(None, problem)
            if not unreadable and not problems:
                return self._render_import(
                    request,
                    "admin/vacancies/vacancy/import_preview.html",
                    previews=previews,
                    token=signing.dumps(sources, salt=PREVIEW_SALT, compress=True),
                )
        return self._render_import(request, "admin/vacancies/vacancy/import.html", form=form)

    def _import_confirmed(self, request):
        try:
            sources = signing.loads(
                request.POST.get("token", ""), salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE
            )
        except signing.BadSignature:
            self.message_user(
                request,
                _("The preview has expired or was altered: upload the notices again."),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:vacancies_vacancy_import"))
        publish = request.POST["confirm"] == "publish"
        imported = []
        for name, text in sources:
            try:
                result = vacancy_upsert_from_notice(text=text, source_name=name, publish=publish)
            except (NoticeParseError, DatabaseError) as error:
                # Each notice is saved in its own transaction: the others stand.
                self.message_user(
                    request,
                    _("%(name)s: not saved (%(error)s)") % {"name": name, "error": error},
                    messages.ERROR,
                )
                continue
            vacancy = result.vacancy
            if publish and vacancy.status != Vacancy.Status.PUBLISHED:
                vacancy.publish()
                vacancy._change_reason = _("Published")
                vacancy.save()
            imported.append(vacancy)
            self.message_user(
                request,
                format_html(
                    '{}: <a href="{}">{}</a> — {}',
                    name,
                    reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]),
                    vacancy,
                    _status_sentence(result.outcome, vacancy),
                ),
                messages.SUCCESS,
            )
        if len(imported) == 1:
            return HttpResponseRedirect(
                reverse("admin:vacancies_vacancy_change", args=[imported[0].pk])
            )
        return HttpResponseRedirect(reverse("admin:vacancies_vacancy_changelist"))

    def _render_import(self, request, template, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Import notices"),
                **context,
            },
        )


def _sources(form: NoticeImportForm) -> tuple[list[tuple[str, str]], list[str]]:
    """(name, text) for each uploaded file and the pasted text, and a sentence for each
    file that cannot be read as text."""
    sources, problems = [], []
    for upload in form.cleaned_data["files"]:
        data = upload.read()
        try:
            text = text_from_pdf(data) if upload.name.lower().endswith(".pdf") else None
            sources.append((upload.name, text or decode_notice(data)))
        except NoticeParseError as error:
            problems.append(_("%(name)s: %(error)s") % {"name": upload.name, "error": error})
    if form.cleaned_data["text"].strip():
        sources.append((_("pasted text"), form.cleaned_data["text"]))
    return sources, problems


def _previews(sources: list[tuple[str, str]]):
    previews, problems = [], []
    for name, text in sources:
        try:
            previews.append((name, preview_notice(text=text)))
        except NoticeParseError as error:
            problems.append(_("%(name)s: %(error)s") % {"name": name, "error": error})
    references = [preview.notice.reference for _name, preview in previews]
    for reference in sorted({r for r in references if references.count(r) > 1}):
        problems.append(
            _("Reference %(reference)s is in more than one of these notices.")
            % {"reference": reference}
        )
    return previews, problems


def _warnings_of(vacancy: Vacancy) -> tuple[str, ...]:
    try:
        notice = read_notice(vacancy.source_text)
    except NoticeParseError as error:
        return (_("The original text can no longer be read: %(error)s") % {"error": error},)
    return notice_warnings(notice)


def _status_sentence(outcome, vacancy):
    status = vacancy.get_status_display().lower()
    sentences = {
        "created": _("created (%(status)s)."),
        "updated": _("updated (%(status)s)."),
        "unchanged": _("unchanged: the same text was imported before (%(status)s)."),
    }
    return sentences[outcome] % {"status": status}
