"""Illustrations for demo posts, drawn with Pillow: no downloads and no images in the repository.

Each picture is a soft two-colour gradient with a few translucent shapes and, large, the
letters it is given (a department's initials, say). The same spec always draws the same
picture, and a picture drawn once is kept for the rest of the process, so tests that build
the demo many times draw each picture only once. Alt text says plainly that these are
illustrations.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

from PIL import Image, ImageDraw, ImageFilter, ImageFont

WIDTH, HEIGHT = 1200, 675
JPEG_QUALITY = 82

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    name: str  # as the alt text says it: "teal and navy"
    start: RGB
    end: RGB
    accents: tuple[RGB, ...]
    ink: RGB


PALETTES: dict[str, Palette] = {
    p.name: p
    for p in (
        Palette(
            "teal and navy",
            (18, 110, 130),
            (20, 36, 80),
            ((72, 202, 190), (240, 200, 90)),
            (255, 255, 255),
        ),
        Palette(
            "coral and plum",
            (240, 120, 100),
            (90, 40, 90),
            ((255, 200, 150), (150, 80, 160)),
            (255, 255, 255),
        ),
        Palette(
            "sage and cream",
            (200, 220, 190),
            (90, 130, 100),
            ((250, 245, 225), (60, 100, 80)),
            (30, 60, 45),
        ),
        Palette(
            "sky blue and white",
            (190, 225, 250),
            (60, 130, 200),
            ((255, 255, 255), (30, 80, 150)),
            (15, 50, 100),
        ),
        Palette(
            "amber and brown",
            (250, 190, 80),
            (140, 70, 30),
            ((255, 230, 160), (200, 110, 40)),
            (60, 25, 5),
        ),
        Palette(
            "lavender and indigo",
            (200, 180, 240),
            (60, 50, 140),
            ((240, 230, 255), (120, 100, 210)),
            (255, 255, 255),
        ),
        Palette(
            "mint and forest green",
            (170, 235, 200),
            (25, 95, 70),
            ((230, 255, 240), (60, 160, 110)),
            (255, 255, 255),
        ),
        Palette(
            "rose and grey",
            (245, 190, 200),
            (90, 95, 110),
            ((255, 235, 240), (200, 120, 140)),
            (255, 255, 255),
        ),
        Palette(
            "gold and charcoal",
            (240, 200, 80),
            (45, 45, 55),
            ((255, 235, 150), (120, 110, 90)),
            (255, 255, 255),
        ),
        Palette(
            "ocean blue and aqua",
            (40, 90, 170),
            (60, 200, 210),
            ((200, 240, 255), (20, 50, 120)),
            (255, 255, 255),
        ),
    )
}

SHAPES = ("circles", "waves", "blocks")


@dataclass(frozen=True)
class Illustration:
    """What to draw: letters on a palette, with circles, waves or blocks behind them."""

    letters: str
    palette: str
    shapes: str = "circles"
    variant: int = 0  # moves the shapes about, so two pictures of one department differ

    @property
    def alt_text(self) -> str:
        return (
            f"Illustration: {self.palette} background with soft {self.shapes} "
            f"and the letters {self.letters}"
        )


# Shapes and shadows are drawn at a quarter of the size and scaled up: soft edges for free,
# and each picture takes a few milliseconds instead of a tenth of a second.
SCALE = 4


@lru_cache(maxsize=256)
def draw_illustration(spec: Illustration) -> bytes:
    """The picture as JPEG bytes (1200 by 675)."""
    palette = PALETTES[spec.palette]
    rng = random.Random(f"{spec.letters}:{spec.palette}:{spec.shapes}:{spec.variant}")
    w, h = WIDTH // SCALE, HEIGHT // SCALE
    image = _gradient(palette.start, palette.end, (w, h)).convert("RGBA")
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    if spec.shapes == "circles":
        for _ in range(7):
            radius = rng.randint(15, 65)
            x, y = rng.randint(-25, w + 25), rng.randint(-25, h + 25)
            colour = rng.choice(palette.accents)
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(*colour, 70))
    elif spec.shapes == "waves":
        for band in range(5):
            base = h * (0.35 + band * 0.13) + rng.randint(-8, 8)
            amplitude, phase = rng.randint(5, 15), rng.random() * 6.28
            points = [(x, base + amplitude * math.sin(x / 45 + phase)) for x in range(0, w + 10, 5)]
            colour = palette.accents[band % len(palette.accents)]
            draw.polygon([*points, (w, h), (0, h)], fill=(*colour, 45))
    else:
        for _ in range(9):
            bw, bh = rng.randint(30, 95), rng.randint(20, 65)
            x, y = rng.randint(-15, w - 15), rng.randint(-15, h - 15)
            colour = rng.choice(palette.accents)
            draw.rounded_rectangle((x, y, x + bw, y + bh), radius=9, fill=(*colour, 60))
    image = Image.alpha_composite(image, layer.filter(ImageFilter.GaussianBlur(1)))
    _draw_shadow(image, spec.letters)
    image = image.convert("RGB").resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR)
    _draw_letters(image, spec.letters, palette.ink)
    out = BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def _gradient(start: RGB, end: RGB, size: tuple[int, int]) -> Image.Image:
    # A diagonal blend, drawn small and scaled up (smooth, and quick to make).
    small = Image.new("RGB", (64, 36))
    pixels = small.load()
    assert pixels is not None
    for y in range(36):
        for x in range(64):
            t = (x / 63 * 0.6) + (y / 35 * 0.4)
            pixels[x, y] = tuple(round(a + (b - a) * t) for a, b in zip(start, end, strict=True))
    return small.resize(size, Image.Resampling.BICUBIC)


def _letters_at(
    image: Image.Image, letters: str, scale: int
) -> tuple[ImageFont.FreeTypeFont, float, float]:
    size = (300 if len(letters) <= 2 else 220 if len(letters) <= 3 else 170) // scale
    font = ImageFont.load_default(size=size)
    assert isinstance(font, ImageFont.FreeTypeFont)
    left, top, right, bottom = ImageDraw.Draw(image).textbbox((0, 0), letters, font=font)
    width, height = image.size
    return font, (width - (right - left)) / 2 - left, (height - (bottom - top)) / 2 - top


def _draw_shadow(small: Image.Image, letters: str) -> None:
    font, x, y = _letters_at(small, letters, SCALE)
    shadow = Image.new("RGBA", small.size, (0, 0, 0, 0))
    ImageDraw.Draw(shadow).text((x + 2, y + 2.5), letters, font=font, fill=(0, 0, 0, 80))
    small.alpha_composite(shadow.filter(ImageFilter.GaussianBlur(2)))


def _draw_letters(image: Image.Image, letters: str, ink: RGB) -> None:
    font, x, y = _letters_at(image, letters, 1)
    ImageDraw.Draw(image).text((x, y), letters, font=font, fill=ink)
