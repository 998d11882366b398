"""PDF from a Django template, with WeasyPrint. Nothing is fetched over the network: only files under
`static/` are readable by the renderer."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

PRINT_CSS = Path(settings.BASE_DIR) / "static" / "app" / "print.css"


STATIC_ROOT_URI = (Path(settings.BASE_DIR) / "static").resolve().as_uri() + "/"


def _fetcher():
    """Only `file:` URLs under static/: a document can never make the server fetch from the network."""
    from weasyprint.urls import URLFetcher

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(STATIC_ROOT_URI):
                raise ValueError(f"Documents may only use the app's own static files, not {url}")
            return super().fetch(url, headers)

    return StaticFilesOnly(allowed_protocols={"file"})


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Renders `template_name` (which should extend `documents/base.html`) to PDF bytes."""
    from weasyprint import CSS, HTML  # imported here: WeasyPrint loads Pango at import time

    html = render_to_string(template_name, context, request=request)
    document = HTML(string=html, base_url=STATIC_ROOT_URI, url_fetcher=_fetcher())
    return document.write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])
