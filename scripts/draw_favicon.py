"""Draw static/favicon.ico: the header's mark, a white 城 on the site's blue.

Usage: .venv/bin/python scripts/draw_favicon.py [font.ttc]
Needs a CJK font (Debian: fonts-noto-cjk); the icon is committed, so this
only runs again when the mark changes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
BLUE = (11, 79, 156, 255)  # --blue in static/css/site.css
OUT = Path(__file__).resolve().parents[1] / "static" / "favicon.ico"
SIZE = 256


def main() -> None:
    font_path = sys.argv[1] if len(sys.argv) > 1 else FONT
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, SIZE - 1, SIZE - 1), radius=48, fill=BLUE)
    font = ImageFont.truetype(font_path, 200, index=2)  # the SC face
    draw.text((SIZE / 2, SIZE / 2), "城", font=font, fill="white", anchor="mm")
    image.save(OUT, sizes=[(16, 16), (32, 32), (48, 48), (64, 64)])
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
