"""The public list as a candidate scans it, in either language: each vacancy's facts with
their labels, the grade range, the filters in effect as chips that remove them, and the
region that announces the number of results.

Every test gets the `board` of tests/conftest.py: 260885, 260066, 260063 and 240655 open
(closing in 1 to 4 days, in that order), 260280 closed.
"""

import html as html_module
import re
from datetime import datetime

import pytest
from django.utils import timezone

from vacancies.models import Location, Vacancy

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def _html(response):
    assert response.status_code == 200
    return response.content.decode()


def _text(fragment):
    """What a fragment of HTML says, as a screen reader reads it: no tags, no text hidden
    from assistive technologies, one space between words (no-break spaces kept)."""
    fragment = re.sub(r'<(\w+)[^>]*aria-hidden="true"[^>]*>.*?</\1>', "", fragment, flags=re.S)
    fragment = re.sub(r"<[^>]+>", "", fragment)
    return re.sub(r"[ \t\r\n]+", " ", html_module.unescape(fragment)).strip()


def card(page, reference):
    """The card of vacancy ``reference`` on a list page."""
    cards = page.split('<li class="vacancy-card">')[1:]
    return next(c.split("</li>")[0] for c in cards if f'/{reference}/"' in c)


def facts(card_html):
    """Each fact of a card, by the label it is read out with."""
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", card_html, re.S)
    return {_text(label): _text(value) for label, value in pairs}


def badges(card_html):
    """(text, highlighted) of each badge of a card."""
    return [
        (_text(text), "badge-soon" in classes)
        for classes, text in re.findall(r'<span class="(badge[^"]*)">(.*?)</span>', card_html)
    ]


def chips(page):
    """(what a screen reader hears, address) of each filter in effect shown above the list."""
    block = re.search(r'<div class="active-filters">(.*?)</div>', page, re.S)
    if block is None:
        return []
    return [
        (_text(name), html_module.unescape(address))
        for address, name in re.findall(r'<a class="chip" href="([^"]*)">(.*?)</a>', block[1])
    ]


def chip_names(page):
    return [name.split(": ", 1)[1] for name, _address in chips(page)]


def listed(client, url):
    return re.findall(r'href="/(?:en/vacancies|fr/postes)/(\d+)/"', _html(client.get(url)))


# --------------------------------------------------------------------- the cards


@pytest.fixture
def closing_in_2099(board):
    """260063 closes on 17 March 2099 at 00:59, Brussels time."""
    deadline = timezone.make_aware(datetime(2099, 3, 17, 0, 59))
    Vacancy.objects.filter(reference="260063").update(deadline=deadline)
    return deadline


def test_a_card_shows_each_fact_with_its_label(client, closing_in_2099):
    page = _html(client.get("/en/"))
    assert facts(card(page, "260063")) == {
        "Grade": "G20",
        "Duty station": "Kyiv, Ukraine · also Brussels, Belgium",
        "Salary": "€9,784.44 per month",
        "Deadline": "17 March 2099, 00:59 (Brussels time)",
        "Reference": "260063",
    }
    assert facts(card(page, "240655"))["Clearance"] == "NS"


def test_a_card_shows_each_fact_with_its_label_in_french(client, closing_in_2099):
    page = _html(client.get("/fr/"))
    assert facts(card(page, "260063")) == {
        "Grade": "G20",
        "Lieu d’affectation": "Kiev, Ukraine · aussi Bruxelles, Belgique",
        "Salaire": f"9{NBSP}784,44{NBSP}€ par mois",
        "Date limite": "17 mars 2099, 00 h 59 (heure de Bruxelles)",
        "Référence": "260063",
    }
    assert facts(card(page, "240655"))["Habilitation"] == "NS"


def test_a_card_shows_the_deadline_as_the_vacancy_page_does(client, closing_in_2099):
    deadline = facts(card(_html(client.get("/en/")), "260063"))["Deadline"]
    vacancy_page = _text(_html(client.get("/en/vacancies/260063/")))
    assert deadline in vacancy_page


