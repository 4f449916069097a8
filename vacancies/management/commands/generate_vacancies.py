"""Fill the database with synthetic vacancies, to try the public pages at scale and time them.

    python manage.py generate_vacancies [--count N] [--seed S] [--jobs N]
    python manage.py generate_vacancies --delete

Each sample notice in fixtures/notices is parsed once and mapped to columns exactly as an
import maps it; every vacancy made from it then gets its own reference (eight digits
starting with 9, so never a real six-digit one), deadline, grade, duty stations, risk,
clearance, organisation, status and a lightly varied title. They are marked
``source_name="generated"``, and ``--delete`` removes those and nothing else.
"""

import math
import os
import queue
import random
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Field, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Replace
from django.utils import timezone

from vacancies.counting_cache import forget_counts
from vacancies.importing import source_digest, vacancy_fields_from_notice
from vacancies.models import Location, Vacancy
from vacancies.notices import notice_text_from_file, parse_notice

GENERATED = "generated"
SAMPLES = Path(settings.BASE_DIR) / "fixtures" / "notices"
BATCH_SIZE = 1000
MAX_COUNT = 1_000_000  # references are drawn from ten million


@dataclass(frozen=True)
class Station:
    country: str
    city: str
    country_fr: str
    city_fr: str
    weight: float
    organisation: str
    risk: str = ""
    currency: str = "EUR"


ORGANISATIONS = {
    "IS": ("NATO International Staff (NATO IS)", "OTAN SI"),
    "IMS": ("NATO International Military Staff (NATO IMS)", "OTAN EMI"),
    "NCIA": (
        "NATO Communications and Information Agency (NCIA)",
        "Agence OTAN d'information et de communication (NCIA)",
    ),
    "NSPA": (
        "NATO Support and Procurement Agency (NSPA)",
        "Agence OTAN de soutien et d'acquisition (NSPA)",
    ),
    "ACO": ("Allied Command Operations (ACO)", "Commandement allié Opérations (ACO)"),
    "ACT": ("Allied Command Transformation (ACT)", "Commandement allié Transformation (ACT)"),
    "STO": (
        "NATO Science and Technology Organization (STO)",
        "Organisation OTAN pour la science et la technologie (STO)",
    ),
    "NDC": ("NATO Defense College (NDC)", "Collège de défense de l'OTAN (NDC)"),
}
ORGANISATION_KEYS = list(ORGANISATIONS)

# Weights roughly follow where the posts are: headquarters first, missions last.
STATIONS = (
    Station("Belgium", "Brussels", "Belgique", "Bruxelles", 24, "IS"),
    Station("Belgium", "Mons", "Belgique", "Mons", 10, "ACO"),
    Station("Netherlands", "The Hague", "Pays-Bas", "La Haye", 6, "NCIA"),
    Station("Netherlands", "Brunssum", "Pays-Bas", "Brunssum", 3, "ACO"),
    Station("Luxembourg", "Capellen", "Luxembourg", "Capellen", 6, "NSPA"),
    Station("Italy", "Naples", "Italie", "Naples", 5, "ACO"),
    Station("Italy", "Rome", "Italie", "Rome", 2, "NDC"),
    Station("Italy", "La Spezia", "Italie", "La Spezia", 1, "STO"),
    Station("Ukraine", "Kyiv", "Ukraine", "Kiev", 4, "IS", risk="extreme"),
    Station("Norway", "Stavanger", "Norvège", "Stavanger", 2, "ACT", currency="NOK"),
    Station("Poland", "Bydgoszcz", "Pologne", "Bydgoszcz", 2, "ACT", currency="PLN"),
    Station("Portugal", "Lisbon", "Portugal", "Lisbonne", 2, "ACO"),
    Station("Portugal", "Oeiras", "Portugal", "Oeiras", 1, "ACT"),
    Station("United States", "Norfolk", "États-Unis", "Norfolk", 5, "ACT", currency="USD"),
    Station("United States", "Washington", "États-Unis", "Washington", 1, "IMS", currency="USD"),
    Station("Germany", "Ramstein", "Allemagne", "Ramstein", 3, "ACO"),
    Station("Germany", "Geilenkirchen", "Allemagne", "Geilenkirchen", 2, "ACO"),
    Station("Germany", "Ulm", "Allemagne", "Ulm", 1, "ACO"),
    Station("Germany", "Kalkar", "Allemagne", "Kalkar", 1, "ACO"),
    Station("Germany", "Oberammergau", "Allemagne", "Oberammergau", 1, "ACT"),
    Station("Türkiye", "Izmir", "Türkiye", "Izmir", 2, "ACO"),
    Station("United Kingdom", "Northwood", "Royaume-Uni", "Northwood", 2, "ACO", currency="GBP"),
    Station("France", "Paris", "France", "Paris", 1, "STO"),
    Station("Spain", "Torrejón", "Espagne", "Torrejón", 1, "ACO"),
    Station("Romania", "Bucharest", "Roumanie", "Bucarest", 1, "ACO"),
    Station("Lithuania", "Vilnius", "Lituanie", "Vilnius", 1, "ACO"),
    Station("Latvia", "Riga", "Lettonie", "Riga", 1, "ACO"),
    Station("Estonia", "Tallinn", "Estonie", "Tallinn", 1, "NCIA"),
    Station("Hungary", "Budapest", "Hongrie", "Budapest", 1, "NSPA"),
    Station("Iraq", "Baghdad", "Irak", "Bagdad", 1.5, "IMS", risk="extreme"),
    Station("Kosovo", "Pristina", "Kosovo", "Pristina", 3, "ACO", risk="high"),
    Station("Georgia", "Tbilisi", "Géorgie", "Tbilissi", 2, "IS", risk="high"),
    Station(
        "Bosnia and Herzegovina", "Sarajevo", "Bosnie-Herzégovine", "Sarajevo", 1, "ACO", "high"
    ),
)
STATION_WEIGHTS = [station.weight for station in STATIONS]

