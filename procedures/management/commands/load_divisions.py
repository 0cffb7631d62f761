"""manage.py load_divisions --province 42 [--scheme 2024|2025]"""

from django.core.management.base import BaseCommand

from procedures.models import Scheme
from procedures.services import divisions_load


class Command(BaseCommand):
    help = "Import a province's administrative units (GSO codes) from vietnam-provinces data. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help="GSO province code, e.g. 42 (Hà Tĩnh)")
        parser.add_argument("--scheme", default=Scheme.THREE_TIER, choices=[s.value for s in Scheme])

    def handle(self, *args, province, scheme, **options):
        counts = divisions_load(province_code=province, scheme=scheme)
        self.stdout.write(
            self.style.SUCCESS(
                f"province {province}, scheme {scheme}: {counts['created']} created, "
                f"{counts['updated']} updated, {counts['unchanged']} unchanged"
            )
        )
