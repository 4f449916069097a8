"""Hostile and careless input at the alerts' doors: the form, the addresses of its pages,
and the searches it follows. Nothing gives a 500, and no value reaches a mail's headers
as more than one line."""

from email import message_from_bytes, policy
from urllib.parse import quote

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alerts.models import Subscription

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("forms_fill_in_like_people")]

fuzzed = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ODD = st.sampled_from(["", " ", "\r\n", "\x00", "\u2028", "é", "<script>", "%", "&", "=", "a@b"])
texts = st.one_of(st.text(max_size=300), st.lists(ODD, max_size=20).map("".join))
SEARCH_PARAMETERS = ["q", "grade_min", "grade_max", "country", "location", "risk", "deadline",
                     "deadline_before", "clearance", "organisation", "other_locations", "sort",
                     "page", "grade", "unknown"]  # fmt: skip


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


HEADERS = {
    "Content-Type", "MIME-Version", "Subject", "From", "To", "Date", "Message-ID",
    "Auto-Submitted", "Content-Language", "List-Unsubscribe", "List-Unsubscribe-Post",
}  # fmt: skip


def assert_mails_have_one_line_headers():
    """Read back as a mail program reads them: the headers the board writes, each one line."""
    for message in mail.outbox:
        parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
        assert set(parsed.keys()) <= HEADERS, parsed.keys()
        for name, value in parsed.items():
            assert "\n" not in str(value) and "\r" not in str(value), (name, value)


@fuzzed
@given(pairs=st.lists(st.tuples(st.sampled_from(SEARCH_PARAMETERS), texts), max_size=6))
def test_the_form_opens_for_any_search(anonymous, pairs):
    query = "&".join(f"{name}={quote(value, safe='')}" for name, value in pairs)
    response = anonymous.get(f"/en/alerts/?{query}")
    assert response.status_code == (400 if "%00" in query else 200)  # NUL: the site's 400


@fuzzed
@given(email=texts, frequency=texts, search=texts, website=st.just(""), use_stamp=st.booleans())
def test_any_form_sent_is_answered_without_an_error(anonymous, email, frequency, search, website,
                                                    use_stamp):  # fmt: skip
    mail.outbox.clear()
    stamp = anonymous.get("/en/alerts/").context["form"].initial["shown"] if use_stamp else ""
    data = {"email": email, "frequency": frequency, "search": search, "website": website}
    response = anonymous.post("/en/alerts/", {**data, "shown": stamp})
    assert response.status_code in {302, 400, 429}
    assert_mails_have_one_line_headers()


@fuzzed
@given(words=texts.filter(lambda words: "\x00" not in words))
def test_any_words_searched_reach_the_mails_subject_on_one_line(anonymous, words):
    mail.outbox.clear()
    cache.clear()  # each example may send its mail: no limit reached
    Subscription.objects.all().delete()
    page = anonymous.get(f"/en/alerts/?q={quote(words, safe='')}")
    form = page.context["form"]
    anonymous.post(
        "/en/alerts/",
        {"email": "ana@example.org", "frequency": "daily", "website": "",
         "search": form.initial["search"], "shown": form.initial["shown"]},
    )  # fmt: skip
    assert len(mail.outbox) == 1
    assert_mails_have_one_line_headers()


@fuzzed
@given(token=st.text(max_size=80), action=st.sampled_from(["confirm", "unsubscribe"]))
def test_any_link_from_a_mail_is_a_page_or_a_404(anonymous, token, action):
    path = f"/en/alerts/{quote(token, safe='')}/{action}/"
    assert anonymous.get(path).status_code in {200, 404}
    assert anonymous.post(path).status_code in {200, 403, 404}


@fuzzed
@given(signed=st.text(max_size=120))
def test_any_address_link_is_a_page_or_a_404(anonymous, signed):
    path = f"/en/alerts/address/{quote(signed, safe=':')}/"
    assert anonymous.get(path).status_code in {200, 404}
