"""Writing generated vacancies: in batches, over several connections at once when asked,
and deleting them again, leaving every other vacancy alone."""

import queue
import random
import threading
from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.db.models import Q

from vacancies.counting_cache import forget_counts
from vacancies.models import Location, Vacancy

from .data import STATIONS, Station
from .rows import GENERATED, GenerationError, Maker, Row, Template, samples

BATCH_SIZE = 1000
MAX_COUNT = 1_000_000  # references are drawn from ten million


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
    all_samples = samples()
    with transaction.atomic():
        maker = Maker(rng, _station_locations())
        taken = Vacancy.objects.filter(reference__startswith="9").values_list(
            "reference", flat=True
        )
        references = _free_references(rng, count, set(taken))
        # One vacancy from each sample first, whole: the others copy their long columns
        # (sections, notice text) from it inside PostgreSQL rather than each sending and
        # escaping some 60 KB from here.
        starters = all_samples[:count]
        firsts = [
            maker.row(reference, maker.station_for(sample), sample)
            for reference, sample in zip(references, starters, strict=False)
        ]
        _insert(firsts)
        templates = {
            sample.reference: Template(vacancy)
            for (vacancy, _), sample in zip(firsts, starters, strict=True)
        }

        fitting = {station: [s for s in all_samples if s.fits(station)] for station in STATIONS}

        def the_others() -> Iterator[Row]:
            for reference in references[len(firsts) :]:
                station = maker.station()
                sample = rng.choice(fitting[station])
                yield maker.row(reference, station, sample, templates[sample.reference])

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
        raise GenerationError("Another process took some of the references drawn; run again.")
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
