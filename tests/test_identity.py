"""Who the board belongs to, on every page: its name, the organisation's name, site and logo,
the contact address, and the accessibility statement and privacy notice, in either language,
as the environment configures them (jobboard/identity.py)."""

import os
import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import URLValidator, validate_email
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from jobboard import identity

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static"

EXAMPLE_NAMES = {
    "BOARD_NAME": {"en": "Careers at the Example Agency", "fr": "Carrières à l’Agence exemple"},
    "ORGANISATION_NAME": {"en": "Example Agency", "fr": "Agence exemple"},
}


def _html(response):
    assert response.status_code == 200
    return response.content.decode()


def _header(html):
    return re.search(r'<header class="site-header">.*?</header>', html, re.DOTALL)[0]


def _footer(html):
    return re.search(r'<footer class="site-footer">.*?</footer>', html, re.DOTALL)[0]


def _text(html):
    """What a reader sees of some HTML: the words, without tags, spaces folded (but not the
    no-break spaces of French punctuation)."""
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", "", html))).strip()


# --------------------------------------------------------------------- the header


@pytest.mark.parametrize(
    "url, board, organisation",
    [
        ("/en/", "International Staff job board", "International Organisation"),
        ("/fr/", "Offres d’emploi du Secrétariat international", "Organisation internationale"),
        ("/en/privacy/", "International Staff job board", "International Organisation"),
        ("/fr/confidentialite/", "Offres d’emploi du Secrétariat international",
         "Organisation internationale"),
    ],
)  # fmt: skip
def test_the_header_names_the_board_and_its_organisation_in_the_pages_language(
    client, url, board, organisation
):
    header = _header(_html(client.get(url)))

    assert f'<span class="site-name">{board}</span>' in header
    assert f'<span class="site-organisation">{organisation}</span>' in header


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_header_shows_the_logo_beside_the_names_without_repeating_them(client, language):
    header = _header(_html(client.get(f"/{language}/")))

    # The names are the link's text; a screen reader does not hear them twice.
    assert '<img class="site-logo" src="/static/logo.svg" alt="" height="48">' in header
    assert f'<a class="site-identity" href="/{language}/">' in header


@pytest.mark.parametrize(
    "url, title",
    [
        ("/en/", "Vacancies – International Staff job board"),
        ("/fr/", "Postes vacants – Offres d’emploi du Secrétariat international"),
        ("/en/accessibility/", "Accessibility statement – International Staff job board"),
        ("/fr/confidentialite/",
         "Politique de confidentialité – Offres d’emploi du Secrétariat international"),
    ],
)  # fmt: skip
def test_the_browser_tab_shows_the_page_then_the_boards_name(client, url, title):
    assert f"<title>{title}</title>" in _html(client.get(url))


@override_settings(
    **EXAMPLE_NAMES, ORGANISATION_LOGO="https://cdn.example.org/brand/agency.svg"
)  # fmt: skip
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_header_follows_the_settings(client, language):
    html = _html(client.get(f"/{language}/"))
    header = _header(html)

    board = EXAMPLE_NAMES["BOARD_NAME"][language]
    assert f'<span class="site-name">{board}</span>' in header
    organisation = EXAMPLE_NAMES["ORGANISATION_NAME"][language]
    assert f'<span class="site-organisation">{organisation}</span>' in header
    assert 'src="https://cdn.example.org/brand/agency.svg" alt=""' in header
    assert f"– {board}</title>" in html
    assert "International Staff" not in html and "Secrétariat international" not in html


@override_settings(ORGANISATION_LOGO="favicon.svg")
def test_a_logo_from_static_is_served_from_there(client):
    assert 'src="/static/favicon.svg" alt=""' in _header(_html(client.get("/en/")))


@override_settings(
    BOARD_NAME={"en": "Jobs <b>&</b> careers", "fr": "Emplois"},
    ORGANISATION_NAME={"en": "<script>alert(1)</script>", "fr": "Agence"},
)
def test_names_from_the_environment_are_shown_as_text(client):
    header = _header(_html(client.get("/en/")))

    assert "Jobs &lt;b&gt;&amp;&lt;/b&gt; careers" in header
    assert "<script>" not in header


# --------------------------------------------------------------------- the footer


