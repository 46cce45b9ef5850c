"""Screenshot the public pages and the admin of a running portal (make run).

Usage: .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000] [outdir]
Writes PNGs at phone and desktop widths to test-artifacts/screens/.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "test-artifacts/screens")
PUBLIC = {
    "home": "/",
    "directory": "/squads/",
    "search": "/squads/?q=西苑",
    "card": "/squads/JD-1/card/",
    "workstations": "/squads/workstations/",
    "not-found": "/squads/NOPE/card/",
    "api-docs": "/api/docs/",
}
ADMIN = {
    "admin-index": "/admin/",
    "admin-squads": "/admin/squads/squad/",
    "admin-squad": "/admin/squads/squad/?q=JD-1",
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for label, viewport in (("phone", (390, 844)), ("desktop", (1280, 900))):
            page = browser.new_page(
                viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN"
            )
            for name, path in PUBLIC.items():
                page.goto(BASE + path)
                page.screenshot(path=str(OUT / f"{name}-{label}.png"), full_page=True)
            page.close()
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(BASE + "/squads/JD-1/card/")
        page.emulate_media(media="print")
        page.screenshot(path=str(OUT / "card-print.png"), full_page=True)
        page.goto(BASE + "/admin/login/")
        page.fill("#id_username", "leader")
        page.fill("#id_password", "citydesk-demo")
        page.click("input[type=submit]")
        for name, path in ADMIN.items():
            page.goto(BASE + path)
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
        browser.close()
    print(f"screenshots in {OUT}/")


if __name__ == "__main__":
    main()
