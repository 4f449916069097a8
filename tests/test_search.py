"""Search as candidates type it: without accents, by any name of a place, half a word, with
typos, and an extract that says why each vacancy matched."""

import re
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vacancies.models import Location, PlaceName, Vacancy
from vacancies.search import corrected, folded, reference_typed

pytestmark = pytest.mark.django_db

KYIV_POSTS = {"260885", "260066", "260063"}  # the three open samples located in Kyiv


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return re.findall(r'href="/(?:en/vacancies|fr/postes)/(\d+)/"', response.content.decode())


# ------------------------------------------------------------------------ accents and case


@pytest.mark.parametrize("typed", ["securite", "SECURITE", "Sécurité", "sécurité", "SÉCURITÉ"])
def test_french_words_are_found_with_or_without_their_accents(client, board, typed):
    assert listed(client, f"/fr/?q={typed}") == listed(client, "/fr/?q=sécurité")
    assert len(listed(client, f"/fr/?q={typed}")) == 4


def test_a_french_word_pasted_on_the_english_page_is_found(client, board):
    assert "260885" in listed(client, "/en/?q=Officier de sécurité")
    assert listed(client, "/en/?q=securite regional") == ["260885"]


def test_accents_typed_where_the_notice_has_none_do_not_hide_it(client, board):
    assert listed(client, "/en/?q=Sécurity Officér") == listed(client, "/en/?q=Security Officer")


# -------------------------------------------------------------------------- names of places


@pytest.mark.parametrize("typed", ["Kyiv", "Kiev", "Kyïv", "KIEV", "Київ"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_any_name_of_a_duty_station_finds_the_posts_there(client, board, typed, language):
    assert set(listed(client, f"/{language}/?q={typed}")) >= KYIV_POSTS


@pytest.mark.parametrize("typed", ["Brussels", "Bruxelles", "Brussel", "bruxelles"])
def test_a_place_finds_its_duty_station_first_then_posts_that_also_name_it(client, board, typed):
    found = listed(client, f"/en/?q={typed}")
    assert found[0] == "240655"  # the one post whose duty station is Brussels
    assert set(found[1:]) >= KYIV_POSTS  # Brussels is another location of the Kyiv posts


@pytest.mark.parametrize("typed", ["Belgique", "België", "Belgium"])
def test_a_country_by_any_name_finds_the_posts_located_in_it(client, board, typed):
    assert listed(client, f"/fr/?q={typed}")[0] == "240655"


def test_a_place_and_other_words_find_the_posts_there_with_the_words(client, board):
    assert listed(client, "/en/?q=Senior Kiev")[0] == "260885"
    assert listed(client, "/fr/?q=Assistant Bruxelles")[0] == "240655"
    assert "240655" not in listed(client, "/en/?q=Senior Kiev")  # not in Kyiv


def test_an_excluded_place_is_left_out(client, board):
    assert listed(client, "/en/?q=-Kiev") == ["240655"]
    assert listed(client, "/fr/?q=assistance -Kyïv") == ["240655"]


@pytest.mark.parametrize("typed", ['"head of Kyiv office"', '"Kyiv"'])
def test_a_quoted_phrase_is_searched_as_written(client, board, typed):
    # No notice has the phrase: the place is not taken out of it.
    assert listed(client, "/en/?" + urlencode({"q": typed})) == (
        [] if "office" in typed else listed(client, "/en/?q=Kyiv")
    )


def test_places_offered_as_a_choice_find_either(client, board):
    assert set(listed(client, "/en/?q=Kiev or Bruxelles")) >= KYIV_POSTS | {"240655"}


@pytest.mark.parametrize("typed", ["in Kiev", "at Kyiv", "à Kiev", "le Kiev"])
def test_a_place_after_a_little_word_finds_the_posts_there(client, board, typed):
    assert set(listed(client, f"/fr/?q={typed}")) >= KYIV_POSTS


def test_a_search_of_little_words_only_lists_what_the_other_filters_give(client, board):
    assert listed(client, "/en/?q=the&sort=recent") == listed(client, "/en/?sort=recent")


def test_names_of_places_that_hr_adds_are_found_at_once(client, board):
    assert listed(client, "/en/?q=Kijow") == []
    PlaceName.objects.create(name="Kijów", place="Kyiv")
    assert set(listed(client, "/en/?q=kijow")) == KYIV_POSTS


def test_a_place_named_with_its_words_in_another_order_is_only_words(client, board):
    hague = Location.objects.create(country="Netherlands", city="The Hague", city_fr="La Haye")
    vacancy = Vacancy.objects.get(reference="240655")
    vacancy.primary_location = hague
    vacancy.save()
    for typed in ("Den Haag", "La Haye", "the hague", "'s-Gravenhage"):
        assert listed(client, f"/en/?q={typed}")[0] == "240655", typed
    assert "240655" not in listed(client, "/en/?q=Haag Den")


def test_the_seeded_names_name_the_places_of_the_usual_duty_stations():
    names = {folded(name): place for name, place in PlaceName.objects.values_list("name", "place")}
    expected = {"kiev": "Kyiv", "bruxelles": "Brussels", "den haag": "The Hague",
                "la haye": "The Hague", "bergen": "Mons", "napoli": "Naples",
                "brussel": "Brussels", "kyiv": "Kyiv", "belgique": "Belgium"}  # fmt: skip
    for name, place in expected.items():
        assert names.get(name) == place, name


# ---------------------------------------------------------------- half words and typos


@pytest.mark.parametrize(
    "typed, reference",
    [
        ("secretar", "260280"),  # Secretariat
        ("Secretaria", "260280"),
        ("NSP", "260280"),
        ("Head, NSPO Secr", "260280"),
        ("Gestionnaire de proj", "260066"),
    ],
)
def test_the_last_word_typed_is_found_as_the_start_of_a_word(client, board, typed, reference):
    assert listed(client, f"/en/?q={typed}&deadline=all")[0] == reference


def test_only_the_last_word_is_taken_as_a_start(client, board):
    assert listed(client, "/en/?q=secretar head&deadline=all") == []


def test_a_search_with_no_result_suggests_the_closest_words_that_give_some(client, board):
    html = client.get("/en/?q=Comprehensve Asistance").content.decode()
    assert "0 vacancies" in html
    link = re.search(r'Did you mean: <a href="\?([^"]+)">([^<]+)</a>\?', html)
    assert link[2] == "comprehensive assistance"
    assert listed(client, "/en/?" + link[1].replace("&amp;", "&"))


def test_the_suggestion_keeps_the_other_filters_and_is_offered_only_when_it_finds(client, board):
    # Only the closed post is in Capellen: correcting the name would find nothing open.
    assert "Did you mean" not in client.get("/en/?q=Capelen&risk=none").content.decode()
    html = client.get("/en/?q=Capelen&deadline=all&risk=none").content.decode()
    assert 'Did you mean: <a href="?q=capellen&amp;deadline=all&amp;risk=none">' in html


def test_the_suggestion_is_made_in_french_on_the_french_page(client, board):
    html = client.get("/fr/?q=Comprehensve").content.decode()
    assert 'Vouliez-vous dire\u00a0: <a href="?q=comprehensive">comprehensive</a>\u00a0?' in html


def test_words_are_corrected_only_towards_words_the_board_knows():
    known = {"security": "security", "officer": "officer", "kyiv": "kyiv", "securite": "sécurité"}
    assert corrected("securty oficer", known) == "security officer"
    assert corrected("Securty KYIV", known) == "security KYIV"
    assert corrected("secorite", known) == "sécurité"  # as titles write it
    assert corrected("security officer", known) is None
    assert corrected("zzzzzz", known) is None


def test_a_correction_keeps_what_the_search_says_around_its_words():
    known = {"security": "security", "kyiv": "kyiv"}
    assert corrected('"securty" -Kyv', known) == '"security" -kyiv'


def test_a_long_search_corrects_its_first_few_unknown_words_only():
    known = {"security": "security"}
    assert corrected("securty " * 10, known).split() == ["security"] * 4 + ["securty"] * 6


# ------------------------------------------------------------------------------ extracts


def test_each_result_shows_an_extract_with_the_words_marked(client, board):
    html = client.get("/en/?q=assistance").content.decode()
    extracts = re.findall(r'<p class="extract"[^>]*>(.*?)</p>', html, re.S)
    assert len(extracts) == len(listed(client, "/en/?q=assistance")) == 3
    assert all(re.search(r"<mark>assistance</mark>", text, re.I) for text in extracts)


def test_the_french_page_shows_french_extracts(client, board):
    html = client.get("/fr/?q=securite").content.decode()
    assert re.search(r"<mark>sécurité</mark>", html, re.I)


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script> zebra",
        "zebra <img src=x onerror=alert(1)>",
        "zebra \x1e<i>not marked</i>\x1f",
        '"zebra" & 1 < 2 > 0',
    ],
)
def test_extracts_are_escaped(client, board, text):
    vacancy = Vacancy.objects.get(reference="260885")
    vacancy.sections_en = [{"heading": "Summary", "text": text}]
    vacancy.save()
    html = client.get("/en/?q=zebra").content.decode()
    extract = re.search(r'<p class="extract"[^>]*>(.*?)</p>', html, re.S)[1]
    assert "<mark>zebra</mark>" in extract
    assert not re.search(r"<(?!/?mark>)", extract)  # no element but the marks