# Units per euro, near enough for plausible local-currency salaries.
RATES = {"EUR": 1.0, "USD": 1.1, "GBP": 0.85, "NOK": 11.5, "PLN": 4.3}

GRADES = range(5, 25)
GRADE_WEIGHTS = [min(grade - 4, 25 - grade, 8) for grade in GRADES]  # mostly mid-career
OLDER_SCHEME_GRADES = ("A.2", "A.3", "B.4", "B.5", "C.3", "C.5")

# (English, French) title patterns: a rank in front, a field of work after, a reserve list.
RANKS = (
    ("Senior {}", "{} principal(e)"),
    ("Deputy {}", "{} adjoint(e)"),
    ("Acting {}", "{} par intérim"),
)
FIELDS = (
    ("Logistics", "Logistique"),
    ("Cyber Security", "Cybersécurité"),
    ("Finance", "Finances"),
    ("Human Resources", "Ressources humaines"),
    ("Public Diplomacy", "Diplomatie publique"),
    ("Infrastructure", "Infrastructure"),
    ("Procurement", "Achats"),
    ("Legal Affairs", "Affaires juridiques"),
    ("Intelligence", "Renseignement"),
    ("Air and Missile Defence", "Défense aérienne et antimissile"),
    ("Operations", "Opérations"),
    ("Information Technology", "Technologies de l'information"),
    ("Policy and Planning", "Politique et planification"),
    ("Energy Security", "Sécurité énergétique"),
    ("Crisis Management", "Gestion des crises"),
)
RANKED_ALREADY = ("Senior", "Deputy", "Acting", "Head", "Chief", "Director")
RESERVE_LIST = (" (+ Reserve list)", " (+ liste de réserve)")

RISK_NOTES = {
    "extreme": ("an extreme", "très haut"),
    "high": ("a high", "haut"),
}


@dataclass(frozen=True)
class Sample:
    reference: str
    text: str
    fields: dict


Row = tuple[Vacancy, list[Location]]  # a vacancy, not saved yet, and its other locations


class Command(BaseCommand):
    help = (
        "Create synthetic vacancies from the sample notices (to try and measure the public "
        "pages at scale), or delete them with --delete."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--count", type=int, default=20_000, metavar="N", help="How many (default 20,000)."
        )
        parser.add_argument(
            "--seed",
            type=int,
            metavar="S",
            help="Random seed: the same seed gives the same vacancies (default: a new one).",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            metavar="N",
            help="Database connections writing at once (default: one per core).",
        )
        parser.add_argument(
            "--delete",
            action="store_true",
            help="Delete the generated vacancies, and only them, instead of creating any.",
        )

    def handle(self, *args, count, seed, jobs, delete, **options):
        start = time.perf_counter()
        if delete:
            deleted = delete_generated_vacancies()
            elapsed = time.perf_counter() - start
            self.stdout.write(f"Deleted {deleted:,} generated vacancies in {elapsed:.1f} s.")
            return
        if not 1 <= count <= MAX_COUNT:
            raise CommandError(f"--count takes a whole number from 1 to {MAX_COUNT:,}.")
        if jobs < 1:
            raise CommandError("--jobs takes a whole number of connections, 1 or more.")
        if seed is None:
            seed = random.randrange(1_000_000)
        generate_vacancies(count=count, seed=seed, jobs=jobs)
        elapsed = time.perf_counter() - start
        self.stdout.write(
            f"Created {count:,} generated vacancies (seed {seed}) in {elapsed:.1f} s."
        )


