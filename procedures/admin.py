from django.contrib import admin

from procedures.models import (
    AdministrativeUnit,
    Agency,
    CalendarException,
    FeeLine,
    Field,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "scheme", "parent", "valid_from", "valid_until"]
    list_filter = ["scheme", "level"]
    search_fields = ["code", "name", "codename"]
    raw_id_fields = ["parent"]
    filter_horizontal = ["successors"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "area", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    search_fields = ["code", "name", "short_name"]
    raw_id_fields = ["area", "parent"]
    readonly_fields = ["district"]
    filter_horizontal = ["successors"]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name"]


class FeeLineInline(admin.TabularInline):
    model = FeeLine
    extra = 0


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "field", "online_mode", "processing_days", "is_active", "current_version"]
    list_filter = ["level", "online_mode", "is_active", "field"]
    search_fields = ["code", "name", "search_text"]
    inlines = [FeeLineInline, RequiredDocumentInline]
    filter_horizontal = ["agencies"]
    readonly_fields = ["current_version"]


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ["procedure", "number", "effective_from", "created_at"]
    readonly_fields = ["procedure", "number", "snapshot", "created_at"]
    search_fields = ["procedure__code", "procedure__name"]


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
