"""generate_vacancies: synthetic vacancies, made from the samples, to try the pages at scale."""

import io
import re
from pathlib import Path

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import CommandError, call_command

from vacancies.generation import (
    delete_generated_vacancies,
    generate_vacancies,
)
from vacancies.importing import source_digest, vacancy_upsert_from_notice
from vacancies.models import Location, Vacancy

SAMPLE = (
    Path(__file__).resolve().parent.parent / "fixtures" / "notices" / "000_0f606890594e4ec3.txt"
)


def generate(*args) -> str:
    out = io.StringIO()
    call_command("generate_vacancies", *map(str, args), stdout=out)
    return out.getvalue()


def generated():
    return Vacancy.objects.filter(source_name="generated")


def snapshot():
    """What a visitor would see of each generated vacancy, by reference."""
    return {
        vacancy.reference: (
            vacancy.title_en,
            vacancy.title_fr,
            vacancy.grade_label,
            vacancy.primary_location.city,
            sorted(location.city for location in vacancy.other_locations.all()),
            vacancy.deadline,
            vacancy.status,
            vacancy.source_sha256,
        )
        for vacancy in generated()
        .select_related("primary_location")
        .prefetch_related("other_locations")
    }


@pytest.mark.django_db
def test_creates_the_number_asked_for_with_distinct_references_unlike_real_ones():
    output = generate("--count", 50, "--seed", 1)
    references = list(generated().values_list("reference", flat=True))
    assert len(references) == 50
    assert len(set(references)) == 50
    assert all(re.fullmatch(r"9\d{7}", reference) for reference in references)
    assert re.fullmatch(r"Created 50 generated vacancies \(seed 1\) in \d+\.\d s\.\n", output)


@pytest.mark.django_db
def test_most_are_published_and_appear_among_the_published_vacancies():
    generate("--count", 50, "--seed", 12)  # nine in ten are drawn published
    published = Vacancy.objects.published().filter(source_name="generated")
    assert 40 <= published.count() < 50
    assert published.open().exists()
    assert published.closed().exists()
    assert not published.filter(published_at__isnull=True).exists()
    drafts = generated().filter(status=Vacancy.Status.DRAFT)
    assert not drafts.filter(pk__in=Vacancy.objects.published()).exists()


@pytest.mark.django_db
def test_the_list_counts_them_at_once(client):
    def listed_count():
        html = client.get("/en/?deadline=all").content.decode()
        return int(re.search(r"(\d+) vacanc(?:y|ies)\s*</h2>", html)[1])

    generate("--count", 20, "--seed", 2)
    before = listed_count()  # counted, and kept in the cache
    generate("--count", 20, "--seed", 2)  # new references at the same places
    assert listed_count() == Vacancy.objects.published().count() > before


@pytest.mark.django_db
def test_vacancies_vary_as_real_ones_do():
    generate("--count", 200, "--seed", 3)
    vacancies = list(generated().select_related("primary_location"))
    assert len({v.primary_location.city for v in vacancies}) >= 15
    assert len({v.title_en for v in vacancies}) >= 30
    assert len({v.deadline.date() for v in vacancies if v.deadline}) >= 100
    assert any(v.deadline_ongoing and v.deadline is None for v in vacancies)
    assert any(v.grade_min is not None and v.grade_min < v.grade_max for v in vacancies)
    assert any(v.grade_label and v.grade_min is None for v in vacancies)
    assert {v.clearance for v in vacancies} == {"NS", "CTS", "NU", ""}
    assert Vacancy.other_locations.through.objects.filter(vacancy__in=vacancies).exists()
    assert Location.objects.get(country="Belgium", city="Brussels").city_fr == "Bruxelles"
    for vacancy in vacancies:
        if vacancy.primary_location.city == "Kyiv":
            assert vacancy.risk_level == "extreme"
            assert vacancy.unaccompanied
            assert "Kyiv" in vacancy.risk_note_en and "Kiev" in vacancy.risk_note_fr
        elif vacancy.primary_location.city == "Brussels":
            assert vacancy.risk_level == ""
            assert vacancy.risk_note_en == vacancy.risk_note_fr == ""


