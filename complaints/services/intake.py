"""Filing a complaint: the reference, the case, its first event, its photos."""

from __future__ import annotations

import contextlib
import functools
import unicodedata
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, ParamSpec

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from citymgmt import compiled, phones
from citymgmt.errors import Conflict, DomainError, InvalidInput, full_clean_or_refuse
from citymgmt.notifications.services import send_on_commit
from citymgmt.photos import PreparedPhoto
from complaints import deadlines, references, selectors
from complaints.models import (
    Action,
    Attachment,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    DailySequence,
)
from complaints.services.events import citizen_message, event_build
from complaints.workflow import ACTIONS
from squads.models import Area, Squad
from squads.roles import CITIZEN, role_of


def reference_number(*, at: datetime) -> compiled.DayNumber:
    """The day's next reference, as the filing's statement takes it."""
    day = timezone.localdate(at)
    return compiled.DayNumber(
        table=DailySequence._meta.db_table,
        day=day,
        prefix=references.prefix(day),
        width=references.WIDTH,
    )


def _account(by: User | None) -> User | None:
    """The saved account to record as the author, if any (not the anonymous user)."""
    return by if by is not None and by.pk else None


def attachment_add(
    *,
    complaint: Complaint,
    photo: PreparedPhoto,
    kind: str,
    event: ComplaintEvent | None = None,
    by: User | None = None,
) -> Attachment:
    """Store a prepared photo on a complaint under a random name."""
    attachment = Attachment(
        complaint=complaint,
        event=event,
        kind=kind,
        content_type=photo.content_type,
        size=len(photo.data),
        width=photo.width,
        height=photo.height,
        sha256=photo.sha256,
        uploaded_by=_account(by),
        created_at=timezone.now(),
    )
    stem = uuid.uuid4().hex
    attachment.file.save(f"{stem}.jpg", ContentFile(photo.data), save=False)
    attachment.thumbnail.save(
        f"{stem}-thumb.jpg", ContentFile(photo.thumbnail), save=False
    )
    full_clean_or_refuse(attachment)
    attachment.save()
    return attachment


# The intake rules. Forms and serializers only read what was typed; these
# decide, once, for the web form, the API and filing on a caller's behalf.

MICRODEGREE = Decimal("0.000001")
DESCRIPTION_MIN = 10


def visible_text(value: str) -> str:
    """Text without the characters that show nothing, trimmed.

    Zero-width spaces and joiners (U+200B-U+200D), the word joiner (U+2060),
    the byte-order mark (U+FEFF) and the other Unicode format characters
    take no room on a page: a text of them alone is an empty text.
    """
    return "".join(c for c in value if unicodedata.category(c) != "Cf").strip()


@dataclass
class _Intake:
    """What was given so far, the values the rules made of it, and refusals."""

    given: Mapping[str, Any]
    staff: bool
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def refuse(self, name: str, message: object) -> None:
        self.errors.setdefault(name, []).append(str(message))


def _check_category(intake: _Intake) -> None:
    category = intake.given.get("category")
    if category is not None and not category.is_active:
        intake.refuse(
            "category",
            _(
                "“%(category)s” is no longer on the list; choose another kind of "
                "problem."
            )
            % {"category": category.name},
        )


def _check_areas(intake: _Intake) -> None:
    """The community decides the unit; the street is its street."""
    community, street = intake.given.get("community"), intake.given.get("street")
    if community is not None and community.level != Area.Level.COMMUNITY:
        intake.refuse(
            "community",
            _("%(area)s is not a community; choose your community from the list.")
            % {"area": community.name},
        )
    elif street is not None and street.level != Area.Level.STREET:
        intake.refuse(
            "street",
            _("%(area)s is not a street or town; choose one from the list.")
            % {"area": street.name},
        )
    elif community is not None and street is not None:
        if community.parent_id != street.pk:
            intake.refuse(
                "community",
                _(
                    "%(community)s is in %(right)s, not in %(street)s. Choose "
                    "the street again or another community."
                )
                % {
                    "community": community.name,
                    "right": community.parent.name,
                    "street": street.name,
                },
            )
    elif community is not None:
        intake.values["street"] = community.parent


def _check_text(intake: _Intake) -> None:
    """What is described and where, as visible text: invisible text is no text."""
    given = intake.given
    if "description" in given:
        description = visible_text(given["description"] or "")
        intake.values["description"] = description
        if len(description) < DESCRIPTION_MIN:
            intake.refuse(
                "description",
                _("Describe the problem in at least 10 characters."),
            )
    if "address" in given:
        address = visible_text(given["address"] or "")
        intake.values["address"] = address
        if not address:
            intake.refuse(
                "address", _("Tell us where it is: an address or a landmark.")
            )


