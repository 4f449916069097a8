"""ASGI entry point: `jobboard.asgi:application`."""

import os

from django.core.asgi import get_asgi_application

from jobboard.startup import require_production_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")

application = get_asgi_application()
require_production_settings()
