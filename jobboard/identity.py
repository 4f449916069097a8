"""Who the board belongs to: its name, the organisation's name, site and logo, and where
candidates write with questions.

jobboard/settings.py reads them from the environment with the functions below, which refuse
a value that cannot be what it names (a contact that is not an e-mail address, a site that is
not an http(s) address, a logo that is neither a file in static/ nor an https address),
naming the variable, so that a typo stops the site rather than showing candidates a broken
link. `site_identity` gives them to every template, in the page's language.
"""

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import URLValidator, validate_email
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.translation import get_language

_web_address = URLValidator(schemes=["http", "https"])
# Pages are served over https: a logo over plain http would be blocked as mixed content.
_secure_web_address = URLValidator(schemes=["https"])


def env_names(name: str, defaults: dict[str, str], languages: list[str]) -> dict[str, str]:
    """A name in each language, from NAME_EN, NAME_FR, ...: the defaults when none is given.
    A name given in one language only is used in the others too, rather than mixing the
    organisation's own name with the default one of another."""
    given = {code: _environment_text(f"{name}_{code.upper()}") for code in languages}
    given = {code: value for code, value in given.items() if value}
    if not given:
        return {code: defaults[code] for code in languages}
    first_given = next(iter(given.values()))
    return {code: given.get(code, first_given) for code in languages}


def env_email(name: str, default: str) -> str:
    value = _environment_text(name)
    if not value:
        return default
    try:
        validate_email(value)
    except ValidationError:
        raise ImproperlyConfigured(
            f"{name}={value!r}: an e-mail address is expected, e.g. recruitment@example.org."
        ) from None
    return value


def env_web_address(name: str, default: str) -> str:
    value = _environment_text(name)
    if not value:
        return default
    try:
        _web_address(value)
    except ValidationError:
        raise ImproperlyConfigured(
            f"{name}={value!r}: an http or https address is expected, e.g. https://www.example.org/."
        ) from None
    return value


def env_logo(name: str, default: str, static_folder: Path) -> str:
    """A file in `static_folder` (its path there, e.g. 'logo.svg') or an https address."""
    value = _environment_text(name)
    if not value:
        return default
    if is_web_address(value):
        try:
            _secure_web_address(value)
        except ValidationError:
            raise ImproperlyConfigured(
                f"{name}={value!r}: a logo's address must be an https address, "
                "e.g. https://www.example.org/logo.svg."
            ) from None
        return value
    # As the static files' storage names it: 'images/logo.svg', never 'images/../logo.svg'.
    path = PurePosixPath(posixpath.normpath(value))
    if path.is_absolute() or path.parts[:1] == ("..",) or not (static_folder / path).is_file():
        raise ImproperlyConfigured(
            f"{name}={value!r}: no such file in {static_folder.name}/; give the path of a file "
            "there (e.g. logo.svg) or an https address."
        )
    return str(path)


def _environment_text(name: str) -> str:
    """The variable's value, stripped. Bytes that are not UTF-8 reach Python as lone
    surrogates, which validators let through but no page can be written with."""
    value = os.environ.get(name, "").strip()
    try:
        value.encode()
    except UnicodeEncodeError:
        raise ImproperlyConfigured(
            f"{name}={value!r}: not UTF-8 text; check the encoding of the file it comes from."
        ) from None
    return value


def is_web_address(logo: str) -> bool:
    """Whether a logo is given by its address rather than as a file in static/."""
    return "://" in logo


def web_origin(address: str) -> str:
    """'https://cdn.example.org:8443/logo.svg' -> 'https://cdn.example.org:8443'."""
    parts = urlsplit(address)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


@dataclass(frozen=True)
class SiteIdentity:
    board_name: str
    organisation_name: str
    organisation_url: str
    logo_url: str
    contact_email: str


def board_name(language: str | None) -> str:
    """The board's name in ``language`` (the site's first language where none is set)."""
    return _in_language(settings.BOARD_NAME, language)


def organisation_name(language: str | None) -> str:
    """The organisation's name in ``language``."""
    return _in_language(settings.ORGANISATION_NAME, language)


def logo_url() -> str:
    """The logo's address: the one configured, or the static file's."""
    logo = settings.ORGANISATION_LOGO
    return logo if is_web_address(logo) else static(logo)


def site_identity(request: HttpRequest) -> dict[str, SiteIdentity]:
    """Context processor: `identity`, with the names in the page's language."""
    language = get_language()
    return {
        "identity": SiteIdentity(
            board_name=board_name(language),
            organisation_name=organisation_name(language),
            organisation_url=settings.ORGANISATION_URL,
            logo_url=logo_url(),
            contact_email=settings.CONTACT_EMAIL,
        )
    }


def _in_language(names: dict[str, str], language: str | None) -> str:
    return names.get(language or "") or names[settings.LANGUAGE_CODE]