def generate_vacancies(
    *, count: int, seed: int, jobs: int = 1, batch_size: int = BATCH_SIZE
) -> list[str]:
    """Create ``count`` vacancies and return their references; one seed, one set of rows.

    Most of the time goes to PostgreSQL computing each row's search vectors, so with
    ``jobs`` > 1 the batches are shared among that many connections, each batch in its
    own transaction, and a failure deletes what the run wrote. Called inside a transaction
    (a test, say), everything stays in it: other connections could not see its rows.
    """
    concurrent = jobs > 1 and not connection.in_atomic_block
    rng = random.Random(seed)
    samples = _samples()
    with transaction.atomic():
        maker = _Maker(rng, _station_locations())
        taken = Vacancy.objects.filter(reference__startswith="9").values_list(
            "reference", flat=True
        )
        references = _free_references(rng, count, set(taken))
        # One vacancy from each sample first, whole: the others copy their long columns
        # (sections, notice text) from it inside PostgreSQL rather than each sending and
        # escaping some 60 KB from here.
        starters = samples[:count]
        firsts = [
            maker.row(reference, sample)
            for reference, sample in zip(references, starters, strict=False)
        ]
        _insert(firsts)
        templates = {
            sample.reference: _Template(vacancy)
            for (vacancy, _), sample in zip(firsts, starters, strict=True)
        }

        def the_others():
            for reference in references[len(firsts) :]:
                sample = rng.choice(samples)
                yield maker.row(reference, sample, templates[sample.reference])

        rows = the_others()
        if not concurrent:
            for batch in _batches(rows, batch_size):
                _insert(batch)
            return references
    try:
        _insert_concurrently(_batches(rows, batch_size), jobs)
    except BaseException:
        Vacancy.objects.filter(reference__in=references, source_name=GENERATED).only("pk").delete()
        raise
    return references


def delete_generated_vacancies() -> int:
    """Delete the generated vacancies, then the duty stations they added that nothing uses."""
    with transaction.atomic():
        # Only the keys: the collector would otherwise read every row's long columns.
        _, deleted = Vacancy.objects.filter(source_name=GENERATED).only("pk").delete()
        Location.objects.filter(
            _any_station(),
            primary_vacancies__isnull=True,
            other_vacancies__isnull=True,
        ).delete()
    return deleted.get(Vacancy._meta.label, 0)


def _insert(rows: list[Row]) -> None:
    vacancies = [vacancy for vacancy, _ in rows]
    # Without ignore_conflicts, bulk_create has PostgreSQL send back every row's generated
    # columns, the search vectors, tens of KB a row. The references were free when drawn,
    # so nothing is skipped; the keys are read back by reference.
    Vacancy.objects.bulk_create(vacancies, ignore_conflicts=True)
    keys = dict(
        Vacancy.objects.filter(
            reference__in=[vacancy.reference for vacancy in vacancies], source_name=GENERATED
        ).values_list("reference", "pk")
    )
    if len(keys) != len(vacancies):
        raise CommandError("Another process took some of the references drawn; run again.")
    links = Vacancy.other_locations.through
    links.objects.bulk_create(
        links(vacancy_id=keys[vacancy.reference], location=location)
        for vacancy, others in rows
        for location in others
    )
    for vacancy in vacancies:
        vacancy.pk = keys[vacancy.reference]
    forget_counts()  # bulk inserts send no signals: the list's cached counts are told here


