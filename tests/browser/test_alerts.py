"""E-mail alerts in a real browser: asked for from a filtered list, confirmed from the
mail's link, listed and deleted; every page of the alerts free of the WCAG 2.2 A and AA
failures axe-core finds, in English and in French, on a phone and on a desktop; the form
filled in and sent with the keyboard alone.

The pages' words are looked up in the translations, as the server does: a string not yet
translated is looked for in English on the French pages too.
"""

import json
import re

import pytest
from django.conf import settings
from django.urls import resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from alerts.mail import address_link_path
from alerts.models import Subscription
from alerts.searches import search_in_words

from .test_pages import listed, tab

# A grade range and a country: three open posts in Ukraine, graded G17 to G20.
SEARCH = "grade_min=15&grade_max=20&country=Ukraine"
IN_WORDS_EN = "Grade 15–20, Ukraine, open posts"
EMAIL = "ana.candidate@example.org"
# A token of the right shape (43 URL-safe characters, as secrets.token_urlsafe(32) makes)
# that no subscription has.
MADE_UP_TOKEN = "Zq3_8xWm-Lr5TnC1vKp0YhJs7GdUe4BaFo9iRw2XyQc"


@pytest.fixture(autouse=True)
def forms_sent_like_people(monkeypatch):
    """People take seconds to fill the form in; tests, none. The live server runs in this
    process (a thread), so it sees the change."""
    import alerts.forms

    monkeypatch.setattr(alerts.forms, "FASTEST_SECONDS", 0)


@pytest.fixture(params=["desktop", "phone"])
def screen(request):
    """The page, on a 1280 px wide screen and then on a 360 px wide phone."""
    return request.getfixturevalue("page" if request.param == "desktop" else "phone_page")


def words(language, message):
    """``message`` as the pages in ``language`` show it."""
    with translation.override(language):
        return gettext(message)


def path(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def described(language, search):
    with translation.override(language):
        return search_in_words(search)


def mailed_path(message, name):
    """The path of the link in ``message`` to the alerts' page ``name``, in the mail's
    language."""
    language = message.extra_headers["Content-Language"]
    links = re.findall(rf"{re.escape(settings.SITE_URL)}(/\S+)", message.body)
    with translation.override(language):
        found = [link for link in links if resolve(link).view_name == name]
    assert len(found) == 1, message.body
    return found[0]


def heading(page, language, message):
    expect(page.locator("h1")).to_have_text(words(language, message))
    expect(page.locator("html")).to_have_attribute("lang", language)


def fits_the_screen(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], "the page scrolls sideways"


def ask_for_alerts(page, language, email, frequency):
    page.get_by_label(words(language, "Your e-mail address")).fill(email)
    with translation.override(language):
        label = str(Subscription.Frequency(frequency).label)
    page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name=words(language, "Send me alerts")).click()


