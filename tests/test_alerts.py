"""E-mail alerts as candidates meet them: asking, confirming, receiving, stopping."""

import re
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from alerts.forms import FASTEST_SECONDS
from alerts.models import Delivery, Subscription
from alerts.sending import send_alerts
from vacancies.models import Vacancy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("forms_fill_in_like_people")]


def ask_for_alerts(client, query="", email="ana@example.org", frequency="daily", lang="en"):
    with translation.override(lang):
        form_url = reverse("alerts:subscribe")
    page = client.get(f"{form_url}?{query}" if query else form_url)
    form = page.context["form"]
    return client.post(
        form_url,
        {
            "email": email,
            "frequency": frequency,
            "search": form.initial["search"],
            "shown": form.initial["shown"],
            "website": "",
        },
    )


def link_in(message, pattern):
    found = re.search(rf"https?://\S*(?:{pattern})\S*", message.body)
    assert found, message.body
    return found.group(0).removeprefix("http://127.0.0.1:8000")


def confirm_by_mail(client, message):
    confirm_path = link_in(message, "confirm|confirmer")
    return client.post(confirm_path)


def test_the_list_offers_alerts_for_the_search_it_shows(client, board):
    page = client.get("/en/?grade_min=15&grade_max=18&sort=recent")
    assert 'href="/en/alerts/?grade_min=15&amp;grade_max=18&amp;sort=recent"' in page.text
    form = client.get("/en/alerts/?grade_min=15&grade_max=18&sort=recent")
    assert "Grade 15–18, open posts" in form.text
    assert form.context["form"].initial["search"] == "grade_min=15&grade_max=18"


def test_asking_sends_a_confirmation_in_the_pages_language_and_nothing_else(client, board):
    response = ask_for_alerts(client, "grade_min=15&grade_max=18", lang="fr")
    assert response.status_code == 302
    assert response["Location"] == "/fr/alertes/demandee/"
    (message,) = mail.outbox
    assert message.to == ["ana@example.org"]
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    assert (
        str(parsed["From"])
        == "Offres d’emploi du Secrétariat international <recruitment@example.org>"
    )
    assert "Grades 15 à 18" in message.subject
    assert "/fr/alertes/" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html" and 'lang="fr"' in html
    subscription = Subscription.objects.get()
    assert not subscription.is_confirmed
    assert subscription.language == "fr"


def test_the_link_in_the_mail_confirms_only_with_the_pages_button(client, board):
    ask_for_alerts(client, "grade_min=15")
    confirm_path = link_in(mail.outbox[0], "confirm")
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "Confirm and start my alerts" in page.text
    assert not Subscription.objects.get().is_confirmed  # a scanner following the link
    confirmed = client.post(confirm_path)
    assert "Your alert is on" in confirmed.text
    assert Subscription.objects.get().is_confirmed


def test_asking_again_for_a_search_followed_answers_the_same_and_tells_the_address(client, board):
    first = ask_for_alerts(client, "grade_min=15")
    confirm_by_mail(client, mail.outbox[0])
    again = ask_for_alerts(client, "grade_min=15")
    assert again.status_code == first.status_code and again["Location"] == first["Location"]
    assert "already receive" in mail.outbox[1].subject
    assert Subscription.objects.count() == 1


def publish_new_vacancy(board, reference, **changes):
    """Published just now, and open for a month (unless ``changes`` say otherwise)."""
    vacancy = board[reference]
    changes = {"deadline": timezone.now() + timedelta(days=30), **changes}
    Vacancy.objects.filter(pk=vacancy.pk).update(published_at=timezone.now(), **changes)
    return vacancy


