"""Whatever a notice holds, nothing in it becomes markup: on the public pages and on every
admin page that shows notice text, each element and attribute comes from the site, and the
notice's words are shown as words."""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from vacancies.importing import vacancy_upsert_from_notice
from vacancies.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, notice_html
from vacancies.models import Location, Vacancy

NOTICE = Path(settings.BASE_DIR) / "fixtures" / "notices" / "001_fdb992f5b67e8e86.txt"

# One of each class: tags, event handlers, javascript: and data: URLs in links and
# autolinks, entities and mixed case, nested and broken Markdown links, HTML comments.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '"><svg onload=alert(1)>',
    "'><iframe src=javascript:alert(1)></iframe>",
    "<details open ontoggle=alert(1)>x</details>",
    "<style>body{display:none}</style>",
    "<base href=https://evil.example/>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "<form action=https://evil.example><button>go</button></form>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)>",
    "<data:text/html,alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "[c3](https://a<https://b/autofocus/onfocus=alert`M3`//>)",
    '[a](https://ok.example "t" onmouseover="alert(1)")',
    '[x](https://ok.example/" autofocus onfocus="alert(1))',
    '<https://ok.example/"onmouseover="alert(1)>',
    "[[x](javascript:alert(1))](https://ok.example)",
    "[x](https://ok.example)<!-- <script>alert(1)</script> -->",
    "<!--><img src=x onerror=alert(1)>-->",
    "**<b onclick=alert(1)>bold</b>**",
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
]
HOSTILE = "\n\n".join(PAYLOADS)


class _Structure(HTMLParser):
    """Every element and attribute of a page, and the URLs it links to."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pairs: set[tuple[str, str]] = set()
        self.urls: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.pairs.add((tag, ""))
        for name, value in attrs:
            self.pairs.add((tag, name))
            if name in ("href", "src", "action", "formaction", "xlink:href", "content"):
                self.urls.add(value or "")

    handle_startendtag = handle_starttag


def structure(html: str) -> _Structure:
    parser = _Structure()
    parser.feed(html)
    return parser


def assert_nothing_comes_from_the_notice(hostile_html: str, harmless_html: str):
    """The hostile page has no element or attribute the harmless one lacks, beyond the
    notice markup's own, and links only to the site, the web or an address."""
    hostile, harmless = structure(hostile_html), structure(harmless_html)
    markup = {(tag, "") for tag in ALLOWED_TAGS} | {
        (tag, name) for tag, names in ALLOWED_ATTRIBUTES.items() for name in names
    }
    assert hostile.pairs - harmless.pairs - markup == set()
    assert not {name for _, name in hostile.pairs if name.startswith("on")}
    for url in hostile.urls - harmless.urls:
        assert urlsplit(url.strip()).scheme in ("", "http", "https", "mailto"), url


def _allowed_only(html: str):
    found = structure(html)
    allowed = {(tag, "") for tag in ALLOWED_TAGS} | {
        (tag, name) for tag, names in ALLOWED_ATTRIBUTES.items() for name in names
    }
    assert found.pairs <= allowed, found.pairs - allowed
    for url in found.urls:
        assert urlsplit(url).scheme in ("http", "https", "mailto"), url


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_renders_to_allowed_markup_only(payload):
    _allowed_only(notice_html(payload))


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            list("<>\"'=&;:/\\[]()*_!`-# \n\t")
            + ["script", "onerror", "javascript", "data", "href", "&#", "https://", "<!--", "-->"]
            + ["img", "a", "svg", "mailto:", "1. ", "- ", "**", "alert(1)", "&lt;", "x"]
        ),
        max_size=60,
    ).map("".join)
)
def test_any_text_renders_to_allowed_markup_only(text):
    _allowed_only(notice_html(text))


def test_the_notice_markdown_still_renders():
    html = notice_html(
        "A **bold** and *italic* [link](https://example.org/a?b=1&c=2), <https://example.org>"
        " and [nowhere](#).\nNext line.\n\n- one\n- two\n\n3. third\n4. fourth"
    )
    assert html == (
        "<p>A <strong>bold</strong> and <em>italic</em> "
        '<a href="https://example.org/a?b=1&amp;c=2">link</a>, '
        '<a href="https://example.org">https://example.org</a> and nowhere.<br>\nNext line.</p>'
        '<ul><li>one</li><li>two</li></ul><ol start="3"><li>third</li><li>fourth</li></ol>'
    )


