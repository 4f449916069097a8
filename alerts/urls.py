from django.urls import path, register_converter
from django.utils.translation import pgettext_lazy

from . import views


class TokenConverter:
    """A subscription's token (alerts/models.py new_token); anything else is no page."""

    regex = "[A-Za-z0-9_-]{20,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class SignedConverter(TokenConverter):
    """A number and its signature (alerts/mail.py address_link_path)."""

    regex = "[0-9]{1,19}:[A-Za-z0-9_-]{20,64}"


register_converter(TokenConverter, "token")
register_converter(SignedConverter, "signed")

app_name = "alerts"
urlpatterns = [
    path(
        pgettext_lazy("URL path of the alerts' form", "alerts/"), views.subscribe, name="subscribe"
    ),
    path(
        pgettext_lazy("URL path of the page after asking for alerts", "alerts/requested/"),
        views.requested,
        name="requested",
    ),
    path(
        pgettext_lazy("URL path of an alert's confirmation", "alerts/<token:token>/confirm/"),
        views.confirm,
        name="confirm",
    ),
    path(
        pgettext_lazy("URL path to stop an alert", "alerts/<token:token>/unsubscribe/"),
        views.unsubscribe,
        name="unsubscribe",
    ),
    path(
        pgettext_lazy("URL path of an address's alerts", "alerts/address/<signed:signed>/"),
        views.address,
        name="address",
    ),
]
