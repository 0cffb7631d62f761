import io
from collections import Counter

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procedures import assistant
from procedures.exchange import CatalogueFileError, read_catalogue, write_csv, write_xlsx
from procedures.form_schema import validate_schema
from procedures.models import (
    AdministrativeUnit,
    Agency,
    AssistantTerm,
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


class ProcedureAdminForm(forms.ModelForm):
    """The procedure plus when the edit takes effect: saving publishes a new version."""

    version_effective_from = forms.DateField(
        label=gettext_lazy("Phiên bản mới có hiệu lực từ"), initial=timezone.localdate,
        help_text=gettext_lazy("Hồ sơ nộp trước ngày này vẫn theo phiên bản cũ."),
    )
    version_note = forms.CharField(label=gettext_lazy("Ghi chú thay đổi"), required=False, max_length=500)

    class Meta:
        model = Procedure
        fields = ["code", "name", "name_en", "field", "level", "agencies", "online_mode", "processing_days",
                  "online_processing_days", "steps", "description", "result_type", "legal_basis", "form_schema",
                  "online_only", "online_only_weekdays", "boundary_free", "tags", "is_active"]

    def clean_form_schema(self):
        schema = self.cleaned_data.get("form_schema")
        errors = validate_schema(schema)
        if errors:
            raise ValidationError(errors)
        return schema


class CatalogueImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp danh mục (.csv hoặc .xlsx)"))
    note = forms.CharField(label=gettext_lazy("Ghi chú thay đổi"), required=False, max_length=500)


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    form = ProcedureAdminForm
    list_display = ["code", "name", "level", "field", "online_mode", "processing_days", "is_active", "current_version"]
    list_filter = ["level", "online_mode", "boundary_free", "is_active", "field"]
    search_fields = ["code", "name", "search_text"]
    inlines = [FeeLineInline, RequiredDocumentInline]
    filter_horizontal = ["agencies"]
    readonly_fields = ["current_version"]
    actions = ["export_csv", "export_xlsx"]
    change_list_template = "admin/procedures/procedure/change_list.html"

    def save_related(self, request, form, formsets, change):
        """After the inlines are saved, freeze the new content as a version (procedure_publish)."""
        from procedures.services import procedure_publish

        super().save_related(request, form, formsets, change)
        content_changed = form.has_changed() and set(form.changed_data) - {"agencies", "version_note",
                                                                           "version_effective_from"}
        if not change or content_changed or any(f.has_changed() for f in formsets):
            version = procedure_publish(procedure=form.instance,
                                        effective_from=form.cleaned_data["version_effective_from"],
                                        note=form.cleaned_data["version_note"])
            self.message_user(request, _("Đã ban hành phiên bản %(number)s, hiệu lực từ %(day)s.")
                              % {"number": version.number, "day": f"{version.effective_from:%d/%m/%Y}"})

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view), name="procedures_procedure_import"),
                *super().get_urls()]

    def import_view(self, request):
        """Upload a CSV/XLSX catalogue: all or nothing, each bad line listed with its reason."""
        from procedures.services import CatalogueImportError, catalogue_import_outcomes

        if not self.has_change_permission(request) or not self.has_add_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = CatalogueImportForm(request.POST or None, request.FILES or None)
        line_errors = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = read_catalogue(upload.name, upload.read())
                outcomes = catalogue_import_outcomes(rows=rows, note=form.cleaned_data["note"])
            except CatalogueFileError as error:
                form.add_error("file", str(error))
            except CatalogueImportError as error:
                line_errors = error.errors
            else:
                self._log_import(request, outcomes, upload.name)
                counts = Counter(outcomes.values())
                self.message_user(request, _("Đã nhập: %(created)s mới, %(updated)s cập nhật, %(unchanged)s không đổi.")
                                  % counts, messages.SUCCESS)
                return redirect("admin:procedures_procedure_changelist")
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "line_errors": line_errors, "title": _("Nhập danh mục thủ tục")}
        return TemplateResponse(request, "admin/procedures/procedure/import.html", context,
                                status=400 if line_errors or form.errors else 200)

    def _log_import(self, request, outcomes, filename):
        """Each procedure the import created or changed gets its admin history entry, as if edited by hand
        (and through them the admin audit trail)."""
        written = {code: outcome for code, outcome in outcomes.items() if outcome != "unchanged"}
        message = _("Nhập danh mục từ tệp %(file)s.") % {"file": filename}
        for procedure in Procedure.objects.filter(code__in=written):
            if written[procedure.code] == "created":
                self.log_addition(request, procedure, message)
            else:
                self.log_change(request, procedure, message)

    def _export(self, queryset, kind):
        procedures = queryset.select_related("field").prefetch_related("fees", "documents", "agencies")
        stamp = timezone.localdate().strftime("%Y%m%d")
        if kind == "csv":
            buffer = io.StringIO()
            write_csv(procedures, buffer)
            response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
        else:
            buffer = io.BytesIO()
            write_xlsx(procedures, buffer)
            response = HttpResponse(
                buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
        response["Content-Disposition"] = f'attachment; filename="danh-muc-thu-tuc-{stamp}.{kind}"'
        return response

    @admin.action(description=gettext_lazy("Xuất các thủ tục đã chọn ra CSV"))
    def export_csv(self, request, queryset):
        return self._export(queryset, "csv")

    @admin.action(description=gettext_lazy("Xuất các thủ tục đã chọn ra XLSX"))
    def export_xlsx(self, request, queryset):
        return self._export(queryset, "xlsx")


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ["procedure", "number", "effective_from", "created_at"]
    readonly_fields = ["procedure", "number", "snapshot", "created_at"]
    search_fields = ["procedure__code", "procedure__name"]


@admin.register(AssistantTerm)
class AssistantTermAdmin(admin.ModelAdmin):
    """The virtual assistant's words (docs/assistant.md): saved rows take effect at once (the cached lists are
    dropped on commit); the admin's audit trail records every change like any other admin edit."""

    list_display = ["phrase", "meaning", "kind", "is_active", "note"]
    list_display_links = ["phrase"]
    list_editable = ["is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["phrase", "meaning", "phrase_key", "note"]
    fields = ["kind", "phrase", "meaning", "is_active", "note"]

    def _forget_cached_lists(self):
        transaction.on_commit(assistant.clear_cache)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._forget_cached_lists()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._forget_cached_lists()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._forget_cached_lists()


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
