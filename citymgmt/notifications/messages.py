"""The message registry: a code, its subject and text, and the context it needs.

Apps own their templates and register them here (`register`, called when the
app's messages module is imported by its AppConfig); this module only knows
how to render one.

Texts are English msgids rendered in the site's language (zh-Hans) when the
notification is written, so a later catalog change never alters what was
sent. A citizen's SMS must fit one message (70 characters, the length of a
single Chinese SMS); `render` shortens the one free-text value a template
names (`shorten`) when the rendered text would be longer.

Context keys (values may be strings, numbers or datetimes):

=================== =========================================================
reference           the complaint's reference, e.g. 20261123-0042
unit                the squad unit the case went to (name)
department          the outside department a case is referred to
reason              why a case was not accepted (short)
days                days left to rate a closed case
stage               accept | dispatch | sign | dispose | verify (or a label)
percent             share of the stage's working time used, e.g. 80
due_at              the stage's due time (datetime or ISO string)
count               number of cases in a list (default: the length of cases)
cases               list of {reference, stage, due_at, unit?} for digests
=================== =========================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise

SMS_MAX_CHARS = 70


@dataclass(frozen=True)
class Message:
    subject: Promise
    body: Promise
    keys: tuple[str, ...]
    # One line per entry of context["cases"], joined into the body's %(lines)s.
    line: Promise | None = None
    # The free-text key cut short when an SMS would exceed one message.
    shorten: str | None = None
    # The app's own formatting of context values (a stage code into its
    # label), applied to the context and to each entry of context["cases"].
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None


# The registry: each app registers the templates it sends (see `register`).
MESSAGES: dict[str, Message] = {}
# The codes of the messages that go to citizens (one SMS each).
CITIZEN_TEMPLATES: set[str] = set()


def register(messages: Mapping[str, Message], *, citizen: bool = False) -> None:
    """Add an app's templates; registering the same code again replaces it."""
    for code, message in messages.items():
        MESSAGES[code] = message
        if citizen:
            CITIZEN_TEMPLATES.add(code)


class UnknownTemplate(ValueError):
    pass


def format_due(value: Any) -> str:
    """A due time as local month-day hour:minute (11-23 15:30)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%m-%d %H:%M")
    return str(value)


def _values(context: Mapping[str, Any], message: Message) -> dict[str, Any]:
    missing = [key for key in message.keys if key not in context]
    if missing:
        raise ValueError(f"Missing context for the message: {', '.join(missing)}.")
    values = dict(context)
    if "cases" in values:
        values["cases"] = list(values["cases"] or [])
        values.setdefault("count", len(values["cases"]))
    return _readable(values, message)


def _readable(values: dict[str, Any], message: Message) -> dict[str, Any]:
    if message.prepare is not None:
        values = message.prepare(values)
    if "due_at" in values:
        values["due_at"] = format_due(values["due_at"])
    return values


def _lines(message: Message, values: Mapping[str, Any]) -> str:
    if message.line is None:
        return ""
    rows = []
    for case in values.get("cases") or []:
        case_values = _readable(
            {"unit": "", "stage": "", "due_at": "", **case}, message
        )
        rows.append(str(message.line) % case_values)
    return "\n".join(rows)


def render(
    template: str, context: Mapping[str, Any], *, sms: bool = False
) -> tuple[str, str]:
    """Return the subject and text of a message, in the site's language."""
    message = MESSAGES.get(template)
    if message is None:
        raise UnknownTemplate(f"Unknown notification template {template!r}.")
    values = _values(context, message)
    with translation.override(settings.LANGUAGE_CODE):
        values["lines"] = _lines(message, values)
        subject = str(message.subject) % values
        body = (str(message.body) % values).strip()
        if sms and len(body) > SMS_MAX_CHARS and message.shorten:
            text = str(values[message.shorten])
            keep = len(text) - (len(body) - SMS_MAX_CHARS) - 1
            # Cut a name or reason only when that makes the text fit.
            if keep >= 4:
                values[message.shorten] = text[:keep] + "…"
                body = (str(message.body) % values).strip()
    return subject, body
