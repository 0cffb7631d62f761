"""manage.py seed_catalogue — load the demo fields and procedures (idempotent by procedure code)."""

from django.core.management.base import BaseCommand

from procedures.services import catalogue_seed_demo


class Command(BaseCommand):
    help = "Load the demo catalogue (procedures/demo_data/catalogue.py). Run after the agencies are loaded."

    def handle(self, *args, **options):
        counts = catalogue_seed_demo()
        self.stdout.write(self.style.SUCCESS(
            f"{counts['fields']} fields; procedures: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged"
        ))