def test_the_deadline_is_also_written_for_machines_to_the_second(client, closing_in_2099):
    page = _html(client.get("/en/"))
    assert '<time datetime="2099-03-17T00:59:00+01:00">17 March 2099, 00:59</time>' in page


def test_the_salary_is_shown_for_the_period_the_notice_pays_it(client, board):
    Vacancy.objects.filter(reference="260063").update(salary_period="yearly")
    Vacancy.objects.filter(reference="260066").update(salary_amount=None)
    page = _html(client.get("/en/"))
    assert facts(card(page, "260063"))["Salary"] == "€9,784.44 per year"
    assert "Salary" not in facts(card(page, "260066"))  # nothing rather than a dash
    french = _html(client.get("/fr/"))
    assert facts(card(french, "260063"))["Salaire"] == f"9{NBSP}784,44{NBSP}€ par an"


def test_a_badge_says_when_a_vacancy_closes_highlighted_within_the_week(client, closing_in_2099):
    page = _html(client.get("/en/"))
    assert badges(card(page, "260885"))[0] == ("Closes tomorrow", True)
    assert badges(card(page, "240655"))[0] == ("Closes in 4 days", True)
    days = (timezone.localtime(closing_in_2099).date() - timezone.localdate()).days
    assert badges(card(page, "260063"))[0] == (f"Closes in {days} days", False)
    french = _html(client.get("/fr/"))
    assert badges(card(french, "260885"))[0] == ("Ferme demain", True)


def test_the_risk_and_the_unaccompanied_status_stay_badges(client, board):
    page = _html(client.get("/en/"))
    assert badges(card(page, "260885"))[1:] == [
        ("Extreme risk", False),
        ("Unaccompanied post", False),
    ]
    assert [text for text, _soon in badges(card(page, "240655"))] == ["Closes in 4 days"]


def test_a_post_without_deadline_says_ongoing_and_counts_nothing_down(client, board):
    Vacancy.objects.filter(reference="260885").update(deadline=None, deadline_ongoing=True)
    page = _html(client.get("/en/"))
    assert facts(card(page, "260885"))["Deadline"] == "Ongoing"
    assert [text for text, _soon in badges(card(page, "260885"))] == [
        "Extreme risk",
        "Unaccompanied post",
    ]


def test_a_search_shows_why_each_vacancy_matched_with_the_words_marked(client, board):
    page = _html(client.get("/en/?q=security"))
    extract = re.search(r'<p class="extract">(.*?)</p>', card(page, "260885"), re.S)
    assert extract is not None
    assert re.search(r"<mark>security</mark>", extract[1], re.I)
    assert '<p class="extract"' not in _html(client.get("/en/"))  # no search, no extract


# --------------------------------------------------------------------- the grade range


def grade_select(page, end):
    return re.search(rf'<select name="grade_{end}"[^>]*>(.*?)</select>', page, re.S)[1]


def test_the_grade_is_one_group_from_one_grade_to_another(client, board):
    page = _html(client.get("/en/"))
    group = re.search(r'<fieldset class="grade-range">(.*?)</fieldset>', page, re.S)[1]
    assert "<legend>Grade</legend>" in group
    assert '<label for="id_grade_min">From</label>' in group
    assert '<label for="id_grade_max">To</label>' in group
    # Named in full for screen readers that do not say the group's name with its fields.
    assert '<select name="grade_min" id="id_grade_min" aria-label="Grade from">' in group
    assert '<select name="grade_max" id="id_grade_max" aria-label="Grade up to">' in group
    assert group.count("<select") == 2
    assert 'name="grade"' not in page  # the one-grade select of old is gone
    french = _html(client.get("/fr/"))
    assert '<label for="id_grade_min">De</label>' in french
    assert '<label for="id_grade_max">À</label>' in french
    assert 'aria-label="Grade à partir de"' in french


