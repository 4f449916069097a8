import uuid
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchConfig, SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def place_name(city: str, country: str, city_fr: str, country_fr: str, *, french: bool) -> str:
    """'City, Country', in French where the French names are known: how a place is named
    on every page, in every list of choices and in the admin."""
    if french:
        return f"{city_fr or city}, {country_fr or country}"
    return f"{city}, {country}"


def in_country(name: str) -> Q:
    """Locations in the country called ``name``, in English or French, in any case."""
    return Q(country__iexact=name) | Q(country_fr__iexact=name)


def offered_by(name: str) -> Q:
    """Vacancies offered by the organisation called ``name`` in English or French."""
    return Q(organisation_en=name) | Q(organisation_fr=name)


class Location(models.Model):
    """A duty station, named in both languages."""

    country = models.CharField(_("country"), max_length=100)
    city = models.CharField(_("city"), max_length=100)
    country_fr = models.CharField(_("country (French)"), max_length=100, blank=True)
    city_fr = models.CharField(_("city (French)"), max_length=100, blank=True)

    class Meta:
        # A city is one place within its country, whatever the notices call it in French.
        constraints = [
            models.UniqueConstraint(fields=["country", "city"], name="unique_location"),
        ]
        ordering = ["country", "city"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self):
        return self.name  # in the admin, in the editor's language

    @property
    def name(self):
        """'City, Country' in the active language (English where no French name is known)."""
        names = (self.city, self.country, self.city_fr, self.country_fr)
        return place_name(*names, french=get_language() == "fr")


class PlaceName(models.Model):
    """Another name candidates type for a place: its name in another language, the local
    one, an older spelling. A search naming it finds the vacancies located there."""

    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        help_text=_("As candidates may type it, e.g. Kiev, Den Haag. Case and accents do not "
                    "matter."),
    )  # fmt: skip
    place = models.CharField(
        _("place"),
        max_length=100,
        help_text=_("The city or the country it names, as the locations name it in English, "
                    "e.g. Kyiv, The Hague, Netherlands."),
    )  # fmt: skip

    class Meta:
        ordering = ["place", "name"]
        verbose_name = _("place name")
        verbose_name_plural = _("place names")

    def __str__(self):
        return f"{self.name} → {self.place}"

    def clean(self):
        # A place no location is called by would make the name find nothing, silently.
        place = self.place.strip()
        named = Q(city__iexact=place) | Q(country__iexact=place)
        if place and not Location.objects.filter(named).exists():
            raise ValidationError(
                {
                    "place": _(
                        "No location is called “%(place)s”: name a city or a country as the "
                        "locations name it in English."
                    )
                    % {"place": place}
                }
            )


# The source of every generated vacancy (generate_vacancies): demonstration data, shown as
# such wherever it appears.
GENERATED = "generated"


# What a reference can be: the digits notices give ('260063'), or letters, digits and dashes
# for one typed in the admin. Vacancy addresses accept only this (vacancies/urls.py).
REFERENCE_PATTERN = r"[0-9A-Za-z][0-9A-Za-z-]{0,15}"


# When a vacancy closes, as one sortable value: a post without a deadline closes never,
# after all the others. Open posts are a range of it, so an index gives them in order.
NO_DEADLINE = datetime(9999, 12, 31, tzinfo=UTC)
CLOSING = Coalesce("deadline", models.Value(NO_DEADLINE, output_field=models.DateTimeField()))


# "Closing within 7 days": the list's filter, its counts and the badge on a vacancy.
CLOSING_SOON = timedelta(days=7)


def still_open(now):
    return GreaterThanOrEqual(CLOSING, now)