@pytest.mark.django_db
def test_each_keeps_its_sample_text_under_its_own_reference():
    generate("--count", 30, "--seed", 4)
    for vacancy in generated():
        assert vacancy.reference in vacancy.source_text
        assert vacancy.source_sha256 == source_digest(vacancy.source_text)
        assert vacancy.sections_en and vacancy.sections_fr


@pytest.mark.django_db
def test_search_finds_them_by_a_title_word_in_each_language():
    generate("--count", 50, "--seed", 5)
    vacancy = generated().get(reference=min(generated().values_list("reference", flat=True)))
    for field, title, config in [
        ("search_en", vacancy.title_en, "english"),
        ("search_fr", vacancy.title_fr, "french"),
    ]:
        word = max(re.findall(r"\w+", title), key=len)
        found = Vacancy.objects.filter(**{field: SearchQuery(word, config=config)})
        assert found.filter(pk=vacancy.pk).exists(), (field, word)


@pytest.mark.django_db
def test_delete_removes_the_generated_vacancies_and_nothing_else():
    real = vacancy_upsert_from_notice(
        text=SAMPLE.read_text(encoding="utf-8"), source_name=SAMPLE.name
    ).vacancy
    generate("--count", 20, "--seed", 6)
    output = generate("--delete")
    assert re.fullmatch(r"Deleted 20 generated vacancies in \d+\.\d s\.\n", output)
    assert list(Vacancy.objects.all()) == [real]
    # The real notice's duty stations stay; those only generated vacancies used go.
    assert set(Location.objects.values_list("city", flat=True)) == {"Kyiv", "Brussels"}
    assert generate("--delete").startswith("Deleted 0 generated vacancies")


@pytest.mark.django_db
def test_the_same_seed_makes_the_same_vacancies_and_another_seed_others():
    generate("--count", 30, "--seed", 7)
    first = snapshot()
    delete_generated_vacancies()
    generate("--count", 30, "--seed", 7)
    assert snapshot() == first
    delete_generated_vacancies()
    generate("--count", 30, "--seed", 8)
    assert not set(snapshot()) & set(first)


@pytest.mark.django_db
def test_running_again_adds_vacancies_under_new_references():
    generate("--count", 20, "--seed", 9)
    generate("--count", 20, "--seed", 9)
    assert generated().values("reference").distinct().count() == 40


@pytest.mark.django_db(transaction=True)
def test_several_connections_write_the_same_vacancies_as_one():
    generate_vacancies(count=45, seed=10, jobs=2, batch_size=10)
    shared = snapshot()
    delete_generated_vacancies()
    generate_vacancies(count=45, seed=10, jobs=1, batch_size=10)
    assert snapshot() == shared
    assert len(shared) == 45


@pytest.mark.django_db
@pytest.mark.parametrize("option", [("--count", 0), ("--jobs", 0)])
def test_a_count_or_jobs_below_one_is_refused(option):
    with pytest.raises(CommandError):
        generate(*option)
    assert not generated().exists()


@pytest.mark.django_db
def test_a_generated_post_prints_only_its_own_place_and_risk():
    generate("--count", 200, "--seed", 7)
    checked = 0
    for vacancy in generated().select_related("primary_location"):
        place = vacancy.primary_location
        texts = " ".join(section["text"] for section in vacancy.sections_en + vacancy.sections_fr)
        if place.city != "Kyiv":
            # The Kyiv samples' text rates Kyiv's risk: they are used there only.
            assert "Kyiv" not in texts and "Kiev" not in texts, (vacancy.reference, place)
            checked += 1
        if not vacancy.risk_level:
            assert "extreme risk" not in texts and "très haut risque" not in texts
    assert checked > 150