def test_the_grade_range_offers_the_boards_grades_without_counts(client, board):
    options = re.findall(
        r"<option[^>]*>([^<]*)</option>", grade_select(_html(client.get("/en/")), "min")
    )
    assert options == ["Lowest", "G8", "G9", "G10", "G17", "G20"]
    options = re.findall(
        r"<option[^>]*>([^<]*)</option>", grade_select(_html(client.get("/fr/")), "max")
    )
    assert options == ["Le plus haut", "G8", "G9", "G10", "G17", "G20"]


def test_an_address_with_one_grade_shows_the_range_from_it_to_it(client, board):
    page = _html(client.get("/en/?grade=17"))
    assert '<option value="17" selected>G17</option>' in grade_select(page, "min")
    assert '<option value="17" selected>G17</option>' in grade_select(page, "max")
    assert chip_names(page) == ["Grade 17"]
    assert listed(client, "/en/?grade=17") == ["260885", "260066"]


def test_a_grade_no_vacancy_has_stays_chosen(client, board):
    page = _html(client.get("/en/?grade_min=15&grade_max=18"))
    assert '<option value="15" selected>G15</option>' in grade_select(page, "min")
    assert '<option value="18" selected>G18</option>' in grade_select(page, "max")
    assert listed(client, "/en/?grade_min=15&grade_max=18") == ["260885", "260066"]


def test_a_range_upside_down_is_explained_in_the_group(client, board):
    page = _html(client.get("/en/?grade_min=20&grade_max=10"))
    group = re.search(r'<fieldset class="grade-range">(.*?)</fieldset>', page, re.S)[1]
    message = "G10 is below the lowest grade asked for, G20: a range runs from low to high."
    assert f'<p class="field-message" id="id_grade_max-error">{message}</p>' in group
    assert 'aria-invalid="true" aria-describedby="id_grade_max-error"' in group
    assert '<option value="20" selected>G20</option>' in grade_select(page, "min")
    assert chip_names(page) == ["Grade from 20"]


def test_a_date_the_form_rejects_is_explained_not_put_back_in_the_date_field(client, board):
    page = _html(client.get("/en/?deadline_before=nope"))
    assert "Closing before</a>: Enter a valid date." in page
    field = re.search(r'<input type="date"[^>]*>', page)[0]
    assert 'value=""' in field and "nope" not in field


# --------------------------------------------------------------------- filters in effect


def test_without_filters_there_are_no_chips(client, board):
    page = _html(client.get("/en/?deadline=open&sort=recent"))
    assert chips(page) == []
    assert 'class="active-filters"' not in page


@pytest.mark.parametrize(
    "query, expected",
    [
        ("q=security", [("Search: “security”", "/en/")]),
        ("grade_min=15&grade_max=18", [("Grade 15–18", "/en/")]),
        ("grade_min=15", [("Grade from 15", "/en/")]),
        ("grade_max=10", [("Grade up to 10", "/en/")]),
        (
            "grade=17&risk=extreme",
            [("Grade 17", "/en/?risk=extreme"), ("Extreme risk", "/en/?grade=17")],
        ),
        ("country=Belgium", [("Belgium", "/en/")]),
        ("country=belgique", [("Belgium", "/en/")]),
        (
            "country=Ukraine&other_locations=on",
            [
                ("Ukraine", "/en/?other_locations=on"),
                ("Including other locations", "/en/?country=Ukraine"),
            ],
        ),
        ("other_locations=on", []),  # with no place chosen, it changes nothing
        ("risk=none", [("No risk rating", "/en/")]),
        ("deadline=week", [("Closing within 7 days", "/en/")]),
        ("deadline=closed", [("Closed", "/en/")]),
        ("deadline_before=2027-03-03", [("Closing before 3 March 2027", "/en/")]),
        ("clearance=NS", [("Clearance NS", "/en/")]),
        (
            "organisation=NATO International Staff (NATO IS)",
            [("NATO International Staff (NATO IS)", "/en/")],
        ),
        # What the page says a chip removes is all it removes; the page number goes too.
        (
            "risk=extreme&sort=recent&page=2",
            [("Extreme risk", "/en/?sort=recent")],
        ),
        # The form sends its empty fields too: they are left out of the addresses.
        (
            "q=&grade_min=&grade_max=&country=&risk=extreme&deadline=open&sort=",
            [("Extreme risk", "/en/?deadline=open")],
        ),
    ],
)
def test_each_filter_in_effect_is_a_chip_that_removes_it(client, board, query, expected):
    named = [(f"Remove filter: {name}", address) for name, address in expected]
    assert chips(_html(client.get(f"/en/?{query}"))) == named


