"""manage.py national_sync status | dead-letters | replay (--all | EVENT_ID ...) | relay | reconcile
                        | sync DOSSIER_CODE | fault KIND [--times N] [--seconds S]

The national portal sync's operations (dossiers/national_sync.py, docs/national-sync.md): what waits,
the dead-letter list and its replay (audited on each dossier), a relay run, a reconciliation now, one
dossier's sync in this process, and the sandbox receiver's scripted faults (fail, timeout, duplicate, hold).
"""

import uuid

from django.core.management.base import BaseCommand, CommandError

from dossiers import national_sync, services
from dossiers.models import Dossier, NationalSyncEvent, SandboxPortalFault


class Command(BaseCommand):
    help = "Đồng bộ trạng thái hồ sơ lên Cổng DVCQG: tình trạng, danh sách lỗi, gửi lại, đối soát."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="operation", required=True)
        sub.add_parser("status", help="events waiting, dead-lettered, acknowledged")
        sub.add_parser("dead-letters", help="list the dead-lettered events")
        replay = sub.add_parser("replay", help="put dead-lettered events back in line")
        replay.add_argument("event_ids", nargs="*", help="CloudEvents ids (uuid) to replay")
        replay.add_argument("--all", action="store_true", help="replay every dead-lettered event")
        sub.add_parser("relay", help="publish the sync of dossiers whose task was lost")
        sub.add_parser("reconcile", help="compare counts per agency and status with the receiver now")
        sync = sub.add_parser("sync", help="send one dossier's pending events in this process")
        sync.add_argument("code")
        fault = sub.add_parser("fault", help="script the sandbox receiver's next answers")
        fault.add_argument("kind", choices=SandboxPortalFault.Kind.values)
        fault.add_argument("--times", type=int, default=1)
        fault.add_argument("--seconds", type=float, default=0.0)

    def handle(self, *args, operation, **options):
        getattr(self, "_" + operation.replace("-", "_"))(**options)

    def _status(self, **options):
        events = NationalSyncEvent.objects
        self.stdout.write(f"pending: {events.filter(acked_at__isnull=True, dead_at__isnull=True).count()}")
        self.stdout.write(f"dead-lettered: {events.filter(acked_at__isnull=True, dead_at__isnull=False).count()}")
        self.stdout.write(f"acknowledged: {events.filter(acked_at__isnull=False).count()}")
        if not national_sync.configured():
            self.stdout.write("NATIONAL_PORTAL_URL is empty: nothing is sent.")

    def _dead_letters(self, **options):
        for event in national_sync.dead_letters():
            self.stdout.write(f"{event.event_id} {event.dossier.code} #{event.sequence} status {event.national_status}"
                              f" attempts {event.attempts} behind {event.waiting_behind}: {event.last_error[:120]}")

    def _replay(self, event_ids, all, **options):
        dead = national_sync.dead_letters()
        if not all:
            if not event_ids:
                raise CommandError("give event ids or --all")
            try:
                dead = dead.filter(event_id__in=[uuid.UUID(value) for value in event_ids])
            except ValueError as error:
                raise CommandError(f"not an event id: {error}") from error
        self.stdout.write(f"replayed: {services.national_event_replay(events=list(dead))}")

    def _relay(self, **options):
        self.stdout.write(f"dossiers handed over: {national_sync.relay()}")

    def _reconcile(self, **options):
        row = national_sync.reconcile()
        self.stdout.write(f"{'equal' if row.equal else 'NOT equal'}: local {row.local_total}, "
                          f"acknowledged {row.remote_total}, pending {row.pending}, dead {row.dead}")
        for cell in row.differences:
            self.stdout.write(f"  {cell['agency']} status {cell['status']}: local {cell['local']}, "
                              f"remote {cell['remote']}")
        if row.error:
            self.stdout.write(f"  error: {row.error}")

    def _sync(self, code, **options):
        dossier = Dossier.objects.filter(code=code).first()
        if dossier is None:
            raise CommandError(f"no dossier {code!r}")
        self.stdout.write(str(national_sync.sync_dossier(dossier_id=dossier.pk)))

    def _fault(self, kind, times, seconds, **options):
        SandboxPortalFault.objects.create(kind=kind, remaining=times, seconds=seconds)
        self.stdout.write(f"the sandbox receiver will {kind} the next {times} request(s)")
