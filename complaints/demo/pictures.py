"""Drawn photos for the demo cases (a pavement, a stall, a clean street)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from citymgmt.photos import PreparedPhoto, prepare_photo


def _canvas(color: str, lines: list[str]) -> Image.Image:
    image = Image.new("RGB", (640, 480), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 330, 640, 480), fill="#8c8c8c")  # the pavement
    for i, line in enumerate(lines):
        draw.text((24, 24 + 28 * i), line, fill="white", font_size=22)
    return image


def _prepared(image: Image.Image, name: str) -> PreparedPhoto:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    buffer.seek(0)
    buffer.name = name
    return prepare_photo(buffer)


def demo_photo(kind: str, n: int) -> PreparedPhoto:
    colors = {
        "citizen": ["#b5651d", "#a0522d", "#8b4513", "#cd853f"],
        "before": ["#9c3d3d", "#a35a2a", "#7f4f24", "#8e3b46"],
        "after": ["#3d7a4a", "#2e6f5e", "#4a7f3a", "#356859"],
    }
    image = _canvas(colors[kind][n % 4], [f"CityDesk demo - {kind} #{n + 1}"])
    draw = ImageDraw.Draw(image)
    if kind == "after":
        draw.line((40, 420, 600, 420), fill="white", width=6)
    else:
        for x in range(60, 600, 130):  # clutter on the pavement
            draw.rectangle((x, 300, x + 80, 380), fill="#e0b040", outline="black")
    return _prepared(image, f"{kind}-{n + 1}.jpg")


def story_photo(kind: str) -> PreparedPhoto:
    """The gate of 西苑小学 with vendors (citizen, before) and clear (after)."""
    clear = kind == "after"
    image = _canvas(
        "#4f7f4f" if clear else "#8a4a3a",
        [
            "Xiyuan Primary School, south gate",
            "16:40 dismissal" if not clear else "17:30 gate clear",
            {"citizen": "citizen photo", "before": "before", "after": "after"}[kind],
        ],
    )
    draw = ImageDraw.Draw(image)
    draw.rectangle((250, 180, 390, 330), outline="white", width=6)  # the gate
    if not clear:
        for x in (120, 200, 300, 400, 480):
            draw.rectangle((x, 280, x + 60, 360), fill="#f0c020", outline="black")
    return _prepared(image, f"xiyuan-{kind}.jpg")
