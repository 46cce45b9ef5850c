"""The campaign page's import tools: the tally template and upload → preview → confirm.

Both are `CampaignTool`s (see `campaigns.tools`): the campaign's admin page
mounts them at `<campaign_id>/template/` and `<campaign_id>/import/` inside
the admin site (staff sign-in, CSRF). Each looks its campaign up through
`campaigns_visible_to` (another unit's campaign: 404) and is for the roles
that record tallies (403 otherwise).

The import page: a POST with a file reads it, keeps it (`store`) and shows
the preview of every row (a dry run of `tallies_record_many`); a POST with
the kept file's token and the preview's fingerprint reads the same file
again and records it in one transaction, unless anything changed since the
preview: then the preview is shown again as it stands now.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns import tools
from campaigns.imports import files, store
from campaigns.imports.columns import sheet_columns
from campaigns.imports.plan import Preview, parse, preview
from campaigns.models import Campaign, CampaignStatus, RoadSegment
from campaigns.selectors import (
    campaign_metrics,
    campaign_units,
    campaigns_visible_to,
)
from campaigns.services import (
    RECORDS_TALLIES,
    TallyOutcome,
    campaign_tally_refusal,
)
from citymgmt.errors import Conflict, DomainError
from squads.models import Squad
from squads.roles import User, role_of

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Error messages listed above the table; each row shows its own below.
LISTED_ERRORS = 50


def may_record(user: Any, campaign: Any = None) -> bool:
    return role_of(user=user) in RECORDS_TALLIES


def may_import(user: Any, campaign: Any) -> bool:
    return may_record(user) and campaign.status == CampaignStatus.RUNNING


def _campaign_or_404(request: HttpRequest, campaign_id: int) -> Campaign:
    campaign = campaigns_visible_to(user=request.user).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404(gettext("No such campaign, or your unit does not take part."))
    if not may_record(request.user):
        raise PermissionDenied(gettext("Your role may not record tallies."))
    return campaign


def _units(user: User, campaign: Campaign) -> list[Squad]:
    """The campaign's units the user may record for."""
    return campaign_units(campaign=campaign, user=user)


