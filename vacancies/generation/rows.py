"""Generated vacancies, one at a time: from a sample notice, a duty station and choices drawn
from one seeded generator, a vacancy as an import of that notice at that station would store
it, its text consistent with its place: a sample whose notice rates its own duty station's
risk (Kyiv's) is used for that station only, so that no post prints another place's risk.
"""

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Field, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Replace
from django.utils import timezone

from vacancies.importing import source_digest, vacancy_fields_from_notice
from vacancies.models import GENERATED, Location, Vacancy
from vacancies.notices import notice_text_from_file, parse_notice

from .data import (
    FIELDS,
    GRADE_WEIGHTS,
    GRADES,
    OLDER_SCHEME_GRADES,
    ORGANISATION_KEYS,
    ORGANISATIONS,
    RANKED_ALREADY,
    RANKS,
    RATES,
    RESERVE_LIST,
    RISK_NOTES,
    STATION_WEIGHTS,
    STATIONS,
    Station,
)

SAMPLES = Path(settings.BASE_DIR) / "fixtures" / "notices"


class GenerationError(Exception):
    """Generating cannot go on; the message says why."""


@dataclass(frozen=True)
class Sample:
    reference: str
    text: str
    fields: dict[str, Any]
    # The duty station (country, city) whose risk the notice's own text rates, or None.
    rated_place: tuple[str, str] | None

    def fits(self, station: Station) -> bool:
        return self.rated_place is None or self.rated_place == (station.country, station.city)


Row = tuple[Vacancy, list[Location]]  # a vacancy, not saved yet, and its other locations


class Template:
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


def samples() -> list[Sample]:
    samples = []
    for path in sorted(SAMPLES.glob("*.txt")):
        text = notice_text_from_file(path.name, path.read_bytes())
        notice = parse_notice(text, time_zone=settings.NOTICE_TIME_ZONE)
        place = notice.primary_location
        rated = (place.country, place.city) if notice.risk_level and place else None
        samples.append(Sample(notice.reference, text, vacancy_fields_from_notice(notice), rated))
    if not samples:
        raise GenerationError(f"No sample notices in {SAMPLES}.")
    return samples


class Maker:
    """Makes vacancies from the samples, drawing every choice from one seeded generator."""

    def __init__(self, rng: random.Random, locations: dict[Station, Location]):
        self.rng = rng
        self.locations = locations
        self.tz = ZoneInfo(settings.NOTICE_TIME_ZONE)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now, timezone=self.tz)

    def station(self) -> Station:
        return self.rng.choices(STATIONS, STATION_WEIGHTS)[0]

    def station_for(self, sample: Sample) -> Station:
        """A station the sample fits: its own when it rates its own station's risk."""
        if sample.rated_place is None:
            return self.station()
        for station in STATIONS:
            if sample.fits(station):
                return station
        raise GenerationError(
            f"The sample {sample.reference} rates the risk of "
            f"{', '.join(reversed(sample.rated_place))}, which is no generated duty station."
        )

    def row(
        self, reference: str, station: Station, sample: Sample, template: Template | None = None
    ) -> Row:
        """A vacancy of ``sample``'s at ``station`` under ``reference``, not saved yet."""
        fields = dict(sample.fields)
        fields.update(self._titles(fields["title_en"], fields["title_fr"]))
        fields.update(self._organisation_and_schedule(station))
        deadline = self._deadline()
        fields.update(deadline=deadline, deadline_ongoing=deadline is None)
        fields.update(self._grade_and_salary(station))
        fields.update(self._risk(station))
        status, published_at = self._publication(deadline)
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
        return vacancy, self._other_locations(station)

    def _other_locations(self, station: Station) -> list[Location]:
        others: list[Location] = []
        for _ in range(self.rng.choices((0, 1, 2), (60, 30, 10))[0]):
            other = self.locations[self.station()]
            if other != self.locations[station] and other not in others:
                others.append(other)
        return others

    def _titles(self, english: str, french: str) -> dict[str, str]:
        title_en, title_fr = _title(self.rng, english, french)
        return {"title_en": title_en, "title_fr": title_fr if french else ""}

    def _organisation_and_schedule(self, station: Station) -> dict[str, str]:
        rng = self.rng
        key = station.organisation if rng.random() < 0.75 else rng.choice(ORGANISATION_KEYS)
        english, french = ORGANISATIONS[key]
        part_time = rng.random() < 0.05
        return {
            "organisation_en": english,
            "organisation_fr": french,
            "schedule_en": "Part-time" if part_time else "Full-time",
            "schedule_fr": "Temps partiel" if part_time else "Temps plein",
        }

    def _deadline(self) -> datetime | None:
        rng = self.rng
        if rng.random() < 0.03:
            return None
        day = self.today + timedelta(days=rng.randint(-120, 120))
        hour = clock(23, 59, 59) if rng.random() < 0.6 else clock(0, 59)
        return datetime.combine(day, hour, tzinfo=self.tz)

    def _grade_and_salary(self, station: Station) -> dict[str, Any]:
        rng = self.rng
        label, low, high = _grade(rng)
        euros = 1500 * math.exp((low or rng.randint(6, 14)) / 10) * rng.uniform(0.95, 1.05)
        amount = Decimal(euros * RATES[station.currency]).quantize(Decimal("0.01"))
        return {
            "grade_label": label,
            "grade_min": low,
            "grade_max": high,
            "salary_amount": amount,
            "salary_currency": station.currency,
            "salary_period": "monthly",
            "clearance": rng.choices(("NS", "CTS", "NU", ""), (45, 15, 10, 30))[0],
        }

    def _risk(self, station: Station) -> dict[str, Any]:
        rng = self.rng
        unaccompanied = station.risk == "extreme" or (station.risk == "high" and rng.random() < 0.5)
        note_en, note_fr = _risk_note(station, unaccompanied)
        return {
            "risk_level": station.risk,
            "unaccompanied": unaccompanied,
            "risk_note_en": note_en,
            "risk_note_fr": note_fr,
            "pending_budget_approval": rng.random() < 0.05,
        }

    def _publication(self, deadline: datetime | None) -> tuple[str, datetime | None]:
        rng = self.rng
        status = rng.choices(
            (Vacancy.Status.PUBLISHED, Vacancy.Status.DRAFT, Vacancy.Status.ARCHIVED), (90, 6, 4)
        )[0]
        if status == Vacancy.Status.DRAFT:
            return status, None
        published_at = self.now - timedelta(days=rng.uniform(0, 365))
        if deadline is not None and published_at >= deadline:
            published_at = deadline - timedelta(days=rng.uniform(7, 60))
        return status, published_at


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
