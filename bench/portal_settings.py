"""The benchmark's baseline: the same settings without the portal's cache in front of rendering."""

from xuncha.settings import *  # noqa: F403
from xuncha.settings import MIDDLEWARE

MIDDLEWARE = [m for m in MIDDLEWARE if m != "xuncha.portal.middleware.PortalMiddleware"]
