"""Admin logins are throttled per username and address (django-axes), and the lockout ends.

Axes is off for the rest of the tests (jobboard/settings.py says why): every test here turns it
on. Its attempts are rows in the database, rolled back after each test.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from jobboard.proxy import client_address

PASSWORD = "correct horse battery staple"
HOME = "203.0.113.7"
ELSEWHERE = "198.51.100.20"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def throttling(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    return settings


@pytest.fixture
def editors():
    User = get_user_model()
    for username in ["editor", "colleague"]:
        User.objects.create_user(username, password=PASSWORD, is_staff=True)


def log_in(client, username, password=PASSWORD, address=HOME, **headers):
    """Submit the admin's login form; the response, and whether the session is logged in."""
    response = client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
        **headers,
    )
    logged_in = "_auth_user_id" in client.session
    client.logout()
    return response, logged_in


def fail(client, username, times, address=HOME, **headers):
    for _ in range(times):
        log_in(client, username, password="wrong", address=address, **headers)


def assert_locked_out(response, logged_in):
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert "too many login attempts" in response.content.decode()
    assert not logged_in


def test_failures_below_the_limit_still_let_the_editor_in(client, editors):
    fail(client, "editor", 4)

    response, logged_in = log_in(client, "editor")

    assert response.status_code == 302
    assert logged_in


def test_after_the_limit_even_the_right_password_is_refused(client, editors):
    fail(client, "editor", 5)

    assert_locked_out(*log_in(client, "editor"))


def test_the_lockout_is_said_in_the_browsers_language(client, editors):
    fail(client, "editor", 5)

    response, _ = log_in(client, "editor", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 429
    assert "trop de tentatives de connexion" in response.content.decode()


def test_another_username_from_the_same_address_is_not_locked(client, editors):
    fail(client, "editor", 5)

    response, logged_in = log_in(client, "colleague")

    assert response.status_code == 302
    assert logged_in


def test_the_same_username_from_another_address_is_not_locked(client, editors):
    fail(client, "editor", 5)

    response, logged_in = log_in(client, "editor", address=ELSEWHERE)

    assert response.status_code == 302
    assert logged_in


def test_the_lockout_ends_after_the_cool_off(client, editors):
    fail(client, "editor", 5)
    last_failure = AccessAttempt.objects.get(username="editor").attempt_time

    AccessAttempt.objects.update(attempt_time=last_failure - timedelta(minutes=14))
    assert_locked_out(*log_in(client, "editor"))

    # That refused attempt counted as a failure too, and started the cool-off again.
    AccessAttempt.objects.update(attempt_time=last_failure - timedelta(minutes=16))
    response, logged_in = log_in(client, "editor")

    assert response.status_code == 302
    assert logged_in


def test_a_successful_login_forgets_the_earlier_failures(client, editors):
    fail(client, "editor", 4)
    log_in(client, "editor")

    fail(client, "editor", 4)
    response, logged_in = log_in(client, "editor")

    assert response.status_code == 302
    assert logged_in


def test_the_limit_follows_the_setting(client, editors, throttling):
    throttling.AXES_FAILURE_LIMIT = 2

    fail(client, "editor", 2)

    assert_locked_out(*log_in(client, "editor"))


# ---------------------------------------------------------- behind a reverse proxy


@pytest.fixture
def behind_proxy(throttling):
    throttling.AXES_CLIENT_IP_CALLABLE = "jobboard.proxy.client_address"


def test_behind_a_proxy_each_client_address_is_throttled_apart(client, editors, behind_proxy):
    proxy = "10.0.0.2"
    fail(client, "editor", 5, address=proxy, HTTP_X_FORWARDED_FOR=HOME)

    elsewhere, elsewhere_logged_in = log_in(
        client, "editor", address=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE
    )
    # A client cannot escape its lockout by claiming another address before the proxy's.
    home = log_in(client, "editor", address=proxy, HTTP_X_FORWARDED_FOR=f"{ELSEWHERE}, {HOME}")

    assert elsewhere.status_code == 302
    assert elsewhere_logged_in
    assert_locked_out(*home)


@pytest.mark.parametrize(
    ("forwarded_for", "address"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("198.51.100.20, 203.0.113.7", "203.0.113.7"),
        ("2001:db8::1", "2001:db8::1"),
        # Without a usable header, the address the request came from.
        ("", "10.0.0.2"),
        ("not-an-address", "10.0.0.2"),
    ],
)
def test_client_address_behind_a_proxy(forwarded_for, address):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert client_address(request) == address