def test_extracts_show_the_notices_markdown_as_plain_words(client, board):
    vacancy = Vacancy.objects.get(reference="260885")
    vacancy.sections_en = [
        {
            "heading": "Summary",
            "text": "Based in **Kyïv (Ukraine)**, see [the zebra page](https://example.org/z).",
        }
    ]
    vacancy.save()
    html = client.get("/en/?q=zebra").content.decode()
    extract = re.search(r'<p class="extract"[^>]*>(.*?)</p>', html, re.S)[1]
    assert "Based in Kyïv (Ukraine), see the <mark>zebra</mark> page." in extract


def test_no_extract_without_a_search(client, board):
    assert 'class="extract"' not in client.get("/en/").content.decode()


# ----------------------------------------------------------------------------- any input


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    typed=st.text(
        alphabet=st.sampled_from(list("abcéï Kiev-\"'|&!():*<>\\OR or # 260280 Den Haag")),
        max_size=60,
    )
)
def test_whatever_is_typed_the_list_answers(client, board, typed):
    response = client.get("/fr/", {"q": typed})
    assert response.status_code in (200, 302)


def test_the_digits_of_a_reference_are_read_from_what_candidates_paste():
    assert reference_typed("IS 260280") == "260280"
    assert reference_typed("Kiev 2") is None


# ------------------------------------------------------------------ place names in the admin


def test_hr_adds_a_place_name_in_the_admin(editor_client, board):
    response = editor_client.post(
        "/admin/vacancies/placename/add/", {"name": "Kijów", "place": "Kyiv"}, follow=True
    )
    assert response.status_code == 200
    assert PlaceName.objects.filter(name="Kijów", place="Kyiv").exists()


def test_a_place_name_for_a_place_no_location_has_is_refused(editor_client, board):
    response = editor_client.post(
        "/admin/vacancies/placename/add/", {"name": "Kyv", "place": "Kyvv"}
    )
    assert "No location is called “Kyvv”" in response.content.decode()
    assert not PlaceName.objects.filter(name="Kyv").exists()