class VacancyQuerySet(models.QuerySet):
    def published(self) -> "VacancyQuerySet":
        return self.filter(status=Vacancy.Status.PUBLISHED)

    def open(self, now=None):
        """Still taking applications: no deadline (or 'ongoing'), or it has not passed."""
        return self.filter(still_open(now or timezone.now()))

    def closed(self, now=None):
        """The deadline has passed."""
        return self.filter(deadline__lt=now or timezone.now())

    def for_listing(self) -> "VacancyQuerySet":
        """Just what a list shows: the long texts and search vectors stay in the database."""
        return (
            self.select_related("primary_location")
            .prefetch_related("other_locations")
            .only(*LISTED_FIELDS, "primary_location__country", "primary_location__city",
                  "primary_location__country_fr", "primary_location__city_fr")
        )  # fmt: skip

    def for_detail(self):
        return (
            self.select_related("primary_location")
            .prefetch_related("other_locations")
            .defer("source_text", *SEARCH_VECTORS)
        )


LISTED_FIELDS = (
    "reference", "title_en", "title_fr", "organisation_en", "organisation_fr", "deadline",
    "deadline_ongoing", "grade_label", "grade_min", "grade_max", "clearance", "risk_level",
    "unaccompanied", "pending_budget_approval", "published_at", "primary_location",
    "salary_amount", "salary_currency", "salary_period", "source_name", "updated_at",
)  # fmt: skip
SEARCH_VECTORS = ("search_en", "search_fr", "title_search_en", "title_search_fr")
LISTING_INDEX = (
    "id", "reference", "deadline", "published_at", "grade_min", "grade_max", "risk_level",
    "clearance", "primary_location", "organisation_en", "organisation_fr",
)  # fmt: skip


class _JSONStringsVector(models.Func):
    """to_tsvector over every string value of a JSON document: section headings and texts.

    The two-argument form with an explicit configuration is immutable, so PostgreSQL can
    keep it in a generated column.
    """

    function = "jsonb_to_tsvector"
    output_field = SearchVectorField()

    def __init__(self, expression, *, config):
        strings_only = Cast(models.Value('["string"]'), models.JSONField())
        super().__init__(SearchConfig(config), expression, strings_only)


# The sections every notice repeats nearly word for word, headed in either language: how to
# apply and the organisation's standard conditions. Search leaves them out: they match the
# common words of nearly every search in every notice (noise for ranking), and turning them
# into vectors was a third of the database's time importing a notice.
STANDARD_SECTION_HEADINGS = (
    "^(useful information regarding|additional information"
    "|informations utiles concernant|informations compl[ée]mentaires)"
)


_OWN_SECTIONS_PATH = f'$[*] ? (!(@.heading like_regex "{STANDARD_SECTION_HEADINGS}" flag "i"))'


class _OwnSections(models.Func):
    """The sections of a JSON list of them but the standard ones (by their headings, in any
    case): what the notice itself says. Immutable, as a generated column needs."""

    function = "jsonb_path_query_array"
    template = f"%(function)s(%(expressions)s, '{_OWN_SECTIONS_PATH}')"
    output_field = models.JSONField()


def _weighted(vector, weight):
    return models.Func(
        vector, models.Value(weight), function="setweight", output_field=SearchVectorField()
    )


# The text-search configuration of each language: its stemming, after unaccent, so that
# "securite" finds "sécurité" and "Kyïv" finds "Kyiv" (created by migration 0012).
SEARCH_CONFIGS = {"en": "english_unaccent", "fr": "french_unaccent"}


def _search_vector(language):
    """Title weighs more than the notice's own sections; kept current by PostgreSQL itself."""
    config = SEARCH_CONFIGS[language]
    sections = _OwnSections(models.F(f"sections_{language}"))
    return CombinedExpression(
        SearchVector(f"title_{language}", config=config, weight="A"),
        "||",
        _weighted(_JSONStringsVector(sections, config=config), "B"),
        output_field=SearchVectorField(),
    )


