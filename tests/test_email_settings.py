"""EMAIL_URL, as the people who deploy the board write it: each scheme gives Django's mail
settings, and a mistake stops the site with a message naming the variable (never repeating
the password)."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from jobboard.environment import email_settings

BASE = Path("/srv/board")
SMTP = "jobboard.mail.EmailBackend"

ACCEPTED = [
    ("smtp://alerts:s%40cret@mail.example.org:587?tls=1",
     {"EMAIL_BACKEND": SMTP, "EMAIL_HOST": "mail.example.org", "EMAIL_PORT": 587,
      "EMAIL_HOST_USER": "alerts", "EMAIL_HOST_PASSWORD": "s@cret", "EMAIL_USE_TLS": True,
      "EMAIL_USE_SSL": False, "EMAIL_TIMEOUT": 10}),
    ("smtps://mail.example.org",
     {"EMAIL_HOST": "mail.example.org", "EMAIL_PORT": 465, "EMAIL_USE_SSL": True,
      "EMAIL_USE_TLS": False}),
    ("smtp://localhost:25?timeout=3",
     {"EMAIL_PORT": 25, "EMAIL_TIMEOUT": 3, "EMAIL_USE_TLS": False}),
    ("smtp://relay:2525?ssl=yes", {"EMAIL_PORT": 2525, "EMAIL_USE_SSL": True}),
    ("console://", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
    ("file://var/mail", {"EMAIL_FILE_PATH": BASE / "var/mail"}),
    ("file:///tmp/mails", {"EMAIL_FILE_PATH": Path("/tmp/mails")}),
    ("locmem://", {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}),
]  # fmt: skip


@pytest.mark.parametrize("url, expected", ACCEPTED)
def test_each_way_of_sending_mail_is_understood(url, expected):
    settings = email_settings(url, base_dir=BASE)
    assert {name: settings[name] for name in expected} == expected


REFUSED = [
    ("http://mail.example.org", "use one of smtp://"),
    ("mail.example.org:25", "use one of"),
    ("smtp://", "names no mail server"),
    ("smtp://host:99999", "port"),
    ("smtp://host?tls=1&ssl=1", "not both"),
    ("smtp://host?tls=maybe", "use 1 or 0"),
    ("smtp://host?starttls=1", "the options are tls, ssl and timeout"),
    ("smtp://host?timeout=0", "timeout is a number of seconds"),
    ("smtp://user:hunter2@host?timeout=forever", "timeout"),
]


@pytest.mark.parametrize("url, message", REFUSED)
def test_a_mistake_stops_the_site_saying_what_is_wrong(url, message):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL") as refusal:
        email_settings(url, base_dir=BASE)
    assert message in str(refusal.value)
    assert "hunter2" not in str(refusal.value)


@given(url=st.text(max_size=200))
def test_any_value_is_understood_or_refused_with_a_message(url):
    try:
        settings = email_settings(url, base_dir=BASE)
    except ImproperlyConfigured as refusal:
        assert "EMAIL_URL" in str(refusal)
    else:
        assert settings["EMAIL_BACKEND"].rsplit(".", 1)[-1] == "EmailBackend"
