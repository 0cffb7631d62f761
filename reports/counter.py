"""The counter's figures in the monthly statistics (issue 19 item 4): the table and the tickets behind it.

The counts are columns of the monthly rows (`models.COUNTER_COUNT_FIELDS`, computed by the compute SQL's
`tickets` and `receptions` blocks in `reports.services`); their rates are `selectors.COUNTER_RATES` and
`selectors.with_rates` derives the mean wait and the annualised productivity. Here: which number opens
which tickets (`TICKET_METRICS`, the same definitions as the SQL) and the dashboard's counter table.
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import Extract
from django.utils.translation import gettext_lazy as _

from dossiers.counter import Ticket
from dossiers.counter_selectors import PRODUCTIVITY_TARGETS, WITHIN_SECONDS, Percentile
from reports.months import month_bounds, month_start, next_month

_WITHIN = Q(called_at__isnull=False) & Q(called_at__lte=F("issued_at") + timedelta(seconds=WITHIN_SECONDS))

# Drill-down of a counter figure: metric -> (label, filter on the month's tickets). Same rules as the SQL.
TICKET_METRICS = {
    "tickets_issued": (_("Phiếu số thứ tự đã cấp"), Q()),
    "tickets_called": (_("Phiếu đã được gọi"), Q(called_at__isnull=False)),
    "tickets_done": (_("Phiếu đã phục vụ xong"), Q(status=Ticket.State.DONE)),
    "tickets_within_target": (_("Phiếu được gọi trong 15 phút"), _WITHIN),
    "tickets_over_target": (_("Phiếu chờ quá 15 phút"), Q(called_at__isnull=False) & ~_WITHIN),
    "tickets_no_show": (_("Phiếu vắng mặt khi gọi"), Q(status=Ticket.State.NO_SHOW)),
}
# The rate a list is part of: (numerator, denominator, those that missed).
TICKET_RATES = {
    "wait_within_target_rate": ("tickets_within_target", "tickets_called", "tickets_over_target"),
    "no_show_rate": ("tickets_no_show", "tickets_called", None),
}


def metric_tickets(*, month, metric, agency_ids=None, as_of=None):
    """The tickets behind one counter figure of a month: those of the month's days at `agency_ids` (None:
    all). `as_of` (when the month was computed) leaves out tickets issued after it, as the figure did."""
    first = month_start(month)
    tickets = Ticket.objects.filter(day__gte=first, day__lt=next_month(first)).filter(TICKET_METRICS[metric][1])
    if agency_ids is not None:
        tickets = tickets.filter(agency_id__in=agency_ids)
    if as_of is not None and as_of < month_bounds(first)[1]:
        tickets = tickets.filter(issued_at__lt=as_of)
    wait = ExpressionWrapper(F("called_at") - F("issued_at"), output_field=DurationField())
    return tickets.annotate(wait_seconds=Extract(wait, "epoch"))


def ticket_summary(tickets):
    """Mean and 90th-percentile wait (minutes) of the called tickets of a list: the percentile is not a
    sum, so it is never in the monthly rows and is read from the tickets themselves."""
    figures = tickets.filter(called_at__isnull=False).aggregate(
        called=Count("id"), mean=Avg("wait_seconds"), p90=Percentile("wait_seconds", 0.9))
    return {"called": figures["called"], "mean_wait_minutes": _minutes(figures["mean"]),
            "p90_wait_minutes": _minutes(figures["p90"])}


def _minutes(seconds):
    """Seconds as minutes to one decimal, half up (as the monthly table rounds)."""
    if seconds is None:
        return None
    return float((Decimal(str(seconds)) / 60).quantize(Decimal("0.1"), ROUND_HALF_UP))


def counter_rows(rows):
    """The agency rows that have counter figures (tickets or receipts by desk officers), each with its
    productivity target (per desk officer per year, by level) and whether it meets it."""
    result = []
    for row in rows:
        if not (row.get("tickets_issued") or row.get("received_by_officers")):
            continue
        target = PRODUCTIVITY_TARGETS.get(row.get("level"))
        value = row.get("productivity_per_year")
        result.append({**row, "productivity_target": target,
                       "productivity_meets": None if target is None or value is None else value >= target})
    return result


def measures_query(month):
    """The query of the counter's measures page (/mot-cua/quay/so-lieu/) for the month: waits per counter and
    day, and receipts per named desk officer — the detail behind the monthly productivity figure."""
    first = month_start(month)
    last = next_month(first) - timedelta(days=1)
    return urlencode({"start": f"{first:%d/%m/%Y}", "end": f"{last:%d/%m/%Y}"})