# --------------------------------------------------------------------- the whole round trip


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_a_candidate_asks_for_alerts_from_a_filtered_list_confirms_and_deletes_them(
    live_server, board, page, mailoutbox, locale
):
    language = locale
    in_words = described(language, SEARCH)
    if language == "en":
        assert in_words == IN_WORDS_EN

    page.goto(f"{live_server.url}{path(language, 'vacancies:list')}?{SEARCH}&sort=grade_asc")
    assert sorted(listed(page)) == ["260063", "260066", "260885"]
    link = page.get_by_role("link", name=words(language, "Get e-mail alerts for this search"))
    expect(link).to_have_attribute(
        "href", f"{path(language, 'alerts:subscribe')}?{SEARCH}&sort=grade_asc"
    )
    link.click()
    page.wait_for_url(f"{live_server.url}{path(language, 'alerts:subscribe')}?**")
    heading(page, language, "Get e-mail alerts for this search")
    expect(page.locator(".about-facts dd")).to_contain_text(in_words)
    # The order of the list is not part of the search: the link to it shows the search.
    expect(page.locator(".about-facts dd a")).to_have_attribute(
        "href", f"{path(language, 'vacancies:list')}?{SEARCH}"
    )

    ask_for_alerts(page, language, EMAIL, "weekly")
    page.wait_for_url(f"{live_server.url}{path(language, 'alerts:requested')}")
    heading(page, language, "Check your e-mail")

    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.search) == (EMAIL, SEARCH)
    assert (subscription.language, subscription.frequency) == (language, "weekly")
    assert subscription.confirmed_at is None
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [EMAIL]
    assert message.extra_headers["Content-Language"] == language
    subject = words(language, "Confirm your e-mail alert for: %(search)s")
    assert subject % {"search": in_words} in message.subject  # French spacing kept
    assert in_words in message.body
    confirm = mailed_path(message, "alerts:confirm")
    with translation.override(language):
        assert confirm == subscription.confirmation_path()

    # Opening the link confirms nothing: mail scanners open links too.
    page.goto(live_server.url + confirm)
    heading(page, language, "Confirm your e-mail alert")
    expect(page.locator(".about-facts")).to_contain_text(in_words)
    expect(page.locator(".about-facts")).to_contain_text(EMAIL)
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None

    page.get_by_role("button", name=words(language, "Confirm and start my alerts")).click()
    heading(page, language, "Your alert is on")
    weekly = "You will receive at most one e-mail a week, when new vacancies match this search."
    expect(page.get_by_role("status")).to_have_text(words(language, weekly))
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None

    # Another alert of the same address, so that deleting one leaves the list.
    now = timezone.now()
    Subscription.objects.create(
        email=EMAIL, search="risk=extreme", language=language, requested_at=now, confirmed_at=now
    )
    page.get_by_role("link", name=words(language, "All my alerts")).click()
    heading(page, language, "Your e-mail alerts")
    alerts = page.locator(".alert-item")
    expect(alerts).to_have_count(2)
    expect(alerts.first.locator(".alert-search")).to_have_text(in_words)
    expect(alerts.first.locator(".alert-state")).to_contain_text(words(language, "Weekly"))

    delete = alerts.first.get_by_role("button")
    expect(delete).to_have_accessible_name(re.compile(re.escape(in_words) + "$"))
    delete.click()
    heading(page, language, "Your e-mail alerts")
    expect(alerts).to_have_count(1)
    expect(alerts.first.locator(".alert-search")).to_have_text(described(language, "risk=extreme"))
    assert list(Subscription.objects.values_list("search", flat=True)) == ["risk=extreme"]

    page.get_by_role("button", name=words(language, "Delete all my alerts")).click()
    heading(page, language, "No more alerts")
    assert not Subscription.objects.exists()
    assert len(mailoutbox) == 1


# --------------------------------------------------------------------- axe-core, WCAG 2.2 AA


