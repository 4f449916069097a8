"""Checks made when the site starts serving (WSGI, ASGI, and so runserver too)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_production_settings() -> None:
    """Refuse to serve without a secret key or allowed hosts, naming what is missing.

    Without a secret key nothing that signs works (sessions, CSRF tokens, password resets);
    without allowed hosts every request is refused with a 400. Commands that need neither
    (parse_notice, import_notices, migrate, check) run without them.
    """
    missing = []
    try:
        settings.SECRET_KEY  # noqa: B018 (Django raises when it is empty)
    except ImproperlyConfigured:
        missing.append("DJANGO_SECRET_KEY is not set: set it to a long random string.")
    if not settings.DEBUG and not settings.ALLOWED_HOSTS:
        missing.append(
            "ALLOWED_HOSTS is not set: set it to the comma-separated host names the site "
            "answers to, e.g. jobs.example.org."
        )
    if missing:
        raise ImproperlyConfigured(
            " ".join([*missing, "For local development, set DJANGO_DEBUG=1 instead."])
        )
