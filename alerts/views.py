"""The alerts' pages: the form, and the pages the links in mails open. The links carry a
secret (a token, or a signed number), so the pages they open are never cached or indexed."""

import logging
import smtplib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from jobboard.proxy import client_address
from jobboard.replicas import reads_primary

from .forms import AlertForm, form_shown_stamp
from .limits import LimitsUnavailable, requests_from_client
from .mail import address_link_path, subscription_of_address_link
from .models import SEARCH_LENGTH, Subscription
from .searches import followed_search, search_address, search_in_words, search_query
from .services import alert_confirm, alert_delete, alert_request, alerts_of_address_delete

logger = logging.getLogger(__name__)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    """The form, showing the search of the list it was opened from (its query string)."""
    if request.method == "POST":
        form = AlertForm(request.POST)
        if form.is_valid():
            return _requested(request, form)
        search = followed_search(search_query(form.data.get("search", "")[: 4 * SEARCH_LENGTH]))
    else:
        search = followed_search(request.GET)
        form = AlertForm(initial={"search": search, "shown": form_shown_stamp()})
    return _form_page(request, form, search)


def _requested(request: HttpRequest, form: AlertForm) -> HttpResponse:
    if form.looks_automated():
        return redirect("alerts:requested")  # as if it had worked: nothing to learn
    try:
        if not requests_from_client().allows(_client(request)):
            return _problem(request, "too_many", status=429)
        alert_request(
            email=form.cleaned_data["email"],
            search=form.cleaned_data["search"],
            language=get_language(),
            frequency=form.cleaned_data["frequency"],
        )
    except LimitsUnavailable:
        return _problem(request, "unavailable", status=503)
    except (smtplib.SMTPException, OSError, ImproperlyConfigured) as error:
        logger.warning("alert request: the confirmation mail could not be sent (%s)", error)
        return _problem(request, "unavailable", status=503)
    return redirect("alerts:requested")


def _form_page(request: HttpRequest, form: AlertForm, search: str) -> HttpResponse:
    if form.is_bound and "shown" in form.errors:
        # Open for more than a day: shown again, as if new, with the other messages.
        data = request.POST.copy()
        data["shown"] = form_shown_stamp()
        form = AlertForm(data)
        form.is_valid()
        form.add_error(None, STALE)
    return render(
        request,
        "alerts/subscribe.html",
        {
            "form": form,
            "search_in_words": search_in_words(search),
            "search_url": search_address(search),
        },
        status=400 if form.is_bound else 200,
    )


STALE = _("This page was open for more than a day: please check the form and send it again.")


@never_cache
def requested(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/requested.html")


@reads_primary  # opened right after a request was saved: never a replica
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A page with a button: mail scanners that open links do not confirm by themselves."""
    subscription = Subscription.objects.filter(token=token).first()
    if subscription is None:
        return _problem(request, "link_gone", status=404)
    if request.method == "POST":
        alert_confirm(subscription)
        return _subscription_page(request, "alerts/confirmed.html", subscription)
    return _subscription_page(request, "alerts/confirm.html", subscription)


@reads_primary  # opened right after a request was saved: never a replica
@never_cache
@csrf_exempt  # RFC 8058: mail programs post "List-Unsubscribe=One-Click", with no cookie
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """A page with a button, or at once for a POST, as mail programs' one click sends."""
    if request.method == "POST":
        subscription = Subscription.objects.filter(token=token).first()
        in_words = search_in_words(subscription.search) if subscription else ""
        if subscription is not None:
            alert_delete(subscription)
        # Asked twice (or by a mail program, then by a person): stopped all the same.
        return render(request, "alerts/unsubscribed.html", {"search_in_words": in_words})
    subscription = Subscription.objects.filter(token=token).first()
    if subscription is None:
        return _problem(request, "link_gone", status=404)
    return _subscription_page(request, "alerts/unsubscribe.html", subscription)


@reads_primary  # opened right after a request was saved: never a replica
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def address(request: HttpRequest, signed: str) -> HttpResponse:
    """Every alert of the address a mail was sent to, each with a button that deletes it."""
    key = subscription_of_address_link(signed)
    holder = Subscription.objects.filter(pk=key).first() if key is not None else None
    if holder is None:
        return _problem(request, "link_gone", status=404)
    alerts = Subscription.objects.of_address(holder.email).order_by("requested_at", "pk")
    if request.method == "POST":
        if "delete_all" in request.POST:
            alerts_of_address_delete(holder.email)
        else:
            chosen = alerts.filter(token=request.POST.get("delete", "")).first()
            if chosen is not None:
                alert_delete(chosen)
        remaining = alerts.first()
        if remaining is None:
            return render(request, "alerts/all_deleted.html")
        return redirect(address_link_path(remaining))
    described = [
        (alert, search_in_words(alert.search), search_address(alert.search)) for alert in alerts
    ]
    return render(request, "alerts/address.html", {"email": holder.email, "alerts": described})


def _subscription_page(request: HttpRequest, template: str, subscription: Subscription):
    return render(
        request,
        template,
        {
            "subscription": subscription,
            "search_in_words": search_in_words(subscription.search),
            "search_url": search_address(subscription.search),
            "address_url": address_link_path(subscription),
        },
    )


PROBLEMS = ("too_many", "unavailable", "link_gone")


def _problem(request: HttpRequest, problem: str, *, status: int) -> HttpResponse:
    assert problem in PROBLEMS
    return render(request, "alerts/problem.html", {"problem": problem}, status=status)


def _client(request: HttpRequest) -> str:
    if settings.BEHIND_PROXY:
        return client_address(request) or ""
    return request.META.get("REMOTE_ADDR", "")