def test_a_confirmed_alert_tells_once_of_each_new_matching_vacancy(client, board):
    ask_for_alerts(client, "", lang="fr")
    confirm_by_mail(client, mail.outbox[0])
    mail.outbox.clear()
    publish_new_vacancy(board, "260066")
    tomorrow = timezone.now() + timedelta(days=1)
    run = send_alerts(now=tomorrow)
    assert run.mails_sent == 1
    (message,) = mail.outbox
    assert board["260066"].title_fr in message.body
    assert "260066" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/fr/")
    again = send_alerts(now=tomorrow + timedelta(days=1))
    assert again.mails_sent == 0
    assert len(mail.outbox) == 1
    assert Delivery.objects.count() == 1


def test_one_click_unsubscribes_without_a_cookie_or_a_form(client, board):
    ask_for_alerts(client)
    confirm_by_mail(client, mail.outbox[0])
    publish_new_vacancy(board, "260066")
    send_alerts(now=timezone.now() + timedelta(days=1))
    header = mail.outbox[-1].extra_headers["List-Unsubscribe"].strip("<>")
    from django.test import Client

    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        header.removeprefix("http://127.0.0.1:8000"), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    assert not Delivery.objects.exists()


def confirmed_alert(client, query="", email="ana@example.org", lang="en"):
    ask_for_alerts(client, query, email=email, lang=lang)
    confirm_by_mail(client, mail.outbox[-1])
    mail.outbox.clear()
    return Subscription.objects.get(email=email, search=query)


def test_an_alert_tells_only_of_vacancies_published_after_it_was_confirmed_that_match(
    client, board
):
    confirmed_alert(client, "risk=high")
    tomorrow = timezone.now() + timedelta(days=1)
    Vacancy.objects.update(risk_level="high")  # all of them published before the alert
    high = publish_new_vacancy(board, "260066")
    other = publish_new_vacancy(board, "260063", risk_level="")
    send_alerts(now=tomorrow)
    (message,) = mail.outbox
    assert "1 new vacancy: High risk, open posts" in message.subject
    assert high.reference in message.body
    assert other.reference not in message.body


def test_an_archived_or_closed_vacancy_is_not_mailed(client, board):
    confirmed_alert(client)
    archived = publish_new_vacancy(board, "260066", status=Vacancy.Status.ARCHIVED)
    closed = publish_new_vacancy(board, "260280", deadline=timezone.now() - timedelta(hours=1))
    send_alerts(now=timezone.now() + timedelta(days=1))
    assert not mail.outbox
    assert not Delivery.objects.filter(vacancy__in=[archived, closed]).exists()


def test_a_weekly_alert_waits_a_week_and_then_tells_of_the_whole_week(client, board):
    ask_for_alerts(client, frequency="weekly")
    confirm_by_mail(client, mail.outbox[0])
    mail.outbox.clear()
    publish_new_vacancy(board, "260066")
    assert send_alerts(now=timezone.now() + timedelta(days=1)).mails_sent == 0
    publish_new_vacancy(board, "260063")
    run = send_alerts(now=timezone.now() + timedelta(days=7))
    assert run.mails_sent == 1 and run.vacancies_mailed == 2
    assert "2 new vacancies" in mail.outbox[0].subject


def test_a_long_list_of_new_vacancies_links_to_the_search_for_the_rest(client, board, monkeypatch):
    import alerts.sending

    monkeypatch.setattr(alerts.sending, "LISTED", 2)
    confirmed_alert(client)
    for reference in ("260885", "260066", "260063", "240655"):
        publish_new_vacancy(board, reference)
    send_alerts(now=timezone.now() + timedelta(days=1))
    (message,) = mail.outbox
    assert "4 new vacancies" in message.subject
    assert "And 2 more: http://127.0.0.1:8000/en/" in message.body
    assert Delivery.objects.count() == 4  # the two not listed are in the search linked


def test_unconfirmed_requests_are_deleted_after_seven_days(client, board):
    ask_for_alerts(client, email="late@example.org")
    confirmed_alert(client, email="kept@example.org")
    send_alerts(now=timezone.now() + timedelta(days=6, hours=23))
    assert Subscription.objects.filter(email="late@example.org").exists()
    run = send_alerts(now=timezone.now() + timedelta(days=7, minutes=1))
    assert run.unconfirmed_deleted == 1
    assert list(Subscription.objects.values_list("email", flat=True)) == ["kept@example.org"]


