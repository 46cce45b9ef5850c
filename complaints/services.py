"""Every write to complaints: intake, the workflow, ratings, photos, reveals."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from citymgmt.notifications.services import notify
from complaints import deadlines, selectors
from complaints.models import (
    Attachment,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    DeadlineRule,
    ExtensionRequest,
    Method,
    Satisfaction,
    Status,
)
from complaints.photos import PreparedPhoto
from complaints.workflow import (
    CITIZEN,
    SYSTEM,
    TRANSITIONS,
    ActionNotAllowed,
    Conflict,
    PermissionDenied,
    WorkflowError,
)
from squads.models import Area, Member, Squad
from squads.selectors import squad_subtree_ids


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
    return f"{day:%Y%m%d}-{number:04d}"


def _event(
    complaint: Complaint,
    *,
    action: str,
    by: User | None,
    role: str,
    from_status: str = "",
    to_status: str = "",
    opinion: str = "",
    public: bool = True,
    payload: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=by if by is not None and by.pk else None,
        role=role,
        opinion=opinion,
        is_public=public,
        payload=payload or {},
        created_at=at or timezone.now(),
    )


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
        uploaded_by=by if by is not None and by.pk else None,
        created_at=timezone.now(),
    )
    stem = uuid.uuid4().hex
    attachment.file.save(f"{stem}.jpg", ContentFile(photo.data), save=False)
    attachment.thumbnail.save(
        f"{stem}-thumb.jpg", ContentFile(photo.thumbnail), save=False
    )
    attachment.full_clean()
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
    by: User | None = None,
) -> Complaint:
    """File a complaint, route it to the covering unit, record the first event."""
    now = timezone.now()
    if community is not None and street is None:
        street = community.parent
    if channel == Channel.WEB and not consent:
        raise ValidationError({"consent": _("Please agree to the notice to continue.")})
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
    deadlines.schedule(complaint, action="submit", at=now)
    complaint.full_clean()
    complaint.save()
    staff_role = selectors.role_of(user=by) if by is not None else None
    event = _event(
        complaint,
        action="submit",
        by=by,
        role=staff_role or CITIZEN,
        to_status=Status.SUBMITTED,
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
    _tell_citizen(complaint, action="submit")
    return complaint


def _require_text(value: str, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise WorkflowError(message, field=field)
    return text


def _entered_processing_at(complaint: Complaint) -> datetime:
    """When the case last started being handled (signed, reworked or reopened)."""
    last = (
        complaint.events.filter(to_status=Status.PROCESSING)
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    )
    return last or complaint.submitted_at


@transaction.atomic
def complaint_transition(
    *,
    complaint: Complaint,
    action: str,
    by: User | None,
    expected_status: str | None = None,
    opinion: str = "",
    squad: Squad | None = None,
    assignee: Member | None = None,
    duplicate_of: Complaint | None = None,
    referral_to: str = "",
    method: str = "",
    resolution: str = "",
    category: Category | None = None,
    priority: str = "",
    photos_before: list[PreparedPhoto] | None = None,
    photos_after: list[PreparedPhoto] | None = None,
) -> Complaint:
    """Take one workflow action: lock, check the table, apply, record the event."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ActionNotAllowed(
            _("There is no action called “%(action)s”.") % {"action": action}
        )
    locked = (
        Complaint.objects.select_for_update(no_key=True, of=("self",))
        .select_related("category", "squad")
        .get(pk=complaint.pk)
    )
    if expected_status and locked.status != expected_status:
        last = locked.events.order_by("-created_at", "-id").first()
        raise Conflict(
            _(
                "Someone else has just changed this case: it is now %(status)s "
                "(%(when)s). Reload it to see what happened."
            )
            % {
                "status": locked.get_status_display(),
                "when": timezone.localtime(last.created_at).strftime("%H:%M:%S")
                if last
                else "",
            }
        )
    refused = selectors.refusal(user=by, complaint=locked, action=action)
    if refused is not None:
        raise refused
    if transition.needs_reason:
        opinion = _require_text(
            opinion, "opinion", _("Give a reason: the record and the citizen need one.")
        )

    now = timezone.now()
    from_status = locked.status
    payload: dict[str, Any] = {}
    changed: list[str] = []

    def put(field: str, value: Any) -> None:
        setattr(locked, field, value)
        changed.append(field)

    if action == "accept":
        if category is not None and category.pk != locked.category_id:
            payload["category"] = {"from": locked.category.code, "to": category.code}
            put("category", category)
        if priority:
            put("priority", priority)
        put("accepted_at", now)
    elif action == "reject":
        put("referral_to", (referral_to or locked.category.referral_to).strip())
        payload["referral_to"] = locked.referral_to
        put("closed_at", now)
    elif action == "merge":
        if duplicate_of is None:
            raise WorkflowError(
                _("Choose the case this one duplicates."), field="duplicate_of"
            )
        # Read the other case afresh: it may have been merged meanwhile.
        other = Complaint.objects.get(pk=duplicate_of.pk)
        original = other.duplicate_of or other
        if original.pk == locked.pk:
            raise WorkflowError(
                _("A case cannot duplicate itself."), field="duplicate_of"
            )
        put("duplicate_of", original)
        put("closed_at", now)
        payload["duplicate_of"] = original.reference
    elif action == "dispatch":
        target = squad or locked.squad
        if target is None:
            raise WorkflowError(_("Choose the unit to dispatch to."), field="squad")
        if not target.is_active:
            raise WorkflowError(_("That unit is not in service."), field="squad")
        if locked.squad_id != target.pk:
            put("assignee", None)
        put("squad", target)
        put("dispatched_at", now)
        payload["squad"] = {"code": target.code, "name": target.name}
    elif action == "sign":
        put("signed_at", now)
    elif action == "assign":
        if assignee is None:
            raise WorkflowError(_("Choose the officer."), field="assignee")
        case_units = squad_subtree_ids(squad_id=locked.squad_id)
        if not assignee.is_active or assignee.squad_id not in case_units:
            raise WorkflowError(
                _("%(name)s is not a member of the unit handling this case.")
                % {"name": assignee.full_name},
                field="assignee",
            )
        put("assignee", assignee)
        payload["assignee"] = assignee.full_name
    elif action == "dispose":
        if method not in Method.values:
            raise WorkflowError(
                _("Choose the method: service, management or enforcement (721)."),
                field="method",
            )
        resolution = _require_text(
            resolution, "resolution", _("Describe what was done: the citizen reads it.")
        )
        if locked.category.requires_disposal_photos:
            have = set(
                locked.attachments.filter(
                    kind__in=[Attachment.Kind.BEFORE, Attachment.Kind.AFTER],
                    event__action="dispose",
                    created_at__gte=_entered_processing_at(locked),
                ).values_list("kind", flat=True)
            )
            if photos_before:
                have.add(Attachment.Kind.BEFORE)
            if photos_after:
                have.add(Attachment.Kind.AFTER)
            if have != {Attachment.Kind.BEFORE, Attachment.Kind.AFTER}:
                raise WorkflowError(
                    _("This category needs a photo from before and one from after."),
                    field="photos_after"
                    if Attachment.Kind.BEFORE in have
                    else "photos_before",
                )
        put("method", method)
        put("resolution", resolution)
        put("disposed_at", now)
        payload["method"] = method
    elif action == "return":
        payload["squad"] = locked.squad.code if locked.squad else None
        put("squad", None)
        put("assignee", None)
        put("dispatched_at", None)
        put("signed_at", None)
    elif action == "verify":
        put("closed_at", now)
    elif action == "rework":
        put("rework_count", locked.rework_count + 1)
        put("disposed_at", None)
    elif action == "cancel":
        put("closed_at", now)
    elif action == "reopen":
        put("reopen_count", locked.reopen_count + 1)
        put("closed_at", None)
        put("disposed_at", None)

    if transition.target is not None:
        put("status", transition.target)
    changed += deadlines.schedule(locked, action=action, at=now)
    if from_status == Status.PROCESSING and locked.status != Status.PROCESSING:
        _extensions_lapse(locked, at=now)
    # Field validation only: the values come from the table above, and the
    # database's constraints still guard them (each CHECK would cost a query).
    locked.full_clean(validate_unique=False, validate_constraints=False)
    locked.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
    role = CITIZEN if by is None else (selectors.role_of(user=by) or SYSTEM)
    event = _event(
        locked,
        action=action,
        by=by,
        role=role,
        from_status=from_status,
        to_status=transition.target or from_status,
        opinion=(opinion or "").strip() if action != "dispose" else resolution,
        public=transition.public,
        payload=payload,
        at=now,
    )
    for kind, photos in (
        (Attachment.Kind.BEFORE, photos_before),
        (Attachment.Kind.AFTER, photos_after),
    ):
        for photo in photos or []:
            attachment_add(complaint=locked, photo=photo, kind=kind, event=event, by=by)
    _tell_citizen(locked, action=action, reason=event.opinion)
    return locked


