"""The client's address when the site runs behind a reverse proxy (BEHIND_PROXY=1)."""

import ipaddress

from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The address the proxy received the request from: the last one in X-Forwarded-For.

    The proxy appends that address; whatever stands before it came from the client and can be
    forged, so a client cannot make its failed logins count against someone else's address.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    last = forwarded[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        # No proxy in front after all, or one that does not set the header.
        return request.META.get("REMOTE_ADDR")