@pytest.mark.parametrize(
    "language, accessibility, privacy, organisation",
    [
        ("en", "/en/accessibility/", "/en/privacy/", "International Organisation"),
        ("fr", "/fr/accessibilite/", "/fr/confidentialite/", "Organisation internationale"),
    ],
)
def test_the_footer_links_to_the_pages_about_the_site_and_to_the_organisation(
    client, language, accessibility, privacy, organisation
):
    footer = _footer(_html(client.get(f"/{language}/")))

    assert f'<a href="{accessibility}">' in footer
    assert f'<a href="{privacy}">' in footer
    assert f'<a href="https://www.example.org/">{organisation}</a>' in footer


@pytest.mark.parametrize(
    "language, question",
    [
        ("en", "Questions about a vacancy or about this site? Write to recruitment@example.org."),
        ("fr", "Une question sur un poste ou sur ce site\u00a0? "
               "Écrivez à recruitment@example.org."),
    ],
)  # fmt: skip
def test_the_footer_gives_the_address_for_questions(client, language, question):
    footer = _footer(_html(client.get(f"/{language}/")))

    assert question in _text(footer)
    assert '<a href="mailto:recruitment@example.org">recruitment@example.org</a>' in footer


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_footer_keeps_the_deadlines_time_zone(client, language):
    sentence = {
        "en": "Deadlines are in Brussels time unless stated otherwise.",
        "fr": "Sauf indication contraire, les dates limites sont exprimées à l’heure de Bruxelles.",
    }[language]

    assert sentence in _text(_footer(_html(client.get(f"/{language}/"))))


@override_settings(CONTACT_EMAIL="jobs@agency.example", ORGANISATION_URL="https://agency.example/")
@pytest.mark.parametrize("url", ["/en/", "/fr/confidentialite/", "/en/accessibility/"])
def test_the_contact_and_the_organisations_site_follow_the_settings(client, url):
    html = _html(client.get(url))

    assert 'href="mailto:jobs@agency.example"' in _footer(html)
    assert '<a href="https://agency.example/">' in _footer(html)
    assert "recruitment@example.org" not in html
    assert "www.example.org" not in html


@pytest.mark.parametrize("url", ["/en/accessibility/", "/fr/confidentialite/"])
def test_the_footer_marks_the_page_being_read(client, url):
    footer = _footer(_html(client.get(url)))

    assert f'<a href="{url}" aria-current="page">' in footer
    assert footer.count('aria-current="page"') == 1


def test_the_footer_is_on_the_error_pages_too(client):
    response = client.get("/fr/postes/999999/")

    assert response.status_code == 404
    assert 'href="/fr/accessibilite/"' in _footer(response.content.decode())


# --------------------------------------------------------------------- the two pages

PAGES = [
    # (address, heading, the other language's address, words the page must hold)
    ("/en/accessibility/", "Accessibility statement", "/fr/accessibilite/",
     ["WCAG) 2.1 at level AA", "keyboard alone", "screen reader", "320 pixels", "axe-core",
      "Known limitations", "write to recruitment@example.org"]),
    ("/fr/accessibilite/", "Déclaration d’accessibilité", "/en/accessibility/",
     ["(WCAG) 2.1, au niveau AA", "au clavier seul", "lecteur d’écran", "320 pixels", "axe-core",
      "Limites connues", "écrivez à recruitment@example.org"]),
    ("/en/privacy/", "Privacy notice", "/fr/confidentialite/",
     ["without an account", "set no cookie", "csrftoken", "IP address", "recruitment site",
      "write to recruitment@example.org", "International Organisation"]),
    ("/fr/confidentialite/", "Politique de confidentialité", "/en/privacy/",
     ["sans compte", "ne déposent aucun cookie", "csrftoken", "adresse IP", "site de recrutement",
      "écrivez à recruitment@example.org", "Organisation internationale"]),
]  # fmt: skip


@pytest.mark.parametrize("url, heading, twin, words", PAGES)
def test_each_page_about_the_site_reads_in_its_language(client, url, heading, twin, words):
    html = _html(client.get(url))

    assert f'<html lang="{url[1:3]}">' in html
    assert html.count("<h1") == 1 and f"<h1>{heading}</h1>" in html
    for phrase in words:
        assert phrase in _text(html), phrase


