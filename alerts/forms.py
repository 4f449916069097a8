"""The form that asks for alerts: an address, how often, and the search (from the list).

Two quiet checks keep programs out: a field that people do not see and programs fill in,
and the time between showing the form and sending it (signed, so it cannot be made up).
A form that fails them is answered as if it had worked, and nothing is sent.
"""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from .models import SEARCH_LENGTH, Subscription
from .searches import followed_search, search_query

SHOWN_SALT = "alerts.form-shown"
# Faster than any person can type an address and choose; a day is long for a page left open.
FASTEST_SECONDS = 2
OLDEST_SECONDS = 24 * 3600


def form_shown_stamp() -> str:
    return signing.TimestampSigner(salt=SHOWN_SALT).sign(str(int(time.time())))


class AlertForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Subscription.Frequency.choices,
        initial=Subscription.Frequency.DAILY,
        widget=forms.RadioSelect,
    )
    search = forms.CharField(max_length=4 * SEARCH_LENGTH, required=False, widget=forms.HiddenInput)
    shown = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    # Hidden from people (static/css/site.css, with aria-hidden); programs fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_shown(self) -> str:
        shown = self.cleaned_data.get("shown") or ""
        try:
            signing.TimestampSigner(salt=SHOWN_SALT).unsign(shown, max_age=OLDEST_SECONDS)
        except signing.SignatureExpired:
            raise forms.ValidationError("stale", code="stale") from None  # views.STALE says it
        except signing.BadSignature:
            pass  # not shown by this site: looks_automated says so
        return shown

    def clean_search(self) -> str:
        search = followed_search(search_query(self.cleaned_data.get("search") or ""))
        if len(search) > SEARCH_LENGTH:
            raise forms.ValidationError(
                _("This search is too long to follow by e-mail: please shorten its words."),
                code="too_long",
            )
        return search

    def looks_automated(self) -> bool:
        """Sent by a program: the hidden field filled, or the form sent too fast, or never
        shown by this site. Only for a form that is otherwise valid."""
        if self.cleaned_data.get("website"):
            return True
        try:
            shown_at = int(
                signing.TimestampSigner(salt=SHOWN_SALT).unsign(self.cleaned_data["shown"])
            )
        except (signing.BadSignature, ValueError):
            return True
        return time.time() - shown_at < FASTEST_SECONDS
