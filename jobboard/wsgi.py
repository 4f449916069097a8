"""WSGI entry point: `jobboard.wsgi:application`."""

import os

from django.core.wsgi import get_wsgi_application

from jobboard.startup import require_production_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")

application = get_wsgi_application()
require_production_settings()