def test_the_address_page_lists_every_alert_of_the_address_and_deletes_them(client, board):
    confirmed_alert(client, "grade_min=15", email="ana@example.org")
    confirmed_alert(client, "risk=high", email="ana@example.org")
    confirmed_alert(client, "risk=high", email="someone.else@example.org")
    ask_for_alerts(client, "grade_min=15", email="ana@example.org")  # "already" mail
    address_path = link_in(mail.outbox[-1], "address")
    page = client.get(address_path)
    assert "Grade from 15, open posts" in page.text and "High risk, open posts" in page.text
    assert "someone.else" not in page.text
    one = Subscription.objects.get(email="ana@example.org", search="risk=high")
    after = client.post(address_path, {"delete": one.token})
    assert after.status_code == 302
    assert Subscription.objects.filter(email="ana@example.org").count() == 1
    gone = client.post(client.get(after["Location"]).request["PATH_INFO"], {"delete_all": "1"})
    assert "No more alerts" in gone.text
    assert not Subscription.objects.filter(email="ana@example.org").exists()
    assert Subscription.objects.filter(email="someone.else@example.org").exists()


def test_a_forged_or_stale_link_says_the_alert_is_gone(client, board):
    alert = confirmed_alert(client)
    signed = link_in(
        confirmation_of(alert), "address"
    )  # a real one, then the same with another number
    forged = signed.replace(f"/{alert.pk}:", f"/{alert.pk + 1}:")
    for path in (forged, "/en/alerts/" + "x" * 43 + "/confirm/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "This link no longer works" in response.text


def confirmation_of(alert):
    from alerts.mail import confirmation_message

    return confirmation_message(alert)


@pytest.mark.parametrize(
    "trap",
    [
        {"website": "http://spam.example"},  # the field people do not see
        {"shown": ""},  # never shown by the site
        {"shown": "1700000000:forged"},
    ],
)
def test_a_form_sent_by_a_program_is_answered_as_usual_and_sends_nothing(client, board, trap):
    page = client.get("/en/alerts/")
    data = {"email": "ana@example.org", "frequency": "daily", "website": "", "search": ""}
    data["shown"] = page.context["form"].initial["shown"]
    response = client.post("/en/alerts/", {**data, **trap})
    assert response.status_code == 302 and response["Location"] == "/en/alerts/requested/"
    assert not mail.outbox
    assert not Subscription.objects.exists()


def test_a_form_sent_faster_than_a_person_types_sends_nothing(client, board, monkeypatch):
    import alerts.forms

    monkeypatch.setattr(alerts.forms, "FASTEST_SECONDS", FASTEST_SECONDS)
    response = ask_for_alerts(client)
    assert response["Location"] == "/en/alerts/requested/"
    assert not mail.outbox


@pytest.mark.parametrize(
    "email, problem",
    [
        ("not an address", "Enter a valid email address."),
        ("ana@example.org\r\nBcc: victim@example.org", "Enter a valid email address."),
        ("a" * 250 + "@example.org", "at most 254 characters"),
        ("", "This field is required."),
    ],
)
def test_an_address_that_cannot_be_one_is_refused_with_a_message(client, board, email, problem):
    response = ask_for_alerts(client, email=email)
    assert response.status_code == 400
    assert problem in response.text
    assert 'aria-invalid="true"' in response.text
    assert not mail.outbox


def test_an_address_gets_a_few_confirmation_mails_a_day_at_most(client, board, settings):
    settings.ALERT_MAILS_PER_ADDRESS_PER_DAY = 3
    responses = [ask_for_alerts(client, f"grade_min={grade}") for grade in range(10, 15)]
    assert {response["Location"] for response in responses} == {"/en/alerts/requested/"}
    assert len(mail.outbox) == 3


def test_a_client_asking_too_often_is_told_to_wait(client, board, settings):
    settings.ALERT_REQUESTS_PER_CLIENT_PER_HOUR = 2
    for number in range(2):
        assert ask_for_alerts(client, email=f"person{number}@example.org").status_code == 302
    refused = ask_for_alerts(client, email="person3@example.org")
    assert refused.status_code == 429
    assert "Please try again in an hour" in refused.text
    assert len(mail.outbox) == 2


def test_a_silent_cache_refuses_requests_rather_than_count_none(client, board, monkeypatch):
    from django.core.cache import cache

    def fails(*args, **kwargs):
        raise ConnectionError("the cache does not answer")

    monkeypatch.setattr(cache, "incr", fails)
    response = ask_for_alerts(client)
    assert response.status_code == 503
    assert "Alerts are unavailable for a moment" in response.text
    assert not mail.outbox


def test_a_mail_server_that_fails_leaves_nothing_saved_and_says_so(client, board, monkeypatch):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    def refuses(self, messages):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(EmailBackend, "send_messages", refuses)
    response = ask_for_alerts(client)
    assert response.status_code == 503
    assert "nothing was saved" in response.text
    assert not Subscription.objects.exists()


def test_the_hr_desk_counts_alerts_and_names_searches_but_never_addresses(
    client, board, editor_client
):
    confirmed_alert(client, "risk=high", email="ana@example.org", lang="fr")
    confirmed_alert(client, "risk=high", email="bob@example.org")
    confirmed_alert(client, "grade_min=15", email="bob@example.org")
    ask_for_alerts(client, email="unconfirmed@example.org")
    page = editor_client.get("/admin/")
    text = page.text
    assert "3 confirmed alerts" in text and "English 2, French 1" in text
    assert text.index("High risk, open posts") < text.index("Grade from 15, open posts")
    assert "@example.org" not in text.replace("recruitment@example.org", "")
    assert editor_client.get("/admin/alerts/subscription/").status_code == 403


def test_a_superuser_finds_the_alerts_of_an_address_only_by_searching_it(
    client, board, admin_client
):
    confirmed_alert(client, "risk=high", email="ana@example.org")
    confirmed_alert(client, email="bob@example.org")
    listing = admin_client.get("/admin/alerts/subscription/")
    assert "ana@example.org" not in listing.text and "bob@example.org" not in listing.text
    found = admin_client.get("/admin/alerts/subscription/?q=ANA@example.org")
    assert "ana@example.org" in found.text and "bob@example.org" not in found.text


def test_a_search_too_long_to_keep_is_refused_with_a_message(client, board):
    words = "\U0001f6e1" * 200  # the longest search, each character written in 12 in an address
    response = ask_for_alerts(client, f"q={words}&organisation={'é' * 200}")
    assert response.status_code == 400
    assert "This search is too long to follow by e-mail" in response.text
    assert not mail.outbox


@pytest.mark.parametrize(
    "query",
    ["q=security", "q=sécurité", "q=Kiev", "q=manag", "grade_min=15&risk=extreme",
     "country=Ukraine", "q=260066", "deadline=all&q=assistance"],
)  # fmt: skip
def test_an_alert_finds_what_the_list_finds_among_the_new_vacancies(board, query):
    from django.http import QueryDict

    from vacancies.selectors import vacancies_published_since, vacancy_list_page

    since = timezone.now()
    for reference in ("260066", "260063", "260885"):
        publish_new_vacancy(board, reference)
    for language in ("en", "fr"):
        with translation.override(language):
            found = vacancies_published_since(QueryDict(query), since=since, language=language)
            listed = vacancy_list_page(QueryDict(query), language=language).page.object_list
        new_listed = {v.reference for v in listed if v.published_at >= since}
        assert {vacancy.reference for vacancy in found} == new_listed, (query, language)
        assert new_listed, (query, language)  # something to compare
