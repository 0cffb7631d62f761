from django.contrib import admin

from reports.models import MonthlyAgencyStat, MonthlyReport, OnlineRateTarget, PublishedMonth


@admin.register(MonthlyAgencyStat)
class MonthlyAgencyStatAdmin(admin.ModelAdmin):
    """Read-only: rows are written only by reports.services.month_compute."""

    list_display = ["month", "agency", "level", "scheme", "received", "received_online", "completed", "completed_on_time"]
    list_filter = ["month", "level", "scheme"]
    search_fields = ["agency__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OnlineRateTarget)
class OnlineRateTargetAdmin(admin.ModelAdmin):
    list_display = ["year", "level", "scheme", "agency", "rate", "updated_by", "updated_at"]
    list_filter = ["year", "level", "scheme"]
    raw_id_fields = ["agency"]


admin.site.register(PublishedMonth)


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ["month", "created_at", "created_by", "ready"]
    exclude = ["html"]
