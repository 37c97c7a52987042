"""WSGI entry point: `ansheng serve` runs it under waitress; any WSGI server can load it."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ansheng.config.settings")
application = get_wsgi_application()