@transaction.atomic
def complaint_rate(
    *, complaint: Complaint, satisfaction: str, comment: str = ""
) -> Complaint:
    """Record the citizen's rating; dissatisfied reopens the case once (重办)."""
    locked = Complaint.objects.select_for_update(no_key=True, of=("self",)).get(
        pk=complaint.pk
    )
    if satisfaction not in Satisfaction.values:
        raise WorkflowError(_("Choose how satisfied you are."), field="satisfaction")
    if not selectors.rating_open(complaint=locked):
        raise ActionNotAllowed(
            _(
                "This case can no longer be rated: it was rated already or "
                "closed too long ago."
            )
        )
    now = timezone.now()
    locked.satisfaction = satisfaction
    locked.rated_at = now
    locked.save(update_fields=["satisfaction", "rated_at", "updated_at"])
    _event(
        locked,
        action="rate",
        by=None,
        role=CITIZEN,
        from_status=locked.status,
        to_status=locked.status,
        opinion=comment.strip()[:500],
        payload={"satisfaction": satisfaction},
        at=now,
    )
    if satisfaction == Satisfaction.DISSATISFIED and locked.reopen_count == 0:
        locked = complaint_transition(complaint=locked, action="reopen", by=None)
        locked.satisfaction = ""
        locked.save(update_fields=["satisfaction", "updated_at"])
    return locked


