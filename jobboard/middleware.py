"""Requests the site refuses before any view sees them."""

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse


class RefuseNullCharactersMiddleware:
    """No address and no stored value can hold a NUL character (PostgreSQL refuses them in
    text), so a path with one is a page that does not exist, and a query string with one a
    bad request, answered with the 404 or 400 page in the visitor's language rather than a
    database error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            raise Http404("The address holds a NUL character.")
        if any("\x00" in name or "\x00" in "".join(values) for name, values in request.GET.lists()):
            raise BadRequest("The query string holds a NUL character.")
        return self.get_response(request)


class HeadWithoutBodyMiddleware:
    """A HEAD request is answered as GET is, headers only: the body goes here, so that
    no server has to drop it (gunicorn warns for each one it drops)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "HEAD":
            if isinstance(response, StreamingHttpResponse):
                response.streaming_content = []
            else:
                response["Content-Length"] = str(len(response.content))
                response.content = b""
        return response
