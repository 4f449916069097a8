"""Checks made when the site starts serving (WSGI, ASGI, and so runserver too)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    """Refuse to serve without a secret key: sessions, CSRF tokens and password resets need one.

    Commands that sign nothing (parse_notice, import_notices, migrate) run without it.
    """
    try:
        settings.SECRET_KEY  # noqa: B018 (Django raises when it is empty)
    except ImproperlyConfigured as error:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set: set it to a long random string in production, "
            "or set DJANGO_DEBUG=1 for local development."
        ) from error
