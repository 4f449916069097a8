"""The HR editors' admin: import, check, edit, publish and archive notices."""

from datetime import datetime, timedelta
from time import monotonic

from django.contrib import admin, messages
from django.contrib.admin.views.main import ERROR_FLAG
from django.core import signing
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFilesSent
from django.db import DatabaseError, transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .admin_filters import DeadlineListFilter, GradeRangeListFilter
from .forms import (
    NOTICE_IMPORT_MAX_FILES,
    NOTICE_MAX_SIZE,
    PASTED_NOTICE_MAX_LENGTH,
    VACANCY_FIELDSETS,
    VACANCY_READ_ONLY_FIELDS,
    NoticeImportForm,
    VacancyAdminForm,
)
from .importing import (
    in_editors_language,
    notice_warnings,
    preview_notice,
    read_notice,
    vacancy_upsert_from_notice,
)
from .models import ImportPreview, Location, PlaceName, Vacancy
from .notices import NoticeParseError, notice_text_from_file, printable_name
from .services import OnImport, vacancy_set_status
from .templatetags.vacancies import site_time

# The texts an editor previewed are kept on the server (ImportPreview) under a signed key,
# so that what is saved is exactly what was shown.
PREVIEW_SALT = "vacancies.admin.import-preview"
PREVIEW_MAX_AGE = timedelta(days=1)
# Reading the files of one import stops after this long (each file and each notice also has
# its own limit), so that the request ends well within the server's 30 seconds.
IMPORT_READING_SECONDS = 15


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["city", "country", "city_fr", "country_fr"]
    list_editable = ["city_fr", "country_fr"]
    search_fields = ["city", "country", "city_fr", "country_fr"]
    ordering = ["country", "city"]


