"""Photos made for the tests: structured pictures (a hash needs something to see), with or
without an EXIF date, and the same picture shrunk and recompressed."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter


def picture(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    rng = random.Random(seed)
    image = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x0, y0 = rng.randrange(size[0]), rng.randrange(size[1])
        x1, y1 = x0 + rng.randrange(40, 300), y0 + rng.randrange(40, 300)
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x0, y0, x1, y1), fill=tuple(rng.randrange(256) for _ in range(3)))
    return image.filter(ImageFilter.GaussianBlur(2))


def jpeg(image: Image.Image, quality: int = 90, taken: str | None = None) -> bytes:
    """JPEG bytes; `taken` ("2025:08:01 10:00:00") is written as EXIF DateTimeOriginal."""
    out = io.BytesIO()
    extra = {}
    if taken is not None:
        exif = Image.Exif()
        exif.get_ifd(0x8769)[36867] = taken
        extra["exif"] = exif.tobytes()
    image.save(out, "JPEG", quality=quality, **extra)
    return out.getvalue()


def photo(seed: int, **kwargs) -> bytes:
    return jpeg(picture(seed), **kwargs)


def retouched(seed: int) -> bytes:
    """The same picture, shrunk and recompressed: not the same bytes, the same image."""
    return jpeg(picture(seed).resize((480, 360)), quality=70)
