"""Search puts first what candidates look for: the relevance set of benchmarks/relevance.py
(titles, skills, places by any name, references, words without accents, misspellings, in
both languages), every case of it."""

import pytest

from benchmarks.relevance import CASES, first_found, load_board

pytestmark = pytest.mark.django_db


@pytest.fixture
def relevance_board():
    load_board()


def test_the_relevance_set_is_large_and_in_both_languages():
    assert len(CASES) >= 25
    assert {case.language for case in CASES} == {"en", "fr"}


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.language}:{case.typed}")
def test_search_puts_the_expected_vacancy_first(client, relevance_board, case):
    assert first_found(client, case) == case.first