class Pages:
    """Every page of the alerts as a candidate meets them, one after the other: each is
    checked with axe, must fit the screen, and is saved (HTML as served, and a picture) in
    the test's temporary folder, for the Nu HTML Checker and for people to look at."""

    def __init__(self, page, language, device, axe_violations, screenshot, folder):
        self.page, self.language, self.device = page, language, device
        self.axe_violations, self.screenshot, self.folder = axe_violations, screenshot, folder
        self.violations = {}

    def check(self, name, response, status, message):
        assert response.status == status, name
        heading(self.page, self.language, message)
        fits_the_screen(self.page)
        self.violations[name] = self.axe_violations(self.page)
        stem = f"alerts-{name}-{self.language}-{self.device}"
        (self.folder / f"{stem}.html").write_text(response.text(), encoding="utf-8")
        self.screenshot(self.page, stem, full_page=True)

    def goto(self, name, address, status, message):
        self.check(name, self.page.goto(address), status, message)

    def after(self, name, action, status, message):
        with self.page.expect_navigation() as navigation:
            action()
        self.check(name, navigation.value, status, message)


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_every_page_of_the_alerts_has_no_accessibility_violations(
    live_server, board, screen, locale, axe_violations, screenshot, mailoutbox, tmp_path
):
    language, page = locale, screen
    device = "phone" if page.viewport_size["width"] < 600 else "desktop"
    pages = Pages(page, language, device, axe_violations, screenshot, tmp_path)
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(f"{page.url}: {error}"))
    email = page.get_by_label(words(language, "Your e-mail address"))
    send = page.get_by_role("button", name=words(language, "Send me alerts"))

    form = f"{live_server.url}{path(language, 'alerts:subscribe')}?{SEARCH}"
    pages.goto("form", form, 200, "Get e-mail alerts for this search")
    email.fill("not an address")
    pages.after("form-errors", send.click, 400, "Get e-mail alerts for this search")
    # One message for the one field in error, linked to it, as beside the field.
    expect(page.get_by_role("alert").get_by_role("listitem")).to_have_count(1)
    expect(page.get_by_role("alert").get_by_role("link")).to_have_attribute("href", "#id_email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_value("not an address")
    # The page in the other language still shows the search.
    other_language = page.locator(".languages a")
    expect(other_language).to_have_attribute("href", re.compile(re.escape(f"?{SEARCH}") + "$"))

    email.fill(EMAIL)
    pages.after("requested", send.click, 200, "Check your e-mail")
    confirm = live_server.url + mailed_path(mailoutbox[0], "alerts:confirm")
    subscription = Subscription.objects.get()
    unsubscribe = live_server.url + path(language, "alerts:unsubscribe", token=subscription.token)

    pages.goto("confirm", confirm, 200, "Confirm your e-mail alert")
    button = page.get_by_role("button", name=words(language, "Confirm and start my alerts"))
    pages.after("confirmed", button.click, 200, "Your alert is on")

    # A second alert of the same address, so that the address's page lists two.
    now = timezone.now()
    other = Subscription.objects.create(
        email=EMAIL, search="risk=extreme", language=language, requested_at=now, confirmed_at=now
    )
    all_mine = page.get_by_role("link", name=words(language, "All my alerts"))
    pages.after("address", all_mine.click, 200, "Your e-mail alerts")
    expect(page.locator(".alert-item")).to_have_count(2)
    pages.goto("already-confirmed", confirm, 200, "Confirm your e-mail alert")
    expect(page.get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("link", name=words(language, "All my alerts"))).to_be_visible()

    pages.goto("unsubscribe", unsubscribe, 200, "Stop this e-mail alert")
    stop = page.get_by_role("button", name=words(language, "Stop this alert"))
    pages.after("unsubscribed", stop.click, 200, "Alert stopped")
    assert list(Subscription.objects.all()) == [other]

    page.goto(live_server.url + address_page(other))
    delete_all = page.get_by_role("button", name=words(language, "Delete all my alerts"))
    pages.after("all-deleted", delete_all.click, 200, "No more alerts")
    assert not Subscription.objects.exists()

    made_up = live_server.url + path(language, "alerts:confirm", token=MADE_UP_TOKEN)
    pages.goto("link-gone", made_up, 404, "This link no longer works")

    found = {name: violations for name, violations in pages.violations.items() if violations}
    assert found == {}, json.dumps(found, indent=2, ensure_ascii=False)
    assert script_errors == []


def address_page(subscription):
    with translation.override(subscription.language):
        return address_link_path(subscription)


# --------------------------------------------------------------------- the keyboard alone


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_the_form_is_filled_in_and_sent_with_the_keyboard_alone(
    live_server, board, page, mailoutbox, locale
):
    language = locale
    page.goto(f"{live_server.url}{path(language, 'alerts:subscribe')}?{SEARCH}")
    reached = []

    def tab_to(wanted, most=40):
        for _ in range(most):
            focused = tab(page)  # also checks that the focus can be seen
            reached.append(focused["id"] or focused["text"] or focused["href"])
            if wanted(focused):
                return focused
        raise AssertionError(f"not reached with {most} presses of Tab: {reached}")

    tab_to(lambda focused: focused["id"] == "id_email")
    page.keyboard.type(EMAIL)
    # Tab enters the group of choices on the one chosen (daily); an arrow chooses the next.
    tab_to(lambda focused: focused["tag"] == "INPUT" and focused["id"].startswith("id_frequency"))
    assert reached[-1] == "id_frequency_0"
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label(words(language, "Weekly"), exact=True)).to_be_checked()
    tab_to(lambda focused: focused["tag"] == "BUTTON")
    assert reached[-1] == words(language, "Send me alerts")
    # The hidden field stands between the choices and the button: it was passed over.
    expect(page.locator("#id_website")).to_be_attached()
    assert "id_website" not in reached
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{path(language, 'alerts:requested')}")
    heading(page, language, "Check your e-mail")
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.frequency) == (EMAIL, "weekly")
    assert len(mailoutbox) == 1