class Vacancy(models.Model):
    """One vacancy notice: the English half is the record, the French half its translation."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class RiskLevel(models.TextChoices):
        EXTREME = "extreme", _("Extreme risk")
        HIGH = "high", _("High risk")
        MEDIUM = "medium", _("Medium risk")
        LOW = "low", _("Low risk")

    reference = models.CharField(
        _("reference"),
        max_length=16,
        unique=True,
        validators=[
            RegexValidator(
                f"^{REFERENCE_PATTERN}$",
                _(
                    "A reference is made of letters, digits and dashes, and starts with one "
                    "of the first two."
                ),
            )
        ],
    )
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    organisation_en = models.CharField(_("organisation (English)"), max_length=200, blank=True)
    organisation_fr = models.CharField(_("organisation (French)"), max_length=200, blank=True)
    schedule_en = models.CharField(_("schedule (English)"), max_length=100, blank=True)
    schedule_fr = models.CharField(_("schedule (French)"), max_length=100, blank=True)

    primary_location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_vacancies",
        verbose_name=_("duty station"),
    )
    other_locations = models.ManyToManyField(
        Location, blank=True, related_name="other_vacancies", verbose_name=_("other locations")
    )

    deadline = models.DateTimeField(_("application deadline"), null=True, blank=True)
    deadline_ongoing = models.BooleanField(_("ongoing (no deadline)"), default=False)
    salary_amount = models.DecimalField(
        _("salary"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    salary_currency = models.CharField(_("salary currency"), max_length=3, blank=True)
    salary_period = models.CharField(_("salary period"), max_length=10, blank=True)
    grade_label = models.CharField(_("grade"), max_length=20, blank=True)
    grade_min = models.PositiveSmallIntegerField(_("lowest grade"), null=True, blank=True)
    grade_max = models.PositiveSmallIntegerField(_("highest grade"), null=True, blank=True)
    clearance = models.CharField(_("security clearance"), max_length=50, blank=True)

    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, blank=True
    )
    risk_note_en = models.TextField(_("risk note (English)"), blank=True)
    risk_note_fr = models.TextField(_("risk note (French)"), blank=True)
    unaccompanied = models.BooleanField(_("unaccompanied post"), default=False)
    pending_budget_approval = models.BooleanField(_("pending budget approval"), default=False)

    # [{"heading": ..., "text": ...}, ...] in reading order, per language.
    sections_en = models.JSONField(_("sections (English)"), default=list, blank=True)
    sections_fr = models.JSONField(_("sections (French)"), default=list, blank=True)

    source_text = models.TextField(_("original notice text"))
    source_sha256 = models.CharField(_("SHA-256 of the original text"), max_length=64)
    source_name = models.CharField(_("imported from"), max_length=255, blank=True)
    # What the imported notice gives editors to check (checks.py), counted for the admin.
    warning_count = models.PositiveSmallIntegerField(_("warnings to check"), default=0)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    search_en = models.GeneratedField(
        expression=_search_vector("en"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    search_fr = models.GeneratedField(
        expression=_search_vector("fr"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    # Titles alone, for ranking search results: reading these small vectors is cheap where
    # reading the whole notice's vector for every match is not.
    title_search_en = models.GeneratedField(
        expression=SearchVector("title_en", config=SEARCH_CONFIGS["en"]),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    title_search_fr = models.GeneratedField(
        expression=SearchVector("title_fr", config=SEARCH_CONFIGS["fr"]),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = VacancyQuerySet.as_manager()
    # On the vacancies of a search's page (selectors.vacancy_list_page): why each matched.
    search_extract: str = ""
    # Every version, whoever saved it and however (admin, actions, importer). Not kept: what
    # follows from the text, and the original notice, the last one imported (named in the
    # change reason): copying its ~35 KB into every version would slow imports by a tenth.
    history = HistoricalRecords(
        excluded_fields=[*SEARCH_VECTORS, "source_text", "source_sha256", "warning_count"]
    )

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        ordering = ["deadline", "reference"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="vacancy_status_deadline"),
            # Open vacancies are one range of it, in closing order, with everything the list's
            # counts and ordering read: the counts and the first page come from the index.
            models.Index(F("status"), CLOSING, include=LISTING_INDEX, name="vacancy_closing"),
            models.Index(fields=["grade_min", "grade_max"], name="vacancy_grade_range"),
            # The list's other orders: the first page comes straight from an index.
            models.Index(
                F("status"), F("published_at").desc(nulls_last=True), name="vacancy_recent"
            ),
            models.Index(
                F("status"), F("grade_max").desc(nulls_last=True), name="vacancy_grade_high"
            ),
            models.Index(fields=["status", "grade_min"], name="vacancy_grade_low"),
            models.Index(fields=["risk_level"], name="vacancy_risk_level"),
            # A file imported again is known unchanged by its text's digest, before parsing.
            models.Index(fields=["source_sha256"], name="vacancy_source_sha256"),
            GinIndex(fields=["search_en"], name="vacancy_search_en"),
            GinIndex(fields=["search_fr"], name="vacancy_search_fr"),
            # The titles' words, read into each process's memory as searches ask for them
            # (vacancies/word_sets.py): the best matches have them.
            GinIndex(fields=["title_search_en"], name="vacancy_title_search_en"),
            GinIndex(fields=["title_search_fr"], name="vacancy_title_search_fr"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade_min__lte=models.F("grade_max"))
                | Q(grade_min__isnull=True)
                | Q(grade_max__isnull=True),
                name="vacancy_grade_range_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(deadline_ongoing=True, deadline__isnull=False),
                name="vacancy_ongoing_has_no_deadline",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title_en}"

    def get_absolute_url(self):
        return reverse("vacancies:detail", kwargs={"reference": self.reference})

    @property
    def is_demonstration(self) -> bool:
        """Generated to try the board out, not a real post."""
        return self.source_name == GENERATED

    # The paired text in the active language. A notice without a French half shows its
    # English text on French pages, and says so: ``content_language`` tells which it is.

    @property
    def has_french(self):
        return bool(self.title_fr)

    @property
    def content_language(self):
        return "fr" if get_language() == "fr" and self.has_french else "en"

    def _in_content_language(self, field):
        return getattr(self, f"{field}_{self.content_language}")

    @property
    def title(self):
        return self._in_content_language("title")

    @property
    def sections(self):
        return self._in_content_language("sections")

    @property
    def risk_note(self):
        return self._in_content_language("risk_note")

    @property
    def contract_summary(self):
        """The contract offered: the first paragraph of the notice's contract section."""
        for section in self.sections:
            if section["heading"].casefold().startswith(("contract", "contrat")):
                return section["text"].split("\n\n")[0]
        return ""

    @property
    def organisation(self):
        return self._in_content_language("organisation") or self.organisation_en

    @property
    def schedule(self):
        return self._in_content_language("schedule") or self.schedule_en

    def publish(self, *, now: datetime | None = None) -> None:
        """Show on the public site; the first publication date is kept."""
        self.status = self.Status.PUBLISHED
        self.published_at = self.published_at or now or timezone.now()

    def archive(self) -> None:
        """Take off the public site, keeping everything (editors archive; they never delete)."""
        self.status = self.Status.ARCHIVED

    @property
    def is_open(self):
        return self.deadline is None or self.deadline >= timezone.now()


class ImportPreview(models.Model):
    """Notices an editor has read in the admin's import and not saved yet.

    The texts stay on the server between the preview and the editor's choice: what is saved
    is exactly what was shown, and none of it travels back through the browser. A preview
    belongs to its editor and is deleted once saved, or a day later.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # [[file name, notice text], ...] in the order shown.
    sources = models.JSONField()

    class Meta:
        verbose_name = _("import preview")
        verbose_name_plural = _("import previews")

    def __str__(self):
        return ", ".join(name for name, _text in self.sources)
