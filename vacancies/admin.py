"""The HR editors' admin: import, check, edit, publish and archive notices."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from . import display
from .admin_filters import DeadlineListFilter, GradeRangeListFilter, WarningsListFilter
from .admin_import import NoticeImportViews, said
from .admin_widgets import LabelledRowForm, NamedAutocompleteSelect
from .forms import VACANCY_FIELDSETS, VACANCY_READ_ONLY_FIELDS, VacancyAdminForm
from .importing import notice_warnings, read_notice
from .models import Location, PlaceName, Vacancy
from .notices import NoticeParseError
from .services import RESTORED, location_renamed, vacancy_set_status
from .views import vacancy_page


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["city", "country", "city_fr", "country_fr"]
    list_editable = ["city_fr", "country_fr"]
    search_fields = ["city", "country", "city_fr", "country_fr"]
    ordering = ["country", "city"]

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=LabelledRowForm, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.has_changed():
            location_renamed(obj)


@admin.register(PlaceName)
class PlaceNameAdmin(admin.ModelAdmin):
    list_display = ["name", "place"]
    search_fields = ["name", "place"]


@admin.register(Vacancy)
class VacancyAdmin(NoticeImportViews, SimpleHistoryAdmin):
    form = VacancyAdminForm
    list_display = [
        "reference",
        "title_en",
        "grade_label",
        "primary_location",
        "closes",
        "status",
        "risk_level",
        "warnings",
        "last_changed",
        "is_demonstration",
    ]
    list_display_links = ["reference", "title_en"]
    list_filter = [
        "status",
        WarningsListFilter,
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

    @admin.display(description=gettext_lazy("application deadline"), ordering="deadline")
    def closes(self, vacancy):
        if vacancy.deadline_ongoing:
            return _("Ongoing")
        return display.site_time(vacancy.deadline) or "—"

    @admin.display(description=gettext_lazy("last changed"), ordering="updated_at")
    def last_changed(self, vacancy):
        return display.site_time(vacancy.updated_at)

    @admin.display(description=gettext_lazy("warnings to check"), ordering="warning_count")
    def warnings(self, vacancy):
        return vacancy.warning_count or "—"

    @admin.display(boolean=True, description=gettext_lazy("demonstration"))
    def is_demonstration(self, vacancy):
        return vacancy.is_demonstration

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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                NamedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        def view(method, route, name):
            return path(route, self.admin_site.admin_view(method), name=f"vacancies_vacancy_{name}")

        return [
            *self.import_urls(),
            view(self.page_preview_view, "<path:object_id>/preview/<str:language>/", "preview"),
            view(self.original_notice_view, "<path:object_id>/original/", "original"),
            *super().get_urls(),
        ]

    def get_view_on_site_url(self, obj=None):
        # Drafts and archived vacancies have no public page: the change form offers their
        # preview instead (change_form_object_tools.html).
        if obj is None or obj.status != Vacancy.Status.PUBLISHED:
            return None
        return super().get_view_on_site_url(obj)

    def page_preview_view(self, request, object_id, language):
        """The vacancy's public page as candidates would see it, whatever its status."""
        if language not in dict(settings.LANGUAGES):
            raise Http404
        vacancy = self._viewable_vacancy(request, object_id, Vacancy.objects.for_detail())
        urls = {
            code: reverse("admin:vacancies_vacancy_preview", args=[vacancy.pk, code])
            for code, _name in settings.LANGUAGES
        }
        change_url = reverse("admin:vacancies_vacancy_change", args=[vacancy.pk])
        with translation.override(language):
            return vacancy_page(request, vacancy, preview_of=change_url, language_urls=urls)

    def original_notice_view(self, request, object_id):
        """The notice's text as it was imported, on a page of its own: to read beside the
        change form."""
        vacancy = self._viewable_vacancy(request, object_id, Vacancy.objects.all())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": vacancy,
            "title": _("Original notice of %(vacancy)s") % {"vacancy": vacancy},
        }
        return TemplateResponse(request, "admin/vacancies/vacancy/original_notice.html", context)

    def _viewable_vacancy(self, request, object_id, vacancies):
        vacancy = vacancies.filter(pk=object_id).first() if _is_key(object_id) else None
        if vacancy is None:
            raise Http404
        if not self.has_view_permission(request, vacancy):
            raise PermissionDenied
        return vacancy

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
            obj._change_reason = RESTORED + restoring.history_date.isoformat()
        elif change:
            obj._change_reason = gettext_noop("Changed in the admin")
        else:
            obj._change_reason = gettext_noop("Added in the admin")
        super().save_model(request, obj, form, change)

    @admin.action(
        description=gettext_lazy("Publish the selected vacancies"), permissions=["change"]
    )
    def publish(self, request, queryset):
        self._change_status(request, queryset, Vacancy.Status.PUBLISHED, gettext_noop("Published"))

    @admin.action(
        description=gettext_lazy("Archive the selected vacancies"), permissions=["change"]
    )
    def archive(self, request, queryset):
        self._change_status(request, queryset, Vacancy.Status.ARCHIVED, gettext_noop("Archived"))

    def _change_status(self, request, queryset, status, reason):
        # One by one, so that each change enters the vacancy's history.
        changed = [vacancy_set_status(vacancy, status, reason=reason) for vacancy in queryset]
        count, unchanged = changed.count(True), changed.count(False)
        sentence = ngettext(
            "%(reason)s %(count)d vacancy.", "%(reason)s %(count)d vacancies.", count
        ) % {"reason": _(reason), "count": count}
        if unchanged:
            sentence += " " + ngettext(
                "%(count)d was already so.", "%(count)d were already so.", unchanged
            ) % {"count": unchanged}
        self.message_user(request, sentence, messages.SUCCESS)


class _VersionChanges(HistoricalRecordContextHelper):
    """What changed between two versions, each value shown as everywhere in the admin
    (vacancies/display.py), the duty station by name, a dash for nothing."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, Location):
            value = value.name
        return display.vacancy_value(change.field, value) or "—"


def _is_key(value) -> bool:
    """Could ``value``, from an address, be a primary key? Anything else is not found."""
    value = str(value)
    return value.isascii() and value.isdecimal() and len(value) <= 18


def _warnings_of(vacancy: Vacancy) -> tuple[str, ...]:
    try:
        notice = read_notice(vacancy.source_text)
    except NoticeParseError as error:
        return (_("The original text can no longer be read: %(error)s") % {"error": said(error)},)
    return notice_warnings(notice)