def template_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The campaign's tally template (.xlsx), a sheet per unit of the user's."""
    # openpyxl takes a tenth of a second to import: not in every process.
    from campaigns.imports.template import workbook

    campaign = _campaign_or_404(request, campaign_id)
    units = _units(request.user, campaign)
    segments: dict[int, list[RoadSegment]] = {}
    campaign_segments = campaign.road_segments.filter(
        squad_id__in=[u.pk for u in units]
    ).order_by("name")
    for segment in campaign_segments:
        segments.setdefault(segment.squad_id, []).append(segment)
    has_segments = campaign.road_segments.exists()
    columns = sheet_columns(
        metrics=campaign_metrics(campaign=campaign), has_segments=has_segments
    )
    data = workbook(campaign=campaign, columns=columns, units=units, segments=segments)
    response = HttpResponse(data, content_type=XLSX_TYPE)
    filename = gettext("%(campaign)s tally template.xlsx") % {"campaign": campaign.name}
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    return response


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tally file"),
        help_text=_(
            "The campaign's template filled in (.xlsx), or a CSV file in UTF-8 "
            "with the same columns."
        ),
        error_messages={
            "required": _("Choose the file to import."),
            "empty": _("The file is empty."),
        },
    )


def import_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign_or_404(request, campaign_id)
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, campaign)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            return _upload(request, campaign, form)
        return _page(request, campaign, form=form)
    return _page(request, campaign, form=UploadForm())


def _closed_error(form: forms.Form, campaign: Campaign) -> bool:
    refusal = campaign_tally_refusal(campaign=campaign)
    if refusal is not None:
        form.add_error(None, refusal.message)
        return True
    return False


def _upload(request: HttpRequest, campaign: Campaign, form: UploadForm) -> HttpResponse:
    if _closed_error(form, campaign):
        return _page(request, campaign, form=form)
    upload = form.cleaned_data["file"]
    if upload.size > _max_bytes():
        form.add_error("file", _too_big())
        return _page(request, campaign, form=form)
    try:
        kept = store.keep(
            user_id=_user_id(request),
            campaign_id=campaign.pk,
            name=upload.name or "",
            chunks=upload.chunks(),
        )
    except store.TooBig:
        form.add_error("file", _too_big())
        return _page(request, campaign, form=form)
    try:
        shown, _refusal = _read_and_plan(request, campaign, kept, dry_run=True)
    except DomainError as refused:
        store.discard(user_id=_user_id(request), token=kept.token)
        form.add_error("file" if refused.field == "file" else None, refused.message)
        return _page(request, campaign, form=form)
    if not shown.confirmable:
        store.discard(user_id=_user_id(request), token=kept.token)
    return _page(request, campaign, form=UploadForm(), shown=shown, kept=kept)


def _confirm(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    form = UploadForm()
    kept = store.find(
        user_id=_user_id(request),
        campaign_id=campaign.pk,
        token=request.POST.get("token", ""),
    )
    if kept is None:
        gone = gettext(
            "The uploaded file is no longer kept (it expires after an hour, "
            "or it was imported already); upload it again."
        )
        return _page(request, campaign, form=form, problem=gone)
    try:
        shown, refusal = _read_and_plan(
            request,
            campaign,
            kept,
            dry_run=False,
            expected=request.POST.get("fingerprint", ""),
        )
    except DomainError as refused:
        # The campaign closed since the preview, or the file cannot be read.
        store.discard(user_id=_user_id(request), token=kept.token)
        return _page(request, campaign, form=form, problem=refused.message)
    if refusal is not None:
        if not shown.confirmable:
            store.discard(user_id=_user_id(request), token=kept.token)
        return _page(
            request,
            campaign,
            form=form,
            shown=shown,
            kept=kept,
            notice=refusal.message,
            changed=isinstance(refusal, Conflict),
        )
    store.discard(user_id=_user_id(request), token=kept.token)
    counts = shown.counts
    messages.success(
        request,
        gettext(
            "%(file)s is imported: %(new)s new, %(update)s updated, "
            "%(unchanged)s unchanged."
        )
        % {
            "file": kept.name,
            "new": counts[TallyOutcome.NEW],
            "update": counts[TallyOutcome.UPDATE],
            "unchanged": counts[TallyOutcome.UNCHANGED],
        },
    )
    return HttpResponseRedirect(request.path)


def _read_and_plan(
    request: HttpRequest,
    campaign: Campaign,
    kept: store.Kept,
    *,
    dry_run: bool,
    expected: str | None = None,
) -> tuple[Preview, DomainError | None]:
    sheets = files.read(kept.path, name=kept.name)
    parsed = parse(user=request.user, campaign=campaign, sheets=sheets)
    return preview(
        user=request.user,
        campaign=campaign,
        parsed=parsed,
        dry_run=dry_run,
        expected=expected,
    )


def _user_id(request: HttpRequest) -> int:
    # admin_view lets only staff who signed in reach the tools.
    pk = request.user.pk
    if pk is None:
        raise PermissionDenied
    return int(pk)


def _max_bytes() -> int:
    return int(settings.TALLY_IMPORT_MAX_BYTES)


def _too_big() -> str:
    return gettext(
        "The file is larger than %(size)s MB; split it into smaller files."
    ) % {"size": _max_bytes() // (1024 * 1024)}


def _url(name: str, campaign: Campaign) -> str:
    try:
        return reverse(f"admin:campaigns_campaign_{name}", args=[campaign.pk])
    except NoReverseMatch:
        return ""


def _page(
    request: HttpRequest,
    campaign: Campaign,
    *,
    form: forms.Form,
    shown: Preview | None = None,
    kept: store.Kept | None = None,
    notice: str = "",
    changed: bool = False,
    problem: str = "",
) -> TemplateResponse:
    """The import page; `problem` is a refusal of a confirmation (the upload
    form below it is a fresh one)."""
    errors: list[str] = []
    if shown is not None:
        errors = shown.error_messages()
    context = {
        **admin.site.each_context(request),
        "title": gettext("Import tallies"),
        "campaign": campaign,
        "opts": Campaign._meta,
        "form": form,
        "preview": shown,
        "kept": kept if shown is not None and shown.confirmable else None,
        "file_name": kept.name if kept else "",
        "notice": notice,
        "problem": problem,
        "changed": changed,
        "listed_errors": errors[:LISTED_ERRORS],
        "more_errors": max(len(errors) - LISTED_ERRORS, 0),
        "table": _table(shown) if shown is not None and shown.rows else "",
        "counts": _counts(shown) if shown is not None else [],
        "template_url": _url("template", campaign),
        "campaign_url": _url("change", campaign),
        "import_url": request.path,
    }
    return TemplateResponse(request, "admin/campaigns/tally_import.html", context)


def _counts(shown: Preview) -> list[tuple[str, str, int]]:
    return [
        (value, str(label), shown.counts.get(value, 0))
        for value, label in TallyOutcome.choices
    ]


def _table(shown: Preview) -> SafeString:
    """The preview's rows as table rows: escaped HTML built here, since the
    template engine takes seconds over 10,000 rows of 20 cells."""
    labels = {value: escape(str(label)) for value, label in TallyOutcome.choices}
    parts: list[str] = []
    add = parts.append
    for row in shown.rows:
        add(f'<tr class="cd-{row.outcome}">')
        if shown.several_sheets:
            add(f"<td>{escape(row.sheet)}</td>")
        add(f'<td class="cd-number">{row.number}</td>')
        for index, text in enumerate(row.cells):
            old = row.before.get(index)
            if old is None:
                add(f"<td>{escape(text)}</td>")
            else:
                add(f'<td class="cd-changed"><del>{escape(old)}</del> ')
                add(f"{escape(text)}</td>")
        add(f'<td class="cd-outcome">{labels[row.outcome]}</td><td>')
        add("<br>".join(escape(message) for message in row.messages))
        add("</td></tr>")
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above


TEMPLATE_TOOL = tools.register(
    tools.CampaignTool(
        name="template",
        route="template/",
        view=template_view,
        label=_("Download the tally template"),
        shown=may_record,
        position=20,
    )
)
IMPORT_TOOL = tools.register(
    tools.CampaignTool(
        name="import",
        route="import/",
        view=import_view,
        label=_("Import tallies from Excel"),
        shown=may_import,
        position=30,
    )
)
