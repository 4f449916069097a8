"""Settings, URLs and the one view of the floor (benchmarks/throughput.py): DEBUG off, no
database, no installed app, the 4 middleware most Django sites keep."""

import os

from django.shortcuts import render
from django.urls import path

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "floor-benchmark-only")
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS: list[str] = []
DATABASES: dict = {}
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
# Sessions are never read here; signed cookies keep them from needing a database anyway.
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
ROOT_URLCONF = __name__
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.path.join(os.path.dirname(__file__), "templates")],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
USE_I18N = False
USE_TZ = True

ROWS = [
    {
        "reference": f"FL {number:04d}",
        "title": f"Officer number {number} of the floor",
        "grade": 10 + number % 8,
        "place": "Brussels, Belgium",
    }
    for number in range(1, 21)
]


def rows(request):
    return render(request, "rows.html", {"rows": ROWS})


urlpatterns = [path("", rows)]