@transaction.atomic
def complaint_reveal_phone(*, complaint: Complaint, by: User) -> str:
    """Show a citizen's full phone number to a permitted user, and log it."""
    if not by.has_perm("complaints.reveal_phone"):
        raise PermissionDenied(_("Your role may not see citizens' phone numbers."))
    _event(
        complaint,
        action="reveal_phone",
        by=by,
        role=selectors.role_of(user=by) or SYSTEM,
        from_status=complaint.status,
        to_status=complaint.status,
        public=False,
    )
    return complaint.phone


@transaction.atomic
def category_save(*, category: Category) -> Category:
    """Validate and store a category edited by a supervisor."""
    category.full_clean()
    category.save()
    return category


# --- Deadlines, extensions and citizen messages (appended) -----------------------


def _tell_citizen(complaint: Complaint, *, action: str, reason: str = "") -> None:
    """Queue the citizen's SMS for a step they care about, in the same transaction."""

    reference = complaint.reference
    if action == "submit":
        template, context = "complaint_received", {"reference": reference}
    elif action == "dispatch":
        unit = complaint.squad.name if complaint.squad_id else ""
        template, context = (
            "complaint_dispatched",
            {"reference": reference, "unit": unit},
        )
    elif action == "dispose":
        template, context = "complaint_disposed", {"reference": reference}
    elif action == "verify":
        template = "complaint_closed"
        context = {"reference": reference, "days": settings.COMPLAINT_RATING_DAYS}
    elif action == "reject" and complaint.referral_to:
        template = "complaint_referred"
        context = {
            "reference": reference,
            "department": complaint.referral_to,
            "reason": reason,
        }
    elif action == "reject":
        template = "complaint_rejected"
        context = {"reference": reference, "reason": reason}
    else:
        return
    if not complaint.phone:
        return
    notify(channel="sms", recipient=complaint.phone, template=template, context=context)