# ----------------------------------------------------------------------------- the pages


@pytest.fixture
def vacancies(db):
    """The same notice twice: 260066 made hostile in every field shown, 260067 harmless."""
    text = NOTICE.read_text(encoding="utf-8")
    vacancy_upsert_from_notice(text=text, source_name="001.txt")
    vacancy_upsert_from_notice(text=text.replace("260066", "260067"), source_name="002.txt")
    hostile = Vacancy.objects.get(reference="260066")
    place = Location.objects.create(
        country=PAYLOADS[2][:100], city=PAYLOADS[5][:100], country_fr=PAYLOADS[4], city_fr="x"
    )
    Vacancy.objects.filter(pk=hostile.pk).update(
        title_en=PAYLOADS[22],
        title_fr=PAYLOADS[3],
        organisation_en=PAYLOADS[12][:200],
        organisation_fr=PAYLOADS[13],
        clearance=PAYLOADS[6][:50],
        schedule_en=PAYLOADS[4],
        risk_note_en=HOSTILE,
        risk_note_fr=HOSTILE,
        sections_en=[{"heading": PAYLOADS[0], "text": HOSTILE}],
        sections_fr=[{"heading": PAYLOADS[2], "text": HOSTILE}],
        primary_location=place,
        source_text=HOSTILE,
    )
    hostile.refresh_from_db()
    hostile.other_locations.set([place])
    hostile._change_reason = PAYLOADS[2]
    hostile.save()
    return hostile, Vacancy.objects.get(reference="260067")


@pytest.mark.parametrize(
    "page",
    [
        "/en/vacancies/{vacancy.reference}/",
        "/fr/postes/{vacancy.reference}/",
        "/en/?deadline=all&location={vacancy.primary_location_id}",
        "/fr/?deadline=all&location={vacancy.primary_location_id}",
    ],
)
def test_public_pages_show_hostile_notices_as_words(client, vacancies, page):
    hostile, harmless = vacancies
    hostile_html = client.get(page.format(vacancy=hostile)).content.decode()
    harmless_html = client.get(page.format(vacancy=harmless)).content.decode()
    assert_nothing_comes_from_the_notice(hostile_html, harmless_html)
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile_html


@pytest.mark.parametrize(
    "page",
    [
        "admin:vacancies_vacancy_change",
        "admin:vacancies_vacancy_history",
        "admin:vacancies_vacancy_changelist",
        "admin:vacancies_location_changelist",
    ],
)
def test_admin_pages_show_hostile_notices_as_words(editor_client, vacancies, page):
    def html_of(vacancy):
        args = [vacancy.pk] if "changelist" not in page else []
        query = f"?q={vacancy.reference}" if page.endswith("vacancy_changelist") else ""
        response = editor_client.get(reverse(page, args=args) + query)
        assert response.status_code == 200
        return response.content.decode()

    hostile, harmless = vacancies
    assert_nothing_comes_from_the_notice(html_of(hostile), html_of(harmless))


def test_an_old_version_of_a_hostile_notice_shows_as_words(editor_client, vacancies):
    def html_of(vacancy):
        version = vacancy.history.first()
        url = reverse("admin:vacancies_vacancy_simple_history", args=[vacancy.pk, version.pk])
        return editor_client.get(url).content.decode()

    hostile, harmless = vacancies
    assert_nothing_comes_from_the_notice(html_of(hostile), html_of(harmless))


def test_the_import_preview_shows_a_hostile_notice_as_words(editor_client, db):
    text = NOTICE.read_text(encoding="utf-8")
    hostile = text.replace(
        "Package Project Manager", "Package <img src=x onerror=alert(1)> Manager", 1
    ).replace("1. SUMMARY", "1. SUMMARY\n\n" + HOSTILE, 1)
    url = reverse("admin:vacancies_vacancy_import")
    hostile_html = editor_client.post(url, {"text": hostile}).content.decode()
    harmless_html = editor_client.post(url, {"text": text}).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile_html
    assert_nothing_comes_from_the_notice(hostile_html, harmless_html)