@admin.register(PlaceName)
class PlaceNameAdmin(admin.ModelAdmin):
    list_display = ["name", "place"]
    search_fields = ["name", "place"]


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
        "is_demonstration",
    ]
    list_display_links = ["reference", "title_en"]
    list_filter = [
        "status",
        DeadlineListFilter,
        GradeRangeListFilter,
        ("organisation_en", admin.AllValuesFieldListFilter),
        ("primary_location", admin.RelatedOnlyFieldListFilter),
        "risk_level",
    ]
    list_select_related = ["primary_location"]
    search_fields = [
        "reference",
        "title_en",
        "title_fr",
        "primary_location__city",
        "primary_location__city_fr",
    ]
    date_hierarchy = "deadline"
    ordering = ["-updated_at"]
    actions = ["publish", "archive"]
    autocomplete_fields = ["primary_location"]
    filter_horizontal = ["other_locations"]
    readonly_fields = VACANCY_READ_ONLY_FIELDS
    fieldsets = VACANCY_FIELDSETS

    class Media:
        css = {"all": ["css/admin.css"]}

    @admin.display(boolean=True, description=gettext_lazy("demonstration"))
    def is_demonstration(self, vacancy):
        return vacancy.is_demonstration

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

    def changelist_view(self, request, extra_context=None):
        # Django reads the date hierarchy's year, month and day into a date, and fails on a
        # number too large for one (OverflowError, a 500) where it handles other bad values
        # by showing the list unfiltered with ?e=1: the same here.
        for part in ("year", "month", "day"):
            value = request.GET.get(f"{self.date_hierarchy}__{part}")
            if value is not None and not (_is_key(value) and len(value) <= 4):
                return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return super().changelist_view(request, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        if not _is_key(object_id):
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """An earlier version, shown as a form; saving it restores it."""
        if not (_is_key(object_id) and _is_key(version_id)):
            raise Http404
        request.restoring_version = Vacancy.history.filter(
            id=object_id, history_id=version_id
        ).first()
        # Saved as the change form saves, in one transaction: the check that nobody saved
        # the vacancy meanwhile locks its row until the restored version is written.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return _VersionChanges(self.model, historical_record)

    def get_readonly_fields(self, request, obj=None):
        # The reference names the vacancy everywhere, imports included: set once.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "reference"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        restoring = getattr(request, "restoring_version", None)
        if change and restoring is None and not form.has_changed():
            return  # saved unchanged: no new version to record
        if obj.status == Vacancy.Status.PUBLISHED:
            obj.publish()
        if restoring is not None:
            obj._change_reason = _("Restored the version of %(when)s") % {
                "when": site_time(restoring.history_date)
            }
        else:
            obj._change_reason = _("Changed in the admin") if change else _("Added in the admin")
        super().save_model(request, obj, form, change)

    @admin.action(
        description=gettext_lazy("Publish the selected vacancies"), permissions=["change"]
    )
    def publish(self, request, queryset):
        self._change_status(request, queryset, Vacancy.Status.PUBLISHED, _("Published"))

    @admin.action(
        description=gettext_lazy("Archive the selected vacancies"), permissions=["change"]
    )
    def archive(self, request, queryset):
        self._change_status(request, queryset, Vacancy.Status.ARCHIVED, _("Archived"))

    def _change_status(self, request, queryset, status, reason):
        # One by one, so that each change enters the vacancy's history.
        changed = [vacancy_set_status(vacancy, status, reason=reason) for vacancy in queryset]
        count, unchanged = changed.count(True), changed.count(False)
        sentence = ngettext(
            "%(reason)s %(count)d vacancy.", "%(reason)s %(count)d vacancies.", count
        ) % {"reason": reason, "count": count}
        if unchanged:
            sentence += " " + ngettext(
                "%(count)d was already so.", "%(count)d were already so.", unchanged
            ) % {"count": unchanged}
        self.message_user(request, sentence, messages.SUCCESS)

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

    @method_decorator(csrf_exempt)  # checked below, once the upload is read
    def import_view(self, request):
        """Upload or paste notices, see what they hold, then save them as drafts or publish.

        The upload is read here, before the CSRF check that would otherwise read it first,
        so that one too large or with too many files is refused in the form, not with a bare
        error page; nothing is saved on that path. Every other request is checked for CSRF.
        """
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        try:
            request.POST, request.FILES  # noqa: B018 (reads the upload)
        except (TooManyFilesSent, RequestDataTooBig):
            return self._render_import(
                request,
                "admin/vacancies/vacancy/import.html",
                form=NoticeImportForm(),
                problems=[_too_much_sent_message()],
            )
        return csrf_protect(self._import)(request)

    def _import(self, request):
        if request.method == "POST" and "confirm" in request.POST:
            return self._import_confirmed(request)
        if request.method == "POST":
            form = NoticeImportForm(request.POST, request.FILES)
        else:
            form = NoticeImportForm()
        if form.is_bound and form.is_valid():
            deadline = monotonic() + IMPORT_READING_SECONDS
            sources, unreadable = _sources(form, deadline)
            previews, problems = _previews(sources, deadline)
            for problem in unreadable + problems:
                form.add_error(None, problem)
            if not unreadable and not problems:
                ImportPreview.objects.filter(
                    created_at__lt=timezone.now() - PREVIEW_MAX_AGE
                ).delete()
                kept = ImportPreview.objects.create(
                    user=request.user, sources=[list(source) for source in sources]
                )
                return self._render_import(
                    request,
                    "admin/vacancies/vacancy/import_preview.html",
                    previews=previews,
                    token=signing.dumps(str(kept.pk), salt=PREVIEW_SALT),
                )
        return self._render_import(request, "admin/vacancies/vacancy/import.html", form=form)

    def _import_confirmed(self, request):
        kept = _kept_preview(request)
        if kept is None:
            self.message_user(
                request,
                _("The preview has expired or was altered: upload the notices again."),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:vacancies_vacancy_import"))
        on_import = OnImport.PUBLISH if request.POST["confirm"] == "publish" else OnImport.DRAFT
        imported = []
        for name, text in kept.sources:
            try:
                result = vacancy_upsert_from_notice(
                    text=text, source_name=name, on_import=on_import
                )
            except (NoticeParseError, DatabaseError) as error:
                # Each notice is saved in its own transaction: the others stand.
                self.message_user(
                    request,
                    _("%(name)s: not saved (%(error)s)") % {"name": name, "error": _said(error)},
                    messages.ERROR,
                )
                continue
            vacancy = result.vacancy
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
        kept.delete()
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


class _VersionChanges(HistoricalRecordContextHelper):
    """What changed between two versions, as an editor reads values elsewhere in the
    admin: moments in the site's time zone, yes and no, a dash for nothing."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, datetime):
            return site_time(value)
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if value is None or value == "":
            return "—"
        return value


def _kept_preview(request) -> ImportPreview | None:
    """The preview this editor confirms, if the token is genuine, theirs and recent."""
    try:
        key = signing.loads(request.POST.get("token", ""), salt=PREVIEW_SALT)
    except signing.BadSignature:
        return None
    return ImportPreview.objects.filter(
        pk=key, user=request.user, created_at__gte=timezone.now() - PREVIEW_MAX_AGE
    ).first()


def _too_much_sent_message() -> str:
    return _(
        "Too much was sent at once: one import takes at most %(files)d files of %(size)s "
        "each, and a pasted notice of at most %(characters)s characters."
    ) % {
        "files": NOTICE_IMPORT_MAX_FILES,
        "size": NOTICE_MAX_SIZE,
        "characters": number_format(PASTED_NOTICE_MAX_LENGTH, force_grouping=True),
    }


def _out_of_time(name: str) -> str:
    return _(
        "%(name)s: not read, the import already took %(seconds)d seconds: import fewer "
        "files at once."
    ) % {"name": name, "seconds": IMPORT_READING_SECONDS}


def _sources(form: NoticeImportForm, deadline: float) -> tuple[list[tuple[str, str]], list[str]]:
    """(name, text) for each uploaded file and the pasted text, and a sentence for each
    file that cannot be read as text."""
    sources, problems = [], []
    for upload in form.cleaned_data["files"]:
        name = printable_name(upload.name)
        if monotonic() > deadline:
            problems.append(_out_of_time(name))
            continue
        try:
            sources.append((name, notice_text_from_file(name, upload.read())))
        except NoticeParseError as error:
            problems.append(_("%(name)s: %(error)s") % {"name": name, "error": _said(error)})
    if form.cleaned_data["text"].strip():
        sources.append((_("pasted text"), form.cleaned_data["text"]))
    return sources, problems


def _previews(sources: list[tuple[str, str]], deadline: float):
    previews, problems = [], []
    for name, text in sources:
        if monotonic() > deadline:
            problems.append(_out_of_time(name))
            continue
        try:
            previews.append((name, preview_notice(text=text)))
        except NoticeParseError as error:
            problems.append(_("%(name)s: %(error)s") % {"name": name, "error": _said(error)})
    references = [preview.notice.reference for _name, preview in previews]
    for reference in sorted({r for r in references if references.count(r) > 1}):
        problems.append(
            _("Reference %(reference)s is in more than one of these notices.")
            % {"reference": reference}
        )
    return previews, problems


def _said(error: Exception) -> str:
    """Why a notice was refused, in the editor's language."""
    return in_editors_language(error.message) if isinstance(error, NoticeParseError) else str(error)


def _is_key(value) -> bool:
    """Could ``value``, from an address, be a primary key? Anything else is not found."""
    value = str(value)
    return value.isascii() and value.isdecimal() and len(value) <= 18


def _warnings_of(vacancy: Vacancy) -> tuple[str, ...]:
    try:
        notice = read_notice(vacancy.source_text)
    except NoticeParseError as error:
        return (_("The original text can no longer be read: %(error)s") % {"error": _said(error)},)
    return notice_warnings(notice)


def _status_sentence(outcome, vacancy):
    status = vacancy.get_status_display().lower()
    sentences = {
        "created": _("created (%(status)s)."),
        "updated": _("updated (%(status)s)."),
        "unchanged": _("unchanged: the same text was imported before (%(status)s)."),
    }
    return sentences[outcome] % {"status": status}
