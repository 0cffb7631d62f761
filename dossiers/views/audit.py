"""The provincial monitor's read-only search of the audit trail."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dossiers.audit import ACTION_CHOICES, EventSearchForm, dossier_event_search
from dossiers.models import Status


@require_GET
@login_required
def event_log(request):
    if not (request.user.is_superuser or request.user.is_monitor):
        raise Http404
    form = EventSearchForm(request.GET or None)
    events, next_before = [], None
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        events, next_before = dossier_event_search(**{k: v for k, v in filters.items() if v})
    actions, statuses = dict(ACTION_CHOICES), dict(Status.choices)
    for event in events:
        event.action_label = actions.get(event.action, event.action)
        event.from_label = statuses.get(event.from_status, event.from_status)
        event.to_label = statuses.get(event.to_status, event.to_status)
    next_query = None
    if next_before:
        query = request.GET.copy()
        query["before"] = next_before
        next_query = query.urlencode()
    return render(request, "audit/event_log.html", {
        "form": form, "events": events, "next_query": next_query,
    })
