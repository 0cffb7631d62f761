"""manage.py import_catalogue FILE.csv|FILE.xlsx — all or nothing, bad lines listed with reasons."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procedures.exchange import CatalogueFileError, read_catalogue
from procedures.services import CatalogueImportError, catalogue_import


class Command(BaseCommand):
    help = "Import the procedure catalogue from CSV or XLSX. Nothing is imported if any line is wrong."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--note", default="", help="change note recorded on the new versions")

    def handle(self, *args, path, note, **options):
        file = Path(path)
        try:
            rows = read_catalogue(file.name, file.read_bytes())
            counts = catalogue_import(rows=rows, note=note)
        except OSError as error:
            raise CommandError(str(error)) from error
        except CatalogueFileError as error:
            raise CommandError(str(error)) from error
        except CatalogueImportError as error:
            for line, reason in error.errors:
                self.stderr.write(f"line {line}: {reason}")
            raise CommandError(f"{len(error.errors)} error(s); nothing imported") from error
        self.stdout.write(self.style.SUCCESS(
            f"{counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged"
        ))
