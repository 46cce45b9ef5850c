"""Every demo contact card shows all its text on a 320 px phone, also at 200 % text."""

from __future__ import annotations

import pytest
from django.db import transaction

from squads.management.commands.seed_demo import Seeder
from squads.models import ContactCard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For each face: the elements inside it that stick out of it or are cut off,
# whether the face itself scrolls its content away, and what it shows.
HIDDEN = """() => [...document.querySelectorAll('.card-face')].map(face => {
    const box = face.getBoundingClientRect();
    const out = [...face.querySelectorAll('*')].filter(el => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && (
            r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5 ||
            r.left < box.left - 0.5 || r.right > box.right + 0.5
        );
    }).map(el => el.tagName + ' ' + el.textContent.trim().slice(0, 30));
    const cut = [face, ...face.querySelectorAll('*')].filter(el =>
        el.scrollHeight > el.clientHeight + 1
        && getComputedStyle(el).overflow !== 'visible'
    ).map(el => el.tagName + '.' + el.className);
    return {face: face.className, out, cut, text: face.innerText};
})"""
UNIT_FONT_SIZE = (
    "parseFloat(getComputedStyle(document.querySelector('.card-unit')).fontSize)"
)


@pytest.fixture
def demo_cards(db) -> list[ContactCard]:
    with transaction.atomic():
        Seeder().run()
    cards = list(ContactCard.objects.select_related("squad").order_by("squad__code"))
    assert len(cards) >= 20
    return cards


def _lines(card: ContactCard) -> list[str]:
    """What the front must show: the unit, the people and their phones, the hours."""
    content = card.content
    lines = [content["unit"]["name"], content["duty_phone"], content["working_hours"]]
    for person in (content["leader"], content["instructor"]):
        if person:
            lines += [person["name"], person["phone"]]
    return lines


def _check_every_card(page, live_server, cards: list[ContactCard]) -> dict:
    problems = {}
    for card in cards:
        page.goto(f"{live_server.url}/squads/{card.squad.code}/card/")
        faces = page.evaluate(HIDDEN)
        assert [f["face"] for f in faces] == [
            "card-face card-front",
            "card-face card-back",
        ]
        front, back = faces
        missing = [line for line in _lines(card) if line not in front["text"]]
        missing += [
            a["name"]
            for a in card.content["communities"]
            if a["name"] not in back["text"]
        ]
        wide = page.evaluate("document.documentElement.scrollWidth") > 320
        found = [*front["out"], *front["cut"], *back["out"], *back["cut"], *missing]
        if found or wide:
            problems[card.squad.code] = (found, wide)
    return problems


def test_no_card_loses_text_at_320_px(live_server, page, demo_cards):
    page.set_viewport_size({"width": 320, "height": 640})
    assert _check_every_card(page, live_server, demo_cards) == {}


def test_no_card_loses_text_at_320_px_with_200_percent_text(
    live_server, page, demo_cards
):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server.url}/squads/{demo_cards[0].squad.code}/card/")
    normal = page.evaluate(UNIT_FONT_SIZE)
    # Every page the context opens gets twice the default text size (through
    # the CSSOM, which the site's content security policy allows).
    page.context.add_init_script(
        "document.addEventListener('DOMContentLoaded', () => {"
        " document.documentElement.style.fontSize = '200%'; });"
    )
    assert _check_every_card(page, live_server, demo_cards) == {}
    # The text really is twice as large.
    assert page.evaluate(UNIT_FONT_SIZE) >= 2 * normal - 0.5
