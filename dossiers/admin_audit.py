"""Every add, change and delete made through the Django admin reaches the append-only admin trail.

How: `AuditedAdminSite` is the project's admin site (`dossiers.apps.AuditedAdminConfig` makes it the
default, so `admin.site` is this site) and mixes `AdminAuditMixin` into every ModelAdmin registered
with it — the project's own and third parties' (Celery beat schedules, axes, API tokens, groups) — so
no admin page can be added without being audited. The mixin extends the ModelAdmin hooks that write
Django's LogEntry (`log_addition`, `log_change`, `log_deletions`) and copies each entry, with the
request's client IP, through `services.admin_changes_record`.

Why not a post_save receiver on LogEntry: for a bulk "delete selected" of several objects Django
writes the LogEntry rows with bulk_create (`LogEntryManager.log_actions`), which sends no signal, so a
receiver would miss the most destructive admin action of all; and the hooks get the request itself,
so the IP comes from it rather than from ambient state.
"""

from django.contrib import admin

from portal.client_ip import client_ip


class AdminAuditMixin:
    """Records each LogEntry the ModelAdmin writes (see the module docstring)."""

    def _audit(self, request, entries):
        from dossiers import services

        services.admin_changes_record(actor=request.user, entries=entries, ip_address=client_ip(request))

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._audit(request, [entry])
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._audit(request, [entry])
        return entry

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        self._audit(request, entries)
        return entries


class AuditedAdminSite(admin.AdminSite):
    """Django's admin site, except that every ModelAdmin registered is audited (AdminAuditMixin)."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AdminAuditMixin):
            admin_class = type(admin_class.__name__, (AdminAuditMixin, admin_class), {
                "__module__": admin_class.__module__, "__doc__": admin_class.__doc__,
            })
        super().register(model_or_iterable, admin_class, **options)
