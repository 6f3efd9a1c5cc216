"""Draw Staffroom's app icons (the home-screen icons in the web app manifest).

Run once after changing the design, and commit the PNGs it writes:

    python scripts/make_app_icons.py

The icon is the favicon (staffroom/static/img/favicon.svg) made large: a sky-blue "S" on the
header's dark blue. Drawn here with Pillow and its bundled font, so no third-party artwork is
involved and anyone can redraw it. Shapes are drawn four times larger and scaled down, for
smooth edges.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parents[1] / "staffroom" / "static" / "img"
DARK = (14, 42, 59, 255)  # --color-header in staffroom.css, the manifest's theme colour
SKY = (56, 189, 248, 255)  # the brand mark's blue
SCALE = 4


def _letter(draw: ImageDraw.ImageDraw, centre: float, height: float) -> None:
    """Draw a bold "S" whose capital height is `height`, centred at (`centre`, `centre`)."""
    font = ImageFont.load_default(size=round(height * 1.4))
    weight = max(1, round(height * 0.07))
    left, top, right, bottom = draw.textbbox((0, 0), "S", font=font, stroke_width=weight)
    x = centre - (left + right) / 2
    y = centre - (top + bottom) / 2
    draw.text((x, y), "S", font=font, fill=SKY, stroke_width=weight, stroke_fill=SKY)


def draw_icon(size: int, *, maskable: bool = False, opaque: bool = False) -> Image.Image:
    """`maskable`: fill the square and keep the letter inside the central 80% circle that every
    launcher's mask leaves visible. `opaque`: a full square for iOS, which rounds it itself.
    Otherwise a rounded square on transparency, like the favicon."""
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable or opaque:
        draw.rectangle((0, 0, big, big), fill=DARK)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 6 // 32, fill=DARK)
    # The favicon's letter is about 45% of the icon's height; the maskable one is smaller so
    # that even a circle mask (diameter 80%) leaves margin around it.
    letter = big * (0.36 if maskable else 0.46)
    _letter(draw, big / 2, letter)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    icons = {
        "app-icon-192.png": draw_icon(192),
        "app-icon-512.png": draw_icon(512),
        "app-icon-maskable-512.png": draw_icon(512, maskable=True),
        "apple-touch-icon.png": draw_icon(180, opaque=True).convert("RGB"),
    }
    for name, image in icons.items():
        image.save(OUT / name, optimize=True)
        sys.stdout.write(f"wrote {OUT / name} ({image.width}x{image.height})\n")


if __name__ == "__main__":
    main()
