"""The provincial monitor's read-only searches of the audit trails: dossier events and admin changes."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dossiers.audit import (
    ACTION_CHOICES,
    AdminChangeSearchForm,
    EventSearchForm,
    admin_change_search,
    dossier_event_search,
)
from dossiers.models import Status


def _require_monitor(request):
    """The monitor (and superusers) only; anyone else is told nothing exists here."""
    if not (request.user.is_superuser or request.user.is_monitor):
        raise Http404


def _search(request, form, search):
    """Run `search` with the valid filters; returns (rows, query string of the next page or None)."""
    rows, next_before = [], None
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        rows, next_before = search(**{k: v for k, v in filters.items() if v})
    next_query = None
    if next_before:
        query = request.GET.copy()
        query["before"] = next_before
        next_query = query.urlencode()
    return rows, next_query


def _status(form):
    """400 when a filter is not valid (a day out of range, issue 20 item 9): the errors are on the page."""
    return 400 if form.is_bound and not form.is_valid() else 200


@require_GET
@login_required
def event_log(request):
    _require_monitor(request)
    form = EventSearchForm(request.GET or None)
    events, next_query = _search(request, form, dossier_event_search)
    actions, statuses = dict(ACTION_CHOICES), dict(Status.choices)
    for event in events:
        event.action_label = actions.get(event.action, event.action)
        event.from_label = statuses.get(event.from_status, event.from_status)
        event.to_label = statuses.get(event.to_status, event.to_status)
    return render(request, "audit/event_log.html", {
        "form": form, "events": events, "next_query": next_query, "tab": "events",
    }, status=_status(form))


@require_GET
@login_required
def admin_log(request):
    _require_monitor(request)
    form = AdminChangeSearchForm(request.GET or None)
    changes, next_query = _search(request, form, admin_change_search)
    return render(request, "audit/admin_log.html", {
        "form": form, "changes": changes, "next_query": next_query, "tab": "admin",
    }, status=_status(form))
