"""Demo dossiers and statistics for `make demo`, once the commands that make them exist.

Skipped when the database already holds generated dossiers, so `make demo` stays quick on reruns.
"""

import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.core.management import call_command, get_commands  # noqa: E402

from dossiers.models import Dossier  # noqa: E402

commands = get_commands()
months = os.environ.get("DEMO_MONTHS", "24")
per_month = os.environ.get("DEMO_PER_MONTH", "1000")
# Generated dossiers have no applicant account; seed_demo's own (the dossiers handed over on 1/7/2025)
# belong to the demo citizen, so they must not make this step think the dossiers are there already.
if "generate_dossiers" in commands and not Dossier.objects.exclude(status="draft").filter(applicant__isnull=True).exists():
    call_command("generate_dossiers", "--months", months, "--per-month", per_month)
# The hand-over of 1 July 2025: open dossiers of ceased agencies go to their successors (idempotent;
# ambiguous ones are listed, left for a person to decide).
if "reorganize" in commands:
    call_command("reorganize", "--on", "2025-07-01")
# A month of queue tickets at a few district and commune centres (issue 19); skips days that have tickets.
if "generate_tickets" in commands:
    call_command("generate_tickets", "--days", "30")
# Appointments at those counters: the past month's served or missed, the next two weeks' booked (issue 19).
if "generate_appointments" in commands:
    call_command("generate_appointments", "--past-days", "30", "--ahead-days", "10")
if "compute_statistics" in commands:
    call_command("compute_statistics", "--months", months)

# The public page (/cong-khai/) shows published months only: the demo publishes every computed month before
# this one, as the provincial centre would each month (issue 21 item 16). A month already published stays.
from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402

from reports import services as reports_services  # noqa: E402
from reports.models import MonthlyAgencyStat, PublishedMonth  # noqa: E402

monitor = get_user_model().objects.filter(email="giamsat@motcua.local").first()
this_month = timezone.localdate().replace(day=1)
computed = MonthlyAgencyStat.objects.filter(month__lt=this_month).values_list("month", flat=True).distinct()
for month in sorted(set(computed) - set(PublishedMonth.objects.values_list("month", flat=True))):
    reports_services.month_publish(month=month, actor=monitor)