@pytest.mark.parametrize("url, heading, twin, words", PAGES)
def test_the_language_toggle_leads_to_the_same_page_in_the_other_language(
    client, url, heading, twin, words
):
    html = _html(client.get(url))
    language = twin[1:3]

    assert f'<a href="{twin}" hreflang="{language}" lang="{language}">' in _header(html)
    assert f'<link rel="alternate" hreflang="{language}" href="http://testserver{twin}">' in html
    assert client.get(twin).status_code == 200


def test_the_french_pages_are_wholly_in_french(client):
    """Every sentence of the French pages comes translated: none is left in English."""
    for url in ("/fr/accessibilite/", "/fr/confidentialite/"):
        main = re.search(r"<main.*?</main>", _html(client.get(url)), re.DOTALL)[0]
        for english in ("This ", " the ", " you ", " site’s ", " and "):
            assert english not in _text(main), (url, english)


@pytest.mark.parametrize(
    "url", ["/en/", "/fr/", "/en/accessibility/", "/fr/confidentialite/", "/en/vacancies/1/"]
)
def test_the_pages_for_candidates_set_no_cookie_as_the_privacy_notice_says(client, url):
    response = client.get(url)

    assert response.cookies == {}


# --------------------------------------------------------------------- the settings


ACCEPTED = [
    ("CONTACT_EMAIL", " jobs@agency.example ", "jobs@agency.example"),
    ("CONTACT_EMAIL", "", "recruitment@example.org"),
    ("ORGANISATION_URL", "http://intranet.example.org/", "http://intranet.example.org/"),
    ("ORGANISATION_URL", "https://agency.example/about?lang=en", "https://agency.example/about?lang=en"),
    ("ORGANISATION_LOGO", "favicon.svg", "favicon.svg"),
    ("ORGANISATION_LOGO", "css/../logo.svg", "logo.svg"),
    ("ORGANISATION_LOGO", "https://cdn.example.org/logo.png", "https://cdn.example.org/logo.png"),
]  # fmt: skip
REFUSED = [
    ("CONTACT_EMAIL", "recruitment", "an e-mail address is expected"),
    ("CONTACT_EMAIL", "mailto:jobs@agency.example", "an e-mail address is expected"),
    ("ORGANISATION_URL", "www.example.org", "an http or https address is expected"),
    ("ORGANISATION_URL", "ftp://example.org/", "an http or https address is expected"),
    ("ORGANISATION_URL", "javascript:alert(1)", "an http or https address is expected"),
    ("ORGANISATION_LOGO", "logo.svgg", "no such file in static/"),
    ("ORGANISATION_LOGO", "css", "no such file in static/"),
    ("ORGANISATION_LOGO", "../pyproject.toml", "no such file in static/"),
    ("ORGANISATION_LOGO", "/etc/hostname", "no such file in static/"),
    ("ORGANISATION_LOGO", "http://cdn.example.org/logo.svg", "must be an https address"),
    # Bytes that are not UTF-8 (a file saved in Latin-1), which validators would let through.
    ("CONTACT_EMAIL", os.fsdecode(b"jobs@agence-\xe9t\xe9.example"), "not UTF-8 text"),
    ("ORGANISATION_URL", os.fsdecode(b"https://agence-\xe9t\xe9.example/"), "not UTF-8 text"),
    ("ORGANISATION_LOGO", os.fsdecode(b"https://example.org/\xe9.svg"), "not UTF-8 text"),
]


def _read(name, value, monkeypatch):
    monkeypatch.setenv(name, value)
    if name == "CONTACT_EMAIL":
        return identity.env_email(name, "recruitment@example.org")
    if name == "ORGANISATION_URL":
        return identity.env_web_address(name, "https://www.example.org/")
    return identity.env_logo(name, "logo.svg", STATIC)


@pytest.mark.parametrize("name, value, expected", ACCEPTED)
def test_identity_settings_accept_what_they_can_use(monkeypatch, name, value, expected):
    assert _read(name, value, monkeypatch) == expected


@pytest.mark.parametrize("name, value, reason", REFUSED)
def test_identity_settings_refuse_a_typo_naming_the_variable(monkeypatch, name, value, reason):
    with pytest.raises(ImproperlyConfigured) as refusal:
        _read(name, value, monkeypatch)

    assert str(refusal.value).startswith(f"{name}={value!r}: ")
    assert reason in str(refusal.value)


# What an environment variable can hold: any text, or any bytes (as Python reads them).
ENVIRONMENT_VALUES = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=80),
    st.binary(max_size=80).filter(lambda value: b"\x00" not in value).map(os.fsdecode),
)