def test_a_duty_station_chip_names_the_place_in_the_pages_language(client, board):
    brussels = Location.objects.get(city="Brussels").pk
    assert chip_names(_html(client.get(f"/en/?location={brussels}"))) == ["Brussels, Belgium"]
    assert chip_names(_html(client.get(f"/fr/?location={brussels}"))) == ["Bruxelles, Belgique"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_place_or_organisation_the_other_filters_leave_out_is_still_named(
    client, board, language
):
    """No closed post is in Belgium: among closed posts, Belgium, Brussels and the
    organisation of the posts there are not among the choices, yet each chip names them."""
    brussels = Location.objects.get(city="Brussels").pk
    organisation = "NATO International Staff (NATO IS)"
    query = f"country=Belgium&location={brussels}&organisation={organisation}&deadline=closed"
    names = chip_names(_html(client.get(f"/{language}/?{query}&risk=none")))
    expected = {
        "en": ["Belgium", "Brussels, Belgium", "No risk rating", "Closed", organisation],
        "fr": ["Belgique", "Bruxelles, Belgique", "Sans niveau de risque", "Fermés", "OTAN SI"],
    }
    assert names == expected[language]


def test_chips_in_french(client, board):
    query = "q=sécurité&grade_min=15&grade_max=18&country=Belgium&deadline_before=2027-03-03"
    assert [name for name, _address in chips(_html(client.get(f"/fr/?{query}")))] == [
        f"Retirer le filtre{NBSP}: Recherche{NBSP}: «{NBSP}sécurité{NBSP}»",
        f"Retirer le filtre{NBSP}: Grades 15 à 18",
        f"Retirer le filtre{NBSP}: Belgique",
        f"Retirer le filtre{NBSP}: Fermant avant le 3 mars 2027",
    ]


def test_values_the_form_rejects_are_explained_not_chips(client, board):
    page = _html(client.get("/en/?grade=XYZ&deadline_before=nope&country=Atlantis&risk=extreme"))
    assert 'role="alert"' in page
    assert chips(page) == [
        ("Remove filter: Extreme risk", "/en/?grade=XYZ&deadline_before=nope&country=Atlantis")
    ]


def test_removing_a_chip_lists_what_the_other_filters_give(client, board):
    page = _html(client.get("/en/?grade=17&risk=none"))
    assert listed(client, "/en/?grade=17&risk=none") == []
    without_risk = dict(chips(page))["Remove filter: No risk rating"]
    assert listed(client, without_risk) == ["260885", "260066"]


def test_all_filters_can_be_cleared_at_once(client, board):
    page = _html(client.get("/en/?q=security&risk=extreme"))
    block = re.search(r'<div class="active-filters">(.*?)</div>', page, re.S)[1]
    assert '<a class="clear-filters" href="/en/">Clear all filters</a>' in block
    french = _html(client.get("/fr/?risk=extreme"))
    assert '<a class="clear-filters" href="/fr/">Effacer tous les filtres</a>' in french


# --------------------------------------------------------------------- the count announced


def test_the_count_is_announced_by_an_empty_status_region_the_script_fills(client, board):
    page = _html(client.get("/en/?risk=extreme"))
    # The heading is no live region: one already filled when the page loads is not read out.
    assert re.search(r'<h2 id="results-heading">\s*3 vacancies\s*</h2>', page)
    assert '<p class="visually-hidden" role="status" data-results-status></p>' in page