def _check_name(intake: _Intake) -> None:
    """An anonymous caller keeps no name; staff name the caller or tick anonymous."""
    given = intake.given
    anonymous = bool(given.get("is_anonymous"))
    typed = visible_text(given.get("citizen_name") or "")
    name = "" if anonymous else " ".join(typed.split())
    intake.values["citizen_name"] = name
    if intake.staff and not anonymous and not name and "citizen_name" in given:
        intake.refuse("citizen_name", _("Give the caller's name, or tick “Anonymous”."))


def _check_phone(intake: _Intake) -> None:
    """The case is followed up by SMS: a mainland mobile, stored normalised."""
    if "phone" not in intake.given:
        return
    phone = phones.normalize(intake.given["phone"])
    intake.values["phone"] = phone
    try:
        phones.validate_mobile(phone)
    except ValidationError as exc:
        intake.refuse("phone", exc.messages[0])


def _check_consent(intake: _Intake) -> None:
    """Only the web form asks for the tick.

    A member of staff files by phone, at the counter or on patrol and reads
    the notice out. When the channel could not be read, staff are not asked.
    """
    given = intake.given
    channel = given.get("channel", None if intake.staff else Channel.WEB)
    if channel == Channel.WEB and "consent" in given and not given["consent"]:
        intake.refuse("consent", _("Please agree to the notice to continue."))


