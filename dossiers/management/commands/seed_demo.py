"""manage.py seed_demo: the demo province (Hà Tĩnh), its agencies, catalogue and one account per role.

Both periods are loaded (the three-tier structure until 30/6/2025, the two-tier one since 1/7/2025,
procedures/demo_data/reorganisation.py). The demo's officers are those of agencies in force today (a
commune centre, Sở Tư pháp, the provincial centre's monitor), plus the officers of a former district
division (Phòng Tư pháp TP Hà Tĩnh, until 30/6/2025) whose open dossiers were handed over on 1/7/2025
to Phường Thành Sen's centre (a person's decision, since that division's area went to several wards):
their trail shows the hand-over.

Idempotent: running it again updates the same rows and resets the demo passwords.
"""

from datetime import date, datetime, time, timedelta

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from dossiers.models import AgencyMembership, Channel, Dossier, DossierEvent, Role, Status, User
from dossiers.services.reorganize import reorganize_apply
from procedures.demo_data.reorganisation import TWO_TIER_FROM
from procedures.models import Agency, Level
from procedures.selectors import working_calendar
from procedures.services import agencies_seed_demo, divisions_load

DEMO_PASSWORD = "MotCua@2026"
PROVINCE_CODE = "42"

# (e-mail, phone, full name, [(agency code or kind selector, role)], superuser)
DEMO_ACCOUNTS = [
    ("admin@motcua.local", None, "Quản trị hệ thống", [], True),
    ("congdan@motcua.local", "0912000001", "Nguyễn Văn An", [], False),
    ("doanhnghiep@motcua.local", "0912000002", "Công ty TNHH Sông La", [], False),
    ("tiepnhan.stp@motcua.local", None, "Trần Thị Tiếp Nhận", [("SO_TUPHAP", Role.DESK_OFFICER)], False),
    ("chuyenvien.stp@motcua.local", None, "Lê Văn Chuyên Viên", [("SO_TUPHAP", Role.SPECIALIST)], False),
    ("lanhdao.stp@motcua.local", None, "Phạm Minh Lãnh Đạo", [("SO_TUPHAP", Role.LEADER)], False),
    ("tiepnhan.xa@motcua.local", None, "Hoàng Thị Một Cửa", [("TT_THANH_SEN", Role.DESK_OFFICER),
                                                                ("TT_THANH_SEN", Role.SPECIALIST)], False),
    ("lanhdao.xa@motcua.local", None, "Đặng Văn Chủ Tịch", [("TT_THANH_SEN", Role.LEADER)], False),
    ("tiepnhan.huyen@motcua.local", None, "Võ Thị Phòng Tư Pháp", [("P_TUPHAP_TP", Role.DESK_OFFICER),
                                                                    ("P_TUPHAP_TP", Role.SPECIALIST)], False),
    ("lanhdao.huyen@motcua.local", None, "Ngô Văn Trưởng Phòng", [("P_TUPHAP_TP", Role.LEADER)], False),
    ("giamsat@motcua.local", None, "Bùi Thị Giám Sát", [("TT_HCC", Role.MONITOR)], False),
]


# Open dossiers the former Phòng Tư pháp TP Hà Tĩnh had received before 1/7/2025 (procedure, received on).
HANDED_OVER_DEMO = [("1.000693", date(2025, 6, 23)), ("1.001695", date(2025, 6, 27))]


def _agency(selector):
    if selector == "XA_NAM_HA":  # Phường Nam Hà, Thành phố Hà Tĩnh (until 30/6/2025)
        return Agency.objects.get(kind="UBND_XA", area__code="18073", area__scheme="2024")
    if selector == "TT_THANH_SEN":  # the centre of Phường Thành Sen (Nam Hà, Bắc Hà, … since 1/7/2025)
        return Agency.objects.get(kind="TT_HCC_XA", area__code="18073", area__scheme="2025")
    if selector == "P_TUPHAP_TP":  # Phòng Tư pháp, Thành phố Hà Tĩnh
        return Agency.objects.get(kind="P_TUPHAP", area__code="436", area__level=Level.DISTRICT)
    return Agency.objects.get(kind=selector)


