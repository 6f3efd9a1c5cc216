"""QR codes for the screens: inline SVG drawn on the server (segno), so they need no script,
no image request and nothing from outside, and stay sharp on any TV."""

from __future__ import annotations

from functools import lru_cache

import segno

# Four modules of white around the code, as the QR standard asks: phones read it from across
# a room only with its quiet zone.
QUIET_ZONE = 4


@lru_cache(maxsize=2048)
def qr_svg(url: str) -> str:
    """An SVG of a QR code for `url`, hidden from screen readers (the address is written
    beside it). The same few addresses are drawn again and again, so each is made once per
    process. The output is segno's, from our own URL: safe to insert as HTML."""
    code = segno.make_qr(url, error="m")
    svg = code.svg_inline(
        scale=1,
        border=QUIET_ZONE,
        dark="#000",
        light="#fff",
        omitsize=True,
        svgclass="kiosk-qr__code",
        lineclass="kiosk-qr__modules",
    )
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
