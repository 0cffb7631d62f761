"""Compute the monthly statistics for a range of months, in this process (no worker needed).

    manage.py compute_statistics --months 24                 (the last 24 months, this one included)
    manage.py compute_statistics --start 2024-01 --end 2025-12
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports import services


class Command(BaseCommand):
    help = "Tính số liệu thống kê hàng tháng cho một khoảng tháng."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=24, help="số tháng gần nhất (khi không có --start)")
        parser.add_argument("--start", help="YYYY-MM")
        parser.add_argument("--end", help="YYYY-MM")

    def handle(self, *args, **options):
        try:
            end = services.month_start(options["end"]) if options["end"] else timezone.localdate().replace(day=1)
            start = services.month_start(options["start"]) if options["start"] else None
        except ValueError as error:
            raise CommandError("Tháng phải có dạng YYYY-MM.") from error
        if start is None:
            start = end
            for _i in range(max(int(options["months"]), 1) - 1):
                start = (start - timedelta(days=1)).replace(day=1)
        for first in services.months_between(start, end):
            rows = services.month_compute(month=first)
            self.stdout.write(f"{first:%m/%Y}: {rows} cơ quan")
