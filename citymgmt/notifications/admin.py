"""The outbox in the admin: deliveries to watch and retry, and each user's bell."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import truncatechars
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from citymgmt.admin import FilterLookupsOnly
from citymgmt.notifications import selectors, services
from citymgmt.notifications.channels import mask_recipient
from citymgmt.notifications.messages import MESSAGES
from citymgmt.notifications.models import Notification

BELL_PAGE_SIZE = 50


class TemplateFilter(admin.SimpleListFilter):
    """The known templates, without a DISTINCT over the whole outbox."""

    title = _("template")
    parameter_name = "template"

    def lookups(self, request, model_admin):
        return [(code, code) for code in sorted(MESSAGES)]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(template=value) if value else queryset


@admin.register(Notification)
class NotificationAdmin(FilterLookupsOnly, admin.ModelAdmin):
    list_display = [
        "created_at",
        "channel",
        "masked_recipient",
        "template",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "channel", TemplateFilter]
    list_select_related = ["user"]
    list_per_page = 50
    show_full_result_count = False
    ordering = ["-id"]
    actions = ["retry_now"]
    # The raw recipient and context stay out of the page: a citizen's phone
    # is shown masked only, to everyone (the outbox has no logged reveal). So
    # the list filters only by its own filters: ?recipient__startswith=139
    # is refused like any lookup they do not make (FilterLookupsOnly).
    fields = [
        "channel",
        "masked_recipient",
        "user",
        "template",
        "subject",
        "body",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "last_error",
        "dedupe_key",
        "created_at",
        "read_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("recipient"))
    def masked_recipient(self, obj: Notification) -> str:
        if obj.channel == Notification.Channel.SITE and obj.user_id:
            return obj.user.get_username()
        return mask_recipient(obj.recipient)

    @admin.display(description=_("last error"))
    def short_error(self, obj: Notification) -> str:
        return truncatechars(obj.last_error, 80)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # "change" only enables the retry action; every row stays read-only.
        return obj is None and super().has_change_permission(request)

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = list(
            queryset.filter(
                status__in=[Notification.Status.FAILED, Notification.Status.PENDING]
            ).values_list("id", flat=True)
        )
        count = services.notification_retry(ids=ids)
        self.message_user(
            request,
            ngettext(
                "%(count)d notification queued for delivery.",
                "%(count)d notifications queued for delivery.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("mine/", wrap(self.mine_view), name="notifications_mine"),
            *super().get_urls(),
        ]

    def mine_view(self, request: HttpRequest) -> HttpResponse:
        """The user's own bell: every staff user, whatever their permissions."""
        url = reverse("admin:notifications_mine")
        if request.method == "POST":
            count = services.notification_mark_read(user=request.user)
            self.message_user(
                request,
                ngettext(
                    "%(count)d notification marked as read.",
                    "%(count)d notifications marked as read.",
                    count,
                )
                % {"count": count},
            )
            return HttpResponseRedirect(url)
        page = Paginator(
            selectors.site_notifications_for(user=request.user), BELL_PAGE_SIZE
        ).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("My notifications"),
            "page": page,
            "unread": selectors.unread_count(user=request.user),
        }
        return TemplateResponse(request, "admin/notifications/mine.html", context)
