"""Content-Security-Policy helpers beyond the site-wide policy in settings (django-csp)."""

from __future__ import annotations

import base64
import hashlib

from django.http import HttpResponseBase


def source_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline <style> or <script> body."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def allow_inline_style(response: HttpResponseBase, css: str) -> HttpResponseBase:
    """Lets a standalone HTML document (a report) keep its one <style> block, and nothing else."""
    response._csp_update = {"style-src": [source_hash(css)]}
    return response
