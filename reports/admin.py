from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from reports import plan
from reports.models import (
    MonthlyAgencyStat,
    MonthlyReport,
    OnlineRateTarget,
    OpenDataPackage,
    PlanTarget,
    PublishedMonth,
)


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


class PlanTargetAdminForm(forms.ModelForm):
    indicator = forms.ChoiceField(label=_("chỉ tiêu"), choices=[(i.code, i.name) for i in plan.INDICATORS])

    class Meta:
        model = PlanTarget
        fields = ["indicator", "year", "level", "value"]

    def clean(self):
        data = super().clean()
        if data.get("indicator") in plan.BY_CODE and data.get("value") is not None:
            problem = plan.target_value_valid(plan.BY_CODE[data["indicator"]], data["value"])
            if problem:
                self.add_error("value", problem)
        return data


@admin.register(PlanTarget)
class PlanTargetAdmin(admin.ModelAdmin):
    """Plan targets (reports.plan); the centre also edits them at /thong-ke/ke-hoach/chi-tieu/."""

    form = PlanTargetAdminForm

    list_display = ["year", "indicator", "level", "value", "updated_by", "updated_at"]
    list_filter = ["year", "indicator", "level"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(OpenDataPackage)
class OpenDataPackageAdmin(admin.ModelAdmin):
    """Read-only: packages are built by reports.services.open_data_package_ensure and never changed."""

    list_display = ["month", "version", "definitions_version", "computed_at", "created_at"]
    list_filter = ["month"]
    exclude = ["files"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
