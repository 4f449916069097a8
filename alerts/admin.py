"""Alerts in the admin: only superusers see addresses, and only those they search for, to
answer a person who asks what is kept about them (or to delete it). HR editors see the
numbers on the desk's first page (alerts/selectors.py)."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Subscription
from .searches import search_in_words


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "followed", "language", "frequency", "confirmed_at", "paused_at"]
    search_fields = ["=email"]
    search_help_text = _(
        "The whole e-mail address: alerts are listed only for the address searched."
    )
    fields = readonly_fields = (
        "email", "followed", "language", "frequency", "requested_at", "confirmed_at",
        "last_alert_at", "next_alert_at", "failures", "paused_at",
    )  # fmt: skip
    show_full_result_count = False

    @admin.display(description=_("search"))
    def followed(self, subscription: Subscription) -> str:
        return search_in_words(subscription.search)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset.none(), False  # no address, no list of addresses
        return super().get_search_results(request, queryset, search_term.strip().lower())

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
