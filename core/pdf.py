"""PDF documents rendered from Django templates with WeasyPrint (HTML and CSS in, PDF out).

`render_pdf(template, context)` is the one entry point; any app can use it for a printable
record. The renderer fetches nothing over the network: a template carries its own styles
(inline <style>) and images as data: URLs, so rendering never depends on, or reaches, an
outside address.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string


class ExternalResourceRefused(ValueError):
    pass


def _no_fetch(url: str, *args, **kwargs):
    """WeasyPrint's URL fetcher: only data: URLs (inline images and fonts) are read."""
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ExternalResourceRefused(f"PDF templates may not load {url!r}.")


def render_pdf(template: str, context: dict[str, Any], *, request=None) -> bytes:
    """The PDF of `template` rendered with `context`."""
    from weasyprint import HTML  # imported late: Pango loads only when a PDF is asked for

    html = render_to_string(template, context, request=request)
    return HTML(string=html, url_fetcher=_no_fetch, base_url=".").write_pdf()


def pdf_response(pdf: bytes, *, filename: str, inline: bool = True) -> HttpResponse:
    """An HTTP response carrying a PDF under a stable file name."""
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
