"""manage.py reorganize --on 2025-07-01 [--dry-run] [--assign CODE=AGENCY_CODE ...]

Hands every open dossier of the agencies ceasing on or before the day to their successor and gives
their officers the same role there (rules: dossiers/services/reorganize.py). Dossiers whose successor
is ambiguous are listed for a person to decide, then handed over with --assign. Idempotent.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from dossiers.services.reorganize import ReorganizeError, reorganize_apply, reorganize_plan


def _day(value):
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--on: not a date (YYYY-MM-DD): {value!r}") from error


def _assignment(value):
    code, sep, agency = value.partition("=")
    if not sep or not code.strip() or not agency.strip():
        raise CommandError(f"--assign: expected DOSSIER_CODE=AGENCY_CODE, got {value!r}")
    return code.strip(), agency.strip()


class Command(BaseCommand):
    help = "Chuyển giao hồ sơ đang giải quyết của cơ quan thôi hoạt động sang cơ quan kế thừa (sắp xếp tổ chức)."

    def add_arguments(self, parser):
        parser.add_argument("--on", required=True, help="the day the new structure applies, YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="print what would be done, change nothing")
        parser.add_argument("--assign", action="append", default=[], metavar="CODE=AGENCY_CODE",
                            help="a person's decision for an ambiguous dossier (repeatable)")

    def handle(self, *args, **options):
        day = _day(options["on"])
        assignments = dict(_assignment(value) for value in options["assign"])
        try:
            plan = (reorganize_plan if options["dry_run"] else reorganize_apply)(day=day, assignments=assignments)
        except ReorganizeError as error:
            raise CommandError(str(error.message)) from error
        verb = "would hand over" if options["dry_run"] else "handed over"
        for dossier, former, target, decided in plan.moves:
            self.stdout.write(f"{verb} {dossier.code or dossier.public_id}: {former.code} {former.name} -> "
                              f"{target.code} {target.name}{' (assigned)' if decided else ''}")
        for membership, target in plan.memberships:
            self.stdout.write(f"{'would give' if options['dry_run'] else 'gave'} {membership.user} the role "
                              f"{membership.role} at {target.code} {target.name} (from {membership.agency.code})")
        for dossier, former, candidates in plan.ambiguous:
            names = "; ".join(f"{a.code} {a.name}" for a in candidates) or "no successor in force"
            self.stdout.write(f"AMBIGUOUS {dossier.code or dossier.public_id} at {former.code} {former.name}: "
                              f"decide with --assign {dossier.code}=AGENCY_CODE among: {names}")
        for membership, targets in plan.ambiguous_memberships:
            self.stdout.write(f"AMBIGUOUS membership {membership.user} {membership.role} at {membership.agency.code} "
                              f"{membership.agency.name}: {len(targets)} successors, left as it is")
        moved = len(plan.moves) if options["dry_run"] else len(plan.moved)
        skipped = "" if options["dry_run"] else f", {len(plan.skipped)} changed meanwhile and left"
        self.stdout.write(self.style.SUCCESS(
            f"{day.isoformat()}: {len(plan.ceased)} agencies ceased; {moved} dossiers {verb}{skipped}; "
            f"{len(plan.ambiguous)} ambiguous; {len(plan.memberships)} memberships to follow, "
            f"{len(plan.ambiguous_memberships)} ambiguous" + (" (dry run: nothing changed)" if options["dry_run"] else "")
        ))
