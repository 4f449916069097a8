"""The production server as `make serve` runs it (gunicorn, production settings): what it
believes of a request's headers, and how it answers HEAD."""

import urllib.error
import urllib.request

import pytest
from django.http import HttpResponse
from django.test import Client

from jobboard.middleware import HeadWithoutBodyMiddleware

# The tests' settings (static files served without collectstatic), with production's
# redirect of plain http to https.
SERVING = {
    "DJANGO_DEBUG": None,
    "BEHIND_PROXY": None,
    "SECURE_SSL_REDIRECT": "1",
    "FORWARDED_ALLOW_IPS": None,
    "TEST_REDIS_URL": None,
}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _status(url: str, method: str = "GET", **headers: str) -> tuple[int, dict, bytes]:
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, method=method, headers=headers)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.django_db
@pytest.mark.parametrize(("behind_proxy", "status"), [(None, 301), ("0", 301), ("1", 404)])
def test_forwarded_https_is_believed_only_behind_a_proxy(serve, behind_proxy, status):
    # 404 is the answer over https (an unknown vacancy); 301 sends plain http to https.
    base, _log = serve({**SERVING, "BEHIND_PROXY": behind_proxy})
    answer = _status(base + "/en/vacancies/999999/", **{"X-Forwarded-Proto": "https"})
    assert answer[0] == status


@pytest.mark.django_db
def test_head_is_answered_like_get_without_a_body_and_without_warnings(serve):
    base, log = serve({**SERVING, "SECURE_SSL_REDIRECT": "0"})
    pages = {"/en/": 200, "/fr/": 200, "/en/vacancies/999999/": 404, "/static/css/site.css": 200}
    for path, status in pages.items():
        get_status, get_headers, body = _status(base + path)
        assert get_status == status
        head_status, head_headers, nothing = _status(base + path, method="HEAD")
        assert (head_status, nothing) == (get_status, b"")
        assert head_headers["Content-Type"] == get_headers["Content-Type"]
        assert head_headers.get("Content-Length") == str(len(body))
    assert "gunicorn" in log.read_text()  # its log is the one read
    assert "no-body response" not in log.read_text()  # gunicorn's warning for a HEAD body


def test_the_head_middleware_keeps_the_length_and_drops_the_body(rf):
    middleware = HeadWithoutBodyMiddleware(lambda request: HttpResponse(b"twelve bytes"))
    response = middleware(rf.head("/"))
    assert (response.content, response["Content-Length"]) == (b"", "12")


@pytest.mark.django_db
def test_no_cookie_of_the_site_can_be_read_by_a_script():
    client = Client()
    response = client.get("/admin/login/")
    assert response.cookies["csrftoken"]["httponly"] is True
