"""Filing a complaint: the reference, the case, its first event, its photos."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citymgmt.errors import InvalidInput, full_clean_or_refuse
from citymgmt.photos import PreparedPhoto
from complaints import deadlines, references, selectors
from complaints.models import (
    Action,
    Attachment,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
)
from complaints.services.events import citizen_tell, event_record
from complaints.workflow import ACTIONS
from squads.models import Area
from squads.roles import CITIZEN, role_of


def reference_next(*, at: datetime | None = None) -> str:
    """Hand out the next reference of the day: 20261123-0042.

    One upsert that increments and returns the counter, so concurrent
    submissions never share a number (the row lock lasts until commit).
    """
    day = timezone.localdate(at or timezone.now())
    table = connection.ops.quote_name("complaints_dailysequence")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [day],
        )
        (number,) = cursor.fetchone()
    return references.make(day, number)


def attachment_add(
    *,
    complaint: Complaint,
    photo: PreparedPhoto,
    kind: str,
    event: ComplaintEvent | None = None,
    by: AbstractBaseUser | None = None,
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
        uploaded_by=by if by is not None and by.pk else None,
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


@transaction.atomic
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
    by: AbstractBaseUser | None = None,
) -> Complaint:
    """File a complaint, route it to the covering unit, record the first event."""
    now = timezone.now()
    if community is not None and street is None:
        street = community.parent
    if channel == Channel.WEB and not consent:
        raise InvalidInput(
            _("Please agree to the notice to continue."), field="consent"
        )
    complaint = Complaint(
        reference=reference_next(at=now),
        channel=channel,
        request_type=request_type,
        category=category,
        description=description.strip(),
        address=address.strip(),
        street=street,
        community=community,
        latitude=latitude,
        longitude=longitude,
        citizen_name="" if is_anonymous else citizen_name.strip(),
        phone=phone,
        is_anonymous=is_anonymous,
        consent_at=now if consent else None,
        priority=category.default_priority,
        submitted_at=now,
        created_by=by if by is not None and by.pk else None,
    )
    complaint.squad = selectors.proposed_squad(complaint=complaint)
    deadlines.schedule(complaint, plan=ACTIONS[Action.SUBMIT].clock, at=now)
    full_clean_or_refuse(complaint)
    complaint.save()
    event = event_record(
        complaint,
        action=Action.SUBMIT,
        by=by,
        role=(role_of(user=by) if by is not None else None) or CITIZEN,
        from_status="",
        payload={"channel": channel},
        at=now,
    )
    for photo in photos or []:
        attachment_add(
            complaint=complaint,
            photo=photo,
            kind=Attachment.Kind.CITIZEN,
            event=event,
            by=by,
        )
    citizen_tell(complaint, action=Action.SUBMIT)
    return complaint
