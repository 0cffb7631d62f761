"""manage.py export_catalogue FILE.csv|FILE.xlsx — the whole catalogue, in the import format."""

from django.core.management.base import BaseCommand, CommandError

from procedures.exchange import write_csv, write_xlsx
from procedures.selectors import procedure_export_list


class Command(BaseCommand):
    help = "Export the procedure catalogue to CSV or XLSX (the format import_catalogue reads)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        procedures = procedure_export_list()
        if path.lower().endswith(".csv"):
            with open(path, "w", newline="", encoding="utf-8") as stream:
                write_csv(procedures, stream)
        elif path.lower().endswith(".xlsx"):
            with open(path, "wb") as stream:
                write_xlsx(procedures, stream)
        else:
            raise CommandError("the file name must end in .csv or .xlsx")
        self.stdout.write(self.style.SUCCESS(f"{len(procedures)} procedures written to {path}"))
