"""Reading settings from the environment, for Django's settings and gunicorn's alike."""

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    # A typo must not quietly turn a security setting off (or debug pages on).
    raise ImproperlyConfigured(f"{name}={value!r}: use 1 or 0 (true/false, yes/no, on/off).")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: a whole number is expected.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# EMAIL_URL's schemes: how mail leaves (alerts/). smtp is plain unless ?tls=1 (STARTTLS, as on
# port 587) or ?ssl=1 (TLS from the start, as on port 465, also written smtps://).
_MAIL_BACKENDS = {
    # Django's, knowing whether a failed message may still have left (jobboard/mail.py).
    "smtp": "jobboard.mail.EmailBackend",
    "smtps": "jobboard.mail.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
_MAIL_OPTIONS = {"tls", "ssl", "timeout"}
# A mail server that does not answer must not hold a page (or send_alerts) for long.
MAIL_TIMEOUT_SECONDS = 10


def email_settings(url: str, *, base_dir: Path) -> dict[str, Any]:
    """Django's EMAIL_* settings from EMAIL_URL: smtp://user:password@host:587?tls=1,
    smtps://host:465, console://, file://var/mail (under ``base_dir`` unless absolute),
    locmem://. The password is never repeated in an error."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _MAIL_BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_URL starts with {scheme + '://' if scheme else 'no scheme'}: use one of "
            + ", ".join(f"{name}://" for name in _MAIL_BACKENDS)
            + " (e.g. smtp://user:password@mail.example.org:587?tls=1)."
        )
    options = _mail_options(parts.query)
    settings: dict[str, Any] = {"EMAIL_BACKEND": _MAIL_BACKENDS[scheme]}
    if scheme == "file":
        folder = Path(unquote(parts.netloc + parts.path))
        settings["EMAIL_FILE_PATH"] = folder if folder.is_absolute() else base_dir / folder
    if scheme not in {"smtp", "smtps"}:
        return settings
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL: the port is not a number from 1 to 65535.") from None
    use_ssl = scheme == "smtps" or options.get("ssl", False)
    use_tls = options.get("tls", False)
    if use_ssl and use_tls:
        raise ImproperlyConfigured("EMAIL_URL: choose tls=1 (STARTTLS) or ssl=1, not both.")
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no mail server: smtp://host:port is expected.")
    settings.update(
        EMAIL_HOST=parts.hostname,
        EMAIL_PORT=port or (465 if use_ssl else 25),
        EMAIL_HOST_USER=unquote(parts.username or ""),
        EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
        EMAIL_USE_TLS=use_tls,
        EMAIL_USE_SSL=use_ssl,
        EMAIL_TIMEOUT=options.get("timeout", MAIL_TIMEOUT_SECONDS),
    )
    return settings


def _mail_options(query: str) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name not in _MAIL_OPTIONS:
            raise ImproperlyConfigured(
                f"EMAIL_URL has an option {name!r}: the options are tls, ssl and timeout."
            )
        if name == "timeout":
            if not value.isdigit() or not 0 < int(value) <= 600:
                raise ImproperlyConfigured("EMAIL_URL: timeout is a number of seconds, 1 to 600.")
            options[name] = int(value)
        elif value.lower() in {"1", "true", "yes", "on"}:
            options[name] = True
        elif value.lower() in {"0", "false", "no", "off"}:
            options[name] = False
        else:
            raise ImproperlyConfigured(f"EMAIL_URL: {name}={value!r}, use 1 or 0.")
    return options
