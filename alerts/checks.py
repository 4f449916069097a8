"""SITE_URL makes every link in the alerts' mails: without it (or over plain http) in
production, candidates would receive links that do not work, or that mail programs will not
use to unsubscribe (RFC 8058 asks for https). `manage.py check --deploy` runs these; without
SITE_URL the form and send_alerts refuse to work, saying why."""

from django.conf import settings
from django.core.checks import Error, Warning, register


@register(deploy=True)
def site_url_is_set(app_configs, **kwargs):
    if settings.DEBUG or settings.TESTING:
        return []
    if not settings.SITE_URL:
        return [
            Error(
                "SITE_URL is not set: the links in e-mail alerts need the site's address.",
                hint="Set SITE_URL to the address candidates use, e.g. https://jobs.example.org.",
                id="alerts.E001",
            )
        ]
    if not settings.SITE_URL.startswith("https://"):
        return [
            Warning(
                f"SITE_URL={settings.SITE_URL!r} is not an https address: mail programs will "
                "not offer one-click unsubscribing from alerts.",
                id="alerts.W001",
            )
        ]
    return []