@given(value=ENVIRONMENT_VALUES)
@pytest.mark.parametrize("name", ["CONTACT_EMAIL", "ORGANISATION_URL", "ORGANISATION_LOGO"])
def test_any_value_is_either_usable_or_refused_by_name(name, value):
    """Whatever is typed, the site starts with a value its pages can use, or not at all."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        try:
            accepted = _read(name, value, monkeypatch)
        except ImproperlyConfigured as refusal:
            assert str(refusal).startswith(f"{name}=")
            return
    if not value.strip():
        return  # the default
    accepted.encode()  # a page can be written with it
    if name == "CONTACT_EMAIL":
        validate_email(accepted)
    elif name == "ORGANISATION_URL":
        URLValidator(schemes=["http", "https"])(accepted)
    elif identity.is_web_address(accepted):
        URLValidator(schemes=["https"])(accepted)
    else:
        assert (STATIC / accepted).is_file()
        assert ".." not in accepted.split("/")


@pytest.mark.parametrize(
    "given_names, expected",
    [
        ({}, {"en": "International Organisation", "fr": "Organisation internationale"}),
        ({"_EN": "Example Agency", "_FR": "Agence exemple"},
         {"en": "Example Agency", "fr": "Agence exemple"}),
        # One language given: it serves both, rather than the default name of another body.
        ({"_EN": "Example Agency"}, {"en": "Example Agency", "fr": "Example Agency"}),
        ({"_FR": " Agence exemple "}, {"en": "Agence exemple", "fr": "Agence exemple"}),
        ({"_EN": "  ", "_FR": ""},
         {"en": "International Organisation", "fr": "Organisation internationale"}),
    ],
)  # fmt: skip
def test_names_are_read_for_each_language(monkeypatch, given_names, expected):
    for suffix, value in given_names.items():
        monkeypatch.setenv(f"ORGANISATION_NAME{suffix}", value)
    defaults = {"en": "International Organisation", "fr": "Organisation internationale"}

    assert identity.env_names("ORGANISATION_NAME", defaults, ["en", "fr"]) == expected


def test_a_name_that_is_not_utf8_is_refused_naming_the_variable(monkeypatch):
    monkeypatch.setenv("BOARD_NAME_FR", os.fsdecode(b"Carri\xe8res"))

    with pytest.raises(ImproperlyConfigured, match=r"^BOARD_NAME_FR='Carri\\udce8res': not UTF-8"):
        identity.env_names("BOARD_NAME", {"en": "Careers", "fr": "Carrières"}, ["en", "fr"])


PRINT_IDENTITY = (
    "from django.conf import settings; "
    "print(settings.BOARD_NAME['fr'], settings.ORGANISATION_NAME['en'], sep='|'); "
    "print(settings.ORGANISATION_URL, settings.ORGANISATION_LOGO, settings.CONTACT_EMAIL); "
    "print(*settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
)


def test_the_site_reads_its_identity_from_the_environment(manage):
    env = {
        "BOARD_NAME_EN": "Careers at the Example Agency",
        "BOARD_NAME_FR": "Carrières à l’Agence exemple",
        "ORGANISATION_NAME_EN": "Example Agency",
        "ORGANISATION_URL": "https://agency.example/",
        "ORGANISATION_LOGO": "https://cdn.agency.example/logo.svg",
        "CONTACT_EMAIL": "jobs@agency.example",
    }

    result = manage("shell", "--no-imports", "-c", PRINT_IDENTITY, env=env)

    assert result.returncode == 0, result.stderr
    names, values, images = result.stdout.splitlines()
    assert names == "Carrières à l’Agence exemple|Example Agency"
    assert values.split() == [
        "https://agency.example/",
        "https://cdn.agency.example/logo.svg",
        "jobs@agency.example",
    ]
    # The pages may show the logo from its site, and images from no other.
    assert images.split() == ["'self'", "data:", "https://cdn.agency.example"]


@pytest.mark.parametrize(
    "name, value",
    [("CONTACT_EMAIL", "recruitment.example.org"), ("ORGANISATION_LOGO", "static/logo.svg")],
)
def test_the_site_does_not_start_with_a_mistyped_identity(manage, name, value):
    result = manage("check", env={name: value})

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name}={value!r}: " in result.stderr