def _extensions_lapse(complaint: Complaint, *, at: datetime) -> None:
    """Close a pending extension request of a case that is no longer being handled."""

    ExtensionRequest.objects.filter(
        complaint=complaint, status=ExtensionRequest.Status.PENDING
    ).update(
        status=ExtensionRequest.Status.WITHDRAWN,
        decided_at=at,
        decision_note=_("The case left handling before a decision."),
    )


@transaction.atomic
def deadline_rule_save(*, rule: DeadlineRule) -> DeadlineRule:
    """Validate and store a deadline rule edited by a supervisor."""
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def extension_request(
    *, complaint: Complaint, by: User, reason: str, working_days: Any
) -> ExtensionRequest:
    """Ask for more working days to dispose of a case (延期); one pending at a time."""
    locked = Complaint.objects.select_for_update(no_key=True, of=("self",)).get(
        pk=complaint.pk
    )
    refused = selectors.extension_refusal(user=by, complaint=locked)
    if refused is not None:
        raise refused
    reason = _require_text(
        reason,
        "reason",
        _("Give the reason for the extension: the decision rests on it."),
    )
    if len(reason) > 1000:
        raise WorkflowError(_("Keep the reason under 1000 characters."), field="reason")
    try:
        days = int(working_days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 15:
        raise WorkflowError(_("Ask for 1 to 15 working days."), field="working_days")
    now = timezone.now()
    extension = ExtensionRequest(
        complaint=locked,
        requested_by=by,
        reason=reason,
        working_days=days,
        old_due_at=locked.dispose_due_at,
        created_at=now,
    )
    extension.full_clean(validate_constraints=False)
    extension.save()
    _event(
        locked,
        action="extension_request",
        by=by,
        role=selectors.role_of(user=by) or SYSTEM,
        from_status=locked.status,
        to_status=locked.status,
        opinion=reason,
        public=False,
        payload={"working_days": days, "extension": extension.pk},
        at=now,
    )
    return extension


@transaction.atomic
def extension_decide(
    *, request: ExtensionRequest, by: User, approve: bool, note: str = ""
) -> ExtensionRequest:
    """Approve or refuse an extension request; approval moves the disposal due time."""
    locked = (
        Complaint.objects.select_for_update(no_key=True, of=("self",))
        .select_related("deadline_rule")
        .get(pk=request.complaint_id)
    )
    extension = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    refused = selectors.extension_decision_refusal(user=by, extension=extension)
    if refused is not None:
        raise refused
    note = (note or "").strip()
    if not approve and not note:
        raise WorkflowError(
            _("Say why the extension is refused: the unit needs to know."),
            field="note",
        )
    now = timezone.now()
    extension.status = (
        ExtensionRequest.Status.APPROVED
        if approve
        else ExtensionRequest.Status.REJECTED
    )
    extension.decided_by = by
    extension.decided_at = now
    extension.decision_note = note
    payload: dict[str, Any] = {
        "approved": approve,
        "working_days": extension.working_days,
        "extension": extension.pk,
    }
    opinion = note
    if approve:
        extension.old_due_at = locked.dispose_due_at
        changed = deadlines.extend(locked, working_days=extension.working_days, at=now)
        locked.extension_count += 1
        locked.save(update_fields=[*changed, "extension_count", "updated_at"])
        extension.new_due_at = locked.dispose_due_at
        if locked.dispose_due_at is not None:
            payload["dispose_due_at"] = locked.dispose_due_at.isoformat()
        if note:
            payload["note"] = note
        # The citizen reads this on the tracking page, in the site's language.
        with translation.override(settings.LANGUAGE_CODE):
            opinion = _("The handling time was extended by %(days)d working days.") % {
                "days": extension.working_days
            }
    extension.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "old_due_at",
            "new_due_at",
        ]
    )
    _event(
        locked,
        action="extension_decide",
        by=by,
        role=selectors.role_of(user=by) or SYSTEM,
        from_status=locked.status,
        to_status=locked.status,
        opinion=opinion,
        public=approve,
        payload=payload,
        at=now,
    )
    return extension
