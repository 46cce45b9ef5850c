"""What every page carries: the footer's phone numbers and the site icon."""

from __future__ import annotations

import io

from PIL import Image

from tests.conftest import EN


def test_footer_gives_the_emergency_numbers_and_the_12345_hotline(citizen, db):
    html = citizen.get("/").content.decode()
    footer = html.split('<footer class="site-footer">')[1]
    assert "紧急情况请拨打 110（报警）、119（火警）、120（急救）" in footer
    assert "非紧急事项可随时拨打 12345 政务服务便民热线" in footer
    assert "紧急事项请随时拨打 12345" not in html

    english = citizen.get("/", **EN).content.decode()
    assert "Emergencies: call 110 (police), 119 (fire) or 120 (ambulance)." in english
    assert "Urgent matters: call the 12345" not in english


def test_favicon_is_served_at_the_site_root(citizen, db):
    response = citizen.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    icon = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert icon.format == "ICO"
    assert (32, 32) in icon.info["sizes"]


def test_public_pages_and_the_admin_link_the_icon(citizen, db):
    link = '<link rel="icon" href="/static/favicon.ico"'
    for path in ("/", "/complaints/new/", "/squads/", "/admin/login/"):
        assert link in citizen.get(path).content.decode(), path
    assert citizen.get("/static/favicon.ico").status_code == 200
