"""The provincial centre's page of the national portal sync: the dead-letter list with replay, the last
reconciliation, this month's sync rate per agency (issue 18 item 3). Monitors and superusers only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dossiers import national_sync, services
from dossiers.models import NationalSyncEvent, NationalSyncReconciliation


@login_required
@require_http_methods(["GET", "POST"])
def sync_monitor(request):
    if not (request.user.is_superuser or request.user.is_monitor):
        raise Http404
    if request.method == "POST":
        dead = national_sync.dead_letters()
        if request.POST.get("all") != "1":
            ids = [value for value in request.POST.getlist("event") if value.isdigit()]
            dead = dead.filter(pk__in=ids)
        replayed = services.national_event_replay(events=list(dead), actor=request.user)
        if replayed:
            messages.success(request, _("Đã gửi lại %(n)d sự kiện.") % {"n": replayed})
        else:
            messages.warning(request, _("Không có sự kiện nào được chọn để gửi lại."))
        return redirect("national_sync_monitor")
    today = timezone.localdate()
    return render(request, "national_sync/monitor.html", {
        "dead": national_sync.dead_letters()[:200],
        "pending": NationalSyncEvent.objects.filter(acked_at__isnull=True, dead_at__isnull=True).count(),
        "reconciliation": NationalSyncReconciliation.objects.first(),
        "rates": national_sync.sync_rate(month=today),
        "month": today,
        "configured": national_sync.configured(),
    })
