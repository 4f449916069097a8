"""The admin's door for notices: upload or paste, preview what was read and what would
change, then save them as drafts or publish, and see what became of each."""

from dataclasses import dataclass
from datetime import timedelta
from time import monotonic

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFilesSent
from django.db import DatabaseError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .forms import (
    NOTICE_IMPORT_MAX_FILES,
    NOTICE_MAX_SIZE,
    PASTED_NOTICE_MAX_LENGTH,
    NoticeImportForm,
)
from .importing import (
    ImportResult,
    Outcome,
    in_editors_language,
    preview_notice,
    vacancy_upsert_from_notice,
)
from .models import ImportPreview
from .notices import NoticeParseError, notice_text_from_file, printable_name
from .services import OnImport

# The texts an editor previewed are kept on the server (ImportPreview) under a signed key,
# so that what is saved is exactly what was shown.
PREVIEW_SALT = "vacancies.admin.import-preview"
PREVIEW_MAX_AGE = timedelta(days=1)
# Reading the files of one import stops after this long (each file and each notice also has
# its own limit), so that the request ends well within the server's 30 seconds.
IMPORT_READING_SECONDS = 15


@dataclass(frozen=True)
class ImportSummary:
    """What an import of several notices did, file by file, grouped as editors ask it:
    what is new, what changed, what was already there, what was refused and why."""

    created: list[tuple[str, ImportResult]]
    updated: list[tuple[str, ImportResult]]
    unchanged: list[tuple[str, ImportResult]]
    refused: list[tuple[str, str]]  # (file name, why)

    @classmethod
    def of(cls, saved: list[tuple[str, ImportResult]], refused: list[tuple[str, str]]):
        def having(outcome):
            return [(name, result) for name, result in saved if result.outcome == outcome]

        return cls(
            having(Outcome.CREATED), having(Outcome.UPDATED), having(Outcome.UNCHANGED), refused
        )


class NoticeImportViews:
    """The import pages of the vacancies' ModelAdmin."""

    def import_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="vacancies_vacancy_import",
            ),
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
        saved, refused = [], []
        for name, text in kept.sources:
            try:
                result = vacancy_upsert_from_notice(
                    text=text, source_name=name, on_import=on_import
                )
            except (NoticeParseError, DatabaseError) as error:
                # Each notice is saved in its own transaction: the others stand.
                refused.append((name, said(error)))
                continue
            saved.append((name, result))
        kept.delete()
        if len(saved) == 1 and not refused:
            name, result = saved[0]
            vacancy = result.vacancy
            sentence = _status_sentence(result.outcome, vacancy)
            self.message_user(request, f"{name}: {vacancy} — {sentence}", messages.SUCCESS)
            return HttpResponseRedirect(
                reverse("admin:vacancies_vacancy_change", args=[vacancy.pk])
            )
        return self._render_import(
            request,
            "admin/vacancies/vacancy/import_summary.html",
            summary=ImportSummary.of(saved, refused),
            subtitle=_("What was saved"),
        )

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
            problems.append(_("%(name)s: %(error)s") % {"name": name, "error": said(error)})
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
            problems.append(_("%(name)s: %(error)s") % {"name": name, "error": said(error)})
    references = [preview.notice.reference for _name, preview in previews]
    for reference in sorted({r for r in references if references.count(r) > 1}):
        problems.append(
            _("Reference %(reference)s is in more than one of these notices.")
            % {"reference": reference}
        )
    return previews, problems


def said(error: Exception) -> str:
    """Why a notice was refused, in the editor's language."""
    return in_editors_language(error.message) if isinstance(error, NoticeParseError) else str(error)


def _status_sentence(outcome, vacancy):
    status = vacancy.get_status_display().lower()
    sentences = {
        "created": _("created (%(status)s)."),
        "updated": _("updated (%(status)s)."),
        "unchanged": _("unchanged: the same text was imported before (%(status)s)."),
    }
    return sentences[outcome] % {"status": status}
