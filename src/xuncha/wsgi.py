"""WSGI entry point (`xuncha serve` runs it under waitress)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
application = get_wsgi_application()

from xuncha.portal.fastpath import PortalFastPath  # noqa: E402  (needs the settings above)

# Cached public pages are answered here, before Django builds a request.
application = PortalFastPath(application)