class Command(BaseCommand):
    help = "Load the demo province, its agencies, the catalogue and demo accounts (idempotent)."

    def handle(self, *args, **options):
        for scheme in ("2024", "2025"):
            counts = divisions_load(province_code=PROVINCE_CODE, scheme=scheme)
            self.stdout.write(f"units {scheme}: {counts}")
        self.stdout.write(f"agencies: {agencies_seed_demo(province_code=PROVINCE_CODE)}")
        if "seed_catalogue" in get_commands():
            call_command("seed_catalogue", stdout=self.stdout)
        with transaction.atomic():
            for email, phone, name, roles, superuser in DEMO_ACCOUNTS:
                user = User.objects.filter(email=email).first() or User(email=email)
                user.phone, user.full_name = phone, name
                user.is_staff = user.is_superuser = superuser
                if email == "congdan@motcua.local":
                    user.id_number, user.address = "042090000001", "Số 1 Phan Đình Phùng, Phường Thành Sen"
                    user.address_unit = _agency("TT_THANH_SEN").area
                user.set_password(DEMO_PASSWORD)
                user.save()
                kept = [AgencyMembership.objects.get_or_create(user=user, agency=_agency(selector), role=role)[0].pk
                        for selector, role in roles]
                # A demo account's roles are exactly the table's (the commune desk moved to a 2025 centre).
                user.memberships.exclude(pk__in=kept).delete()
        self.stdout.write(f"handed over on 1/7/2025: {self._handover_demo()}")
        self.stdout.write(f"signing certificates: {self._signing_certificates()}")
        self.stdout.write(f"VNeID sandbox: {self._identity_sandbox()}")
        self.stdout.write(self.style.SUCCESS(f"demo accounts ready (password {DEMO_PASSWORD})"))

    def _identity_sandbox(self):
        """The sandbox identity provider's client (MotCua), the demo citizen's verified identity, a
        password account that only claims a demo person's ID number (never taken over), and one procedure
        whose form and ID-card paper the population registry fills (docs/identity.md). Idempotent."""
        from django.conf import settings
        from django.urls import reverse

        from dossiers import identity, identity_sandbox
        from dossiers.models import IdentityLink
        from dossiers.sandbox_people import BY_ID_NUMBER

        if not identity.sandbox_in_use():
            return "skipped (OIDC_DISCOVERY_URL is not the sandbox)"
        identity_sandbox.sandbox_application_ensure(
            redirect_uris=[settings.SITE_URL + reverse("identity_callback")],
            post_logout_redirect_uris=[settings.SITE_URL + reverse("home")])
        an = BY_ID_NUMBER["042090000001"]
        citizen = User.objects.get(email="congdan@motcua.local")
        IdentityLink.objects.update_or_create(user=citizen, defaults={
            "issuer": settings.OIDC_SANDBOX_ISSUER, "subject": identity_sandbox.subject_of(an),
            "id_number": an.id_number, "assurance_level": an.assurance_level, "verified_at": timezone.now()})
        claimant = User.objects.filter(email="chuadinhdanh@motcua.local").first() or User(email="chuadinhdanh@motcua.local")
        claimant.full_name, claimant.id_number = "Phạm Thị Dung (chưa định danh)", "042199000004"
        claimant.set_password(DEMO_PASSWORD)
        claimant.save()
        # Cấp Giấy xác nhận tình trạng hôn nhân (1.004873) declares its registry fields and its ID-card paper
        # as proven by the registry in the demo catalogue (procedures/demo_data/catalogue_commune.py).
        return f"client {settings.OIDC_RP_CLIENT_ID}, congdan linked at level {an.assurance_level}"

    def _signing_certificates(self):
        """The sandbox CA's certificate of each agency in force (kept if already issued: idempotent)."""
        from django.utils import timezone

        from dossiers import signing
        from procedures.models import Agency

        backend = signing.signer()
        if not isinstance(backend, signing.SandboxSigner):
            return "skipped (SIGNER_BACKEND is not the sandbox)"
        agencies = list(Agency.objects.in_force_on(timezone.localdate()))
        issued = [backend.issue(agency) for agency in agencies if not backend.keystore_path(agency).exists()]
        return f"{len(issued)} issued, {len(agencies) - len(issued)} kept"

    def _handover_demo(self):
        """The former district division's open dossiers, received in June 2025 (demo rows, written as
        the intake would have), then handed over by `reorganize_apply` with a person's decision."""
        from procedures.models import Procedure

        former, centre = _agency("P_TUPHAP_TP"), _agency("TT_THANH_SEN")
        citizen = User.objects.get(email="congdan@motcua.local")
        procedures = {p.code: p for p in Procedure.objects.filter(code__in=[c for c, _d in HANDED_OVER_DEMO],
                                                                    agencies=former)}
        if len(procedures) != len({c for c, _d in HANDED_OVER_DEMO}):
            return "skipped (catalogue not loaded)"
        calendar = working_calendar()
        codes = []
        for number, (code, day) in enumerate(HANDED_OVER_DEMO, start=1):
            dossier_code = f"{former.code}-{day:%y%m%d}-{9000 + number}"
            codes.append(dossier_code)
            procedure = procedures[code]
            if Dossier.objects.filter(code=dossier_code).exists():
                continue
            received = timezone.make_aware(datetime.combine(day, time(9, 30)))
            with transaction.atomic():
                dossier = Dossier.objects.create(
                    code=dossier_code, procedure=procedure, receiving_agency=former,
                    handling_agency=former, applicant=citizen, applicant_name=citizen.full_name,
                    applicant_phone=citizen.phone or "", applicant_id_number=citizen.id_number,
                    applicant_address=citizen.address, channel=Channel.ONLINE, status=Status.RECEIVED,
                    submitted_at=received - timedelta(hours=1), received_at=received, clock_started_at=received,
                    processing_days=procedure.processing_days,
                    due_date=calendar.due_date(received, procedure.processing_days).due_date,
                    procedure_version=procedure.versions.order_by("-number").first(),
                )
                for action, status, at in (("submit", Status.SUBMITTED, received - timedelta(hours=1)),
                                           ("receive", Status.RECEIVED, received)):
                    DossierEvent.objects.create(dossier=dossier, action=action, to_status=status, agency=former,
                                                created_at=at)
        pending = Dossier.objects.filter(code__in=codes, handling_agency=former)
        plan = reorganize_apply(day=TWO_TIER_FROM, assignments={d.code: centre.code for d in pending})
        return f"{len(plan.moved)} dossiers of {former.name} to {centre.name}"
