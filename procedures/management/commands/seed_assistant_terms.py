"""manage.py seed_assistant_terms — add the virtual assistant's initial synonyms and question phrases."""

from django.core.management.base import BaseCommand

from procedures.services import assistant_terms_seed


class Command(BaseCommand):
    help = "Add the missing initial words of the virtual assistant (procedures/assistant_terms.py); edits are kept."

    def handle(self, *args, **options):
        self.stdout.write(self.style.SUCCESS(f"{assistant_terms_seed()} words added"))