def _microdegrees(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(MICRODEGREE, rounding=ROUND_HALF_UP)


def _check_location(intake: _Intake) -> None:
    """Both coordinates or neither, to the micro-degree (about 11 cm)."""
    if "latitude" not in intake.given or "longitude" not in intake.given:
        return
    latitude, longitude = intake.given["latitude"], intake.given["longitude"]
    if (latitude is None) != (longitude is None):
        intake.refuse(
            "latitude", _("The location is incomplete; add it again or leave it out.")
        )
    elif latitude is not None:
        try:
            intake.values["latitude"] = _microdegrees(latitude)
            intake.values["longitude"] = _microdegrees(longitude)
        except (InvalidOperation, ValueError):
            intake.refuse(
                "latitude",
                _("The location could not be read; add it again or leave it out."),
            )


def _intake_check(given: Mapping[str, Any], *, by: User | None) -> _Intake:
    intake = _Intake(given=given, staff=by is not None)
    for check in (
        _check_text,
        _check_category,
        _check_areas,
        _check_name,
        _check_phone,
        _check_consent,
        _check_location,
    ):
        check(intake)
    return intake


def _as_refusal(errors: dict[str, list[str]]) -> InvalidInput:
    """One refusal carrying every field's messages, led by the first."""
    name, messages = next(iter(errors.items()))
    return InvalidInput(messages[0], field=name, errors=errors)


def _refusal(errors: dict[str, list[str]]) -> InvalidInput | None:
    return _as_refusal(errors) if errors else None


def complaint_submit_refusal(
    given: Mapping[str, Any], *, by: User | None = None
) -> InvalidInput | None:
    """Say what `complaint_submit` would refuse among the inputs given, or None.

    A form or serializer that could not read every input asks this with the
    ones it could, so one answer lists every problem. Rules whose inputs are
    missing are left for when they are given.
    """
    return _refusal(_intake_check(given, by=by).errors)


# What the database checks for a new case, and what a person is told when it
# refuses: the references to other rows (the category, the street and the
# community chosen, the unit routed to, the deadline rule) and the CHECK
# constraints. Python checks the fields; it does not ask the database whether
# rows it has just read still exist.
_FOREIGN_KEYS = ("category", "street", "community", "squad", "deadline_rule")
_DATABASE_REFUSALS = {
    "category_id": (
        "category",
        gettext_lazy("Choose the kind of problem from the list."),
    ),
    "street_id": ("street", gettext_lazy("Choose the street or town from the list.")),
    "community_id": ("community", gettext_lazy("Choose your community from the list.")),
}
_TRY_AGAIN = gettext_lazy("Your complaint could not be accepted. Please try again.")

P = ParamSpec("P")


def _database_refusal(error: IntegrityError) -> DomainError:
    """The clear message for a case the database refused to file.

    A category, street or community removed while the citizen was typing is
    refused on its field, as the form refuses a choice not on its list;
    anything else (the unit or the rule removed at that moment) asks to send
    again.
    """
    diag = getattr(error.__cause__, "diag", None)
    constraint = getattr(diag, "constraint_name", None) or ""
    table = Complaint._meta.db_table
    for column, (name, message) in _DATABASE_REFUSALS.items():
        if constraint.startswith(f"{table}_{column}_"):
            return InvalidInput(str(message), field=name, errors={name: [str(message)]})
    return Conflict(str(_TRY_AGAIN))


def _filed_or_refused(submit: Callable[P, Complaint]) -> Callable[P, Complaint]:
    """A refusal of the database's, at an insert or at commit, leaves a
    filing as a `DomainError`; nothing is filed (see `_file` for the
    transaction)."""

    @functools.wraps(submit)
    def filed(*args: P.args, **kwargs: P.kwargs) -> Complaint:
        try:
            return submit(*args, **kwargs)
        except IntegrityError as error:
            raise _database_refusal(error) from None

    return filed


@_filed_or_refused
def complaint_submit(
    *,
    category: Category,
    description: str,
    address: str,
    phone: str,
    community: Area | None = None,
    street: Area | None = None,
    citizen_name: str = "",
    is_anonymous: bool = False,
    consent: bool = True,
    latitude: Any = None,
    longitude: Any = None,
    photos: list[PreparedPhoto] | None = None,
    channel: str = Channel.WEB,
    request_type: str = "complaint",
    unit: Squad | None = None,
    by: User | None = None,
) -> Complaint:
    """File a complaint, route it to the covering unit, record the first event.

    `unit` is the unit whose contact card the citizen came from: it takes the
    case when no community is given (see `selectors.proposed_squad`).
    """
    intake = _intake_check(
        {
            "description": description,
            "address": address,
            "category": category,
            "community": community,
            "street": street,
            "citizen_name": citizen_name,
            "is_anonymous": is_anonymous,
            "phone": phone,
            "channel": channel,
            "consent": consent,
            "latitude": latitude,
            "longitude": longitude,
        },
        by=by,
    )
    now = timezone.now()
    complaint = Complaint(
        channel=channel,
        request_type=request_type,
        category=category,
        description=intake.values["description"],
        address=intake.values["address"],
        street=intake.values.get("street", street),
        community=community,
        latitude=intake.values.get("latitude"),
        longitude=intake.values.get("longitude"),
        citizen_name=intake.values["citizen_name"],
        phone=intake.values.get("phone", phone),
        is_anonymous=is_anonymous,
        consent_at=now if consent else None,
        priority=category.default_priority,
        submitted_at=now,
        created_by=_account(by),
    )
    if intake.errors:
        raise _refused(intake.errors, complaint)
    return _file(complaint, photos=photos or [], unit=unit, by=by, at=now)


def _refused(errors: dict[str, list[str]], complaint: Complaint) -> InvalidInput:
    """The rules' refusals and the model's own field checks, in one answer."""
    merged = {name: list(messages) for name, messages in errors.items()}
    try:
        complaint.clean_fields(exclude=[*errors, "reference"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            merged.setdefault(name, messages)
    return _as_refusal(merged)


def _file(
    complaint: Complaint,
    *,
    photos: list[PreparedPhoto],
    unit: Squad | None,
    by: User | None,
    at: datetime,
) -> Complaint:
    """Route, schedule, save and record a new complaint with its photos."""
    complaint.squad = selectors.proposed_squad(complaint=complaint, unit=unit)
    deadlines.schedule(complaint, plan=ACTIONS[Action.SUBMIT].clock, at=at)
    # The fields, by their own rules; the references, the unique reference
    # and the CHECK constraints are the database's (see `complaint_submit`).
    full_clean_or_refuse(
        complaint,
        exclude=[*_FOREIGN_KEYS, "reference"],
        validate_unique=False,
        validate_constraints=False,
    )
    # The reference is taken in the statement that writes the rows: the
    # day's counter row stays locked from there to the commit, so concurrent
    # filings wait for each other's insert and commit only, not for the
    # routing, the checks or the building of the rows. Until then the case,
    # and the SMS that quotes it, hold the number's stand-in.
    numbered = reference_number(at=at)
    complaint.reference = numbered.token
    event = event_build(
        complaint,
        action=Action.SUBMIT,
        by=by,
        role=(role_of(user=by) if by is not None else None) or CITIZEN,
        from_status="",
        payload={"channel": complaint.channel},
        at=at,
    )
    sms = citizen_message(complaint, action=Action.SUBMIT)
    messages = [sms] if sms is not None else []
    # The reference, the case, its event and its SMS in one statement on
    # PostgreSQL, which is a transaction on its own: without photos it is
    # not wrapped in another, so the filing is one round trip instead of
    # three (BEGIN, the statement, COMMIT) and the day's counter row is
    # locked only while the server runs and commits it. Inside a caller's
    # transaction it joins that one. Photos are rows written after it: with
    # them, they and the statement are one transaction.
    with transaction.atomic() if photos else contextlib.nullcontext():
        compiled.rows_insert([complaint, event, *messages], numbered=numbered)
        send_on_commit(messages)
        for photo in photos:
            attachment_add(
                complaint=complaint,
                photo=photo,
                kind=Attachment.Kind.CITIZEN,
                event=event,
                by=by,
            )
    return complaint
