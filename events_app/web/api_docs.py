"""The API documentation page at ``/schema``: Scalar, served entirely from our own static files.

Litestar's default loads Scalar's script, a stylesheet and a favicon from a CDN, and Scalar
itself would fetch its fonts, send telemetry and route "try it" requests through its own proxy.
Here the script is the vendored copy in ``static/vendor/`` (see the NOTICE there), the
stylesheet is ``static/schema.css`` (system fonts) and every outside service is switched off.
"""

from __future__ import annotations

from typing import Any

from litestar.openapi.plugins import ScalarRenderPlugin

__all__ = ["SCALAR_JS", "SCALAR_OPTIONS", "SCALAR_VERSION", "api_docs_plugin"]

SCALAR_VERSION = "1.76.0"
# The version is in the path, so browsers may keep the file for a year (pages.static).
SCALAR_JS = f"/static/vendor/scalar-api-reference-{SCALAR_VERSION}/standalone.js"
SCALAR_CSS = "/static/schema.css"
SCALAR_OPTIONS: dict[str, Any] = {
    "withDefaultFonts": False,  # no font files from Scalar's servers
    "telemetry": False,
    "agent": {"disabled": True},  # "Ask AI" talks to Scalar's servers
    "showDeveloperTools": "never",
    "proxyUrl": "",  # "try it" requests go straight to this app, not through a proxy
}
# No favicon request at all (not even /favicon.ico on our own site).
NO_FAVICON = "<link rel='icon' href='data:,'>"


def api_docs_plugin() -> ScalarRenderPlugin:
    return ScalarRenderPlugin(
        js_url=SCALAR_JS,
        css_url=SCALAR_CSS,
        favicon=NO_FAVICON,
        options=SCALAR_OPTIONS,
    )
