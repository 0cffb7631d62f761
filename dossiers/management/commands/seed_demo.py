"""manage.py seed_demo: the demo province (Hà Tĩnh), its agencies, catalogue and one account per role.

Idempotent: running it again updates the same rows and resets the demo passwords.
"""

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import transaction

from dossiers.models import AgencyMembership, Role, User
from procedures.models import Agency, Level
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
    ("tiepnhan.xa@motcua.local", None, "Hoàng Thị Một Cửa", [("XA_NAM_HA", Role.DESK_OFFICER),
                                                                ("XA_NAM_HA", Role.SPECIALIST)], False),
    ("lanhdao.xa@motcua.local", None, "Đặng Văn Chủ Tịch", [("XA_NAM_HA", Role.LEADER)], False),
    ("tiepnhan.huyen@motcua.local", None, "Võ Thị Phòng Tư Pháp", [("P_TUPHAP_TP", Role.DESK_OFFICER),
                                                                    ("P_TUPHAP_TP", Role.SPECIALIST)], False),
    ("lanhdao.huyen@motcua.local", None, "Ngô Văn Trưởng Phòng", [("P_TUPHAP_TP", Role.LEADER)], False),
    ("giamsat@motcua.local", None, "Bùi Thị Giám Sát", [("TT_HCC", Role.MONITOR)], False),
]


def _agency(selector):
    if selector == "XA_NAM_HA":  # Phường Nam Hà, Thành phố Hà Tĩnh
        return Agency.objects.get(kind="UBND_XA", area__code="18073", area__scheme="2024")
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
                    user.id_number, user.address = "042090000001", "Số 1 Phan Đình Phùng, Phường Nam Hà"
                    user.address_unit = _agency("XA_NAM_HA").area
                user.set_password(DEMO_PASSWORD)
                user.save()
                for selector, role in roles:
                    AgencyMembership.objects.get_or_create(user=user, agency=_agency(selector), role=role)
        self.stdout.write(self.style.SUCCESS(f"demo accounts ready (password {DEMO_PASSWORD})"))