def _batches(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert_concurrently(batches: Iterator[list[Row]], jobs: int) -> None:
    """Insert the batches over ``jobs`` connections of their own, one transaction a batch.

    This thread makes the rows while the others wait on PostgreSQL; the first error
    stops the run and is raised here.
    """
    waiting: queue.Queue[list[Row] | None] = queue.Queue(maxsize=jobs)
    errors: list[BaseException] = []

    def insert_batches():
        try:
            # Keep taking batches after an error, so that the producer never blocks.
            while (batch := waiting.get()) is not None:
                if not errors:
                    with transaction.atomic():
                        _insert(batch)
        except BaseException as error:
            errors.append(error)
            while waiting.get() is not None:
                pass
        finally:
            connection.close()

    workers = [threading.Thread(target=insert_batches) for _ in range(jobs)]
    for worker in workers:
        worker.start()
    try:
        for batch in batches:
            if errors:
                break
            waiting.put(batch)
    finally:
        for _ in workers:
            waiting.put(None)
        for worker in workers:
            worker.join()
    if errors:
        raise errors[0]


class _Template:
    """A saved vacancy whose long columns the next ones from the same sample copy."""

    def __init__(self, vacancy: Vacancy):
        self.reference = vacancy.reference
        self.text = vacancy.source_text
        self.sections_en, self.sections_fr, self.source_text = (
            _column_of(vacancy, name) for name in ("sections_en", "sections_fr", "source_text")
        )

    def copy_into(self, vacancy: Vacancy) -> None:
        vacancy.sections_en = self.sections_en
        vacancy.sections_fr = self.sections_fr
        # The notice under its own reference; the digest of what PostgreSQL will store.
        vacancy.source_text = Replace(
            self.source_text, Value(self.reference), Value(vacancy.reference)
        )
        vacancy.source_sha256 = source_digest(self.text.replace(self.reference, vacancy.reference))


def _column_of(vacancy: Vacancy, name: str) -> RawSQL:
    """The stored value of one of the vacancy's columns, as an expression to insert."""
    quote, meta = connection.ops.quote_name, Vacancy._meta
    field = cast(Field, meta.get_field(name))
    return RawSQL(
        f"SELECT {quote(str(field.column))} FROM {quote(meta.db_table)} "
        f"WHERE {quote(str(meta.pk.column))} = %s",
        [vacancy.pk],
        output_field=field,
    )


def _samples() -> list[Sample]:
    samples = []
    for path in sorted(SAMPLES.glob("*.txt")):
        text = notice_text_from_file(path.name, path.read_bytes())
        notice = parse_notice(text, time_zone=settings.NOTICE_TIME_ZONE)
        samples.append(Sample(notice.reference, text, vacancy_fields_from_notice(notice)))
    if not samples:
        raise CommandError(f"No sample notices in {SAMPLES}.")
    return samples


def _any_station() -> Q:
    query = Q()
    for station in STATIONS:
        query |= Q(country=station.country, city=station.city)
    return query


def _station_locations() -> dict[Station, Location]:
    """The stored location of every station, created where missing (stored names are kept)."""
    stored = {(loc.country, loc.city): loc for loc in Location.objects.filter(_any_station())}
    locations = {}
    for station in STATIONS:
        location = stored.get((station.country, station.city))
        if location is None:
            location = Location.objects.create(
                country=station.country,
                city=station.city,
                country_fr=station.country_fr,
                city_fr=station.city_fr,
            )
        locations[station] = location
    return locations


def _free_references(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """``count`` distinct 8-digit references starting with 9, none of them in ``taken``."""
    references: dict[str, None] = {}
    while len(references) < count:
        reference = str(rng.randrange(90_000_000, 100_000_000))
        if reference not in taken:
            references[reference] = None
    return list(references)


class _Maker:
    """Makes vacancies from the samples, drawing every choice from one seeded generator."""

    def __init__(self, rng: random.Random, locations: dict[Station, Location]):
        self.rng = rng
        self.locations = locations
        self.tz = ZoneInfo(settings.NOTICE_TIME_ZONE)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now, timezone=self.tz)

    def row(self, reference: str, sample: Sample, template: _Template | None = None) -> Row:
        rng = self.rng
        station = rng.choices(STATIONS, STATION_WEIGHTS)[0]
        others = []
        for _ in range(rng.choices((0, 1, 2), (60, 30, 10))[0]):
            other = self.locations[rng.choices(STATIONS, STATION_WEIGHTS)[0]]
            if other != self.locations[station] and other not in others:
                others.append(other)

        fields = dict(sample.fields)
        title_en, title_fr = _title(rng, fields["title_en"], fields["title_fr"])
        fields["title_en"], fields["title_fr"] = title_en, title_fr if fields["title_fr"] else ""
        organisation = (
            station.organisation if rng.random() < 0.75 else rng.choice(ORGANISATION_KEYS)
        )
        fields["organisation_en"], fields["organisation_fr"] = ORGANISATIONS[organisation]
        part_time = rng.random() < 0.05
        fields["schedule_en"] = "Part-time" if part_time else "Full-time"
        fields["schedule_fr"] = "Temps partiel" if part_time else "Temps plein"

        deadline = None
        if rng.random() >= 0.03:
            day = self.today + timedelta(days=rng.randint(-120, 120))
            hour = clock(23, 59, 59) if rng.random() < 0.6 else clock(0, 59)
            deadline = datetime.combine(day, hour, tzinfo=self.tz)
        fields["deadline"], fields["deadline_ongoing"] = deadline, deadline is None

        label, low, high = _grade(rng)
        fields.update(grade_label=label, grade_min=low, grade_max=high)
        euros = 1500 * math.exp((low or rng.randint(6, 14)) / 10) * rng.uniform(0.95, 1.05)
        fields["salary_amount"] = Decimal(euros * RATES[station.currency]).quantize(Decimal("0.01"))
        fields["salary_currency"], fields["salary_period"] = station.currency, "monthly"

        fields["clearance"] = rng.choices(("NS", "CTS", "NU", ""), (45, 15, 10, 30))[0]
        fields["risk_level"] = station.risk
        fields["unaccompanied"] = station.risk == "extreme" or (
            station.risk == "high" and rng.random() < 0.5
        )
        fields["risk_note_en"], fields["risk_note_fr"] = _risk_note(
            station, fields["unaccompanied"]
        )
        fields["pending_budget_approval"] = rng.random() < 0.05

        status = rng.choices(
            (Vacancy.Status.PUBLISHED, Vacancy.Status.DRAFT, Vacancy.Status.ARCHIVED), (90, 6, 4)
        )[0]
        published_at = None
        if status != Vacancy.Status.DRAFT:
            published_at = self.now - timedelta(days=rng.uniform(0, 365))
            if deadline is not None and published_at >= deadline:
                published_at = deadline - timedelta(days=rng.uniform(7, 60))

        vacancy = Vacancy(
            reference=reference,
            primary_location=self.locations[station],
            status=status,
            published_at=published_at,
            source_name=GENERATED,
            **fields,
        )
        if template is None:
            # What an import of the sample under this reference would keep.
            vacancy.source_text = sample.text.replace(sample.reference, reference)
            vacancy.source_sha256 = source_digest(vacancy.source_text)
        else:
            template.copy_into(vacancy)
        return vacancy, others


def _title(rng: random.Random, english: str, french: str) -> tuple[str, str]:
    """The sample's title with, now and then, a rank, a field of work or a reserve list.

    A notice without a French title keeps none."""
    rank_en, rank_fr = rng.choice(RANKS) if rng.random() < 0.25 else ("{}", "{}")
    if english.startswith(RANKED_ALREADY):  # no "Senior Senior ..." or "Deputy Head"
        rank_en, rank_fr = "{}", "{}"
    english, french = rank_en.format(english), rank_fr.format(french)
    if rng.random() < 0.6:
        field_en, field_fr = rng.choice(FIELDS)
        english, french = f"{english} – {field_en}", f"{french} – {field_fr}"
    if rng.random() < 0.08 and "Reserve list" not in english:
        english, french = english + RESERVE_LIST[0], french + RESERVE_LIST[1]
    return english, french


def _grade(rng: random.Random) -> tuple[str, int | None, int | None]:
    """(label, lowest, highest): one NATO grade, ~15% twin grades, ~2% older-scheme labels."""
    roll = rng.random()
    if roll < 0.02:
        return rng.choice(OLDER_SCHEME_GRADES), None, None
    low = rng.choices(GRADES, GRADE_WEIGHTS)[0]
    if roll < 0.17 and low <= 22:
        high = low + rng.choice((1, 2))
        return f"G{low}-G{high}", low, high
    return f"G{low}", low, low


def _risk_note(station: Station, unaccompanied: bool) -> tuple[str, str]:
    if not station.risk:
        return "", ""
    level_en, level_fr = RISK_NOTES[station.risk]
    english = (
        f"Important Note: this post is stationed in **{station.city}, {station.country}**, "
        f"rated as {level_en} risk location by the NATO Office of Security (NOS). Special "
        "security measures will apply for those assigned or travelling."
    )
    french = (
        f"Note importante : le lieu d'affectation pour ce poste est **{station.city_fr} "
        f"({station.country_fr})**, qui, selon le Bureau de sécurité de l'OTAN (NOS), est un "
        f"environnement à {level_fr} risque. Des mesures de sécurité spéciales s'appliquent aux "
        "personnes qui y sont affectées ou qui doivent s'y rendre."
    )
    if unaccompanied:
        english += " Family members will not be relocated with the incumbent."
        french += " La famille de la personne titulaire du poste ne peut pas l'accompagner."
    return english, french
