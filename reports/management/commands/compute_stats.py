"""Compute the monthly statistics for a range of months, in this process (no worker needed).

    manage.py compute_stats --start 2024-01 --end 2025-12      (defaults: the last 24 months)
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from reports import services


class Command(BaseCommand):
    help = "Tính số liệu thống kê hàng tháng cho một khoảng tháng."

    def add_arguments(self, parser):
        parser.add_argument("--start", help="YYYY-MM")
        parser.add_argument("--end", help="YYYY-MM")

    def handle(self, *args, **options):
        end = services.month_start(options["end"]) if options["end"] else timezone.localdate().replace(day=1)
        start = options["start"]
        if not start:
            start = end
            for _i in range(23):
                start = (start - timedelta(days=1)).replace(day=1)
        for first in services.months_between(start, end):
            rows = services.month_compute(month=first)
            self.stdout.write(f"{first:%m/%Y}: {rows} cơ quan")
