"""factory_boy factories with traits, shared by every test package."""

import factory
from factory.django import DjangoModelFactory

from dossiers.models import AgencyMembership, Channel, Dossier, Role, User
from procedures.models import (
    AdministrativeUnit,
    Agency,
    FeeLine,
    Field,
    Level,
    Procedure,
    RequiredDocument,
    Scheme,
)

PASSWORD = "Mat-khau-an-toan-2026"


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("scheme", "level", "code")

    scheme = Scheme.THREE_TIER
    level = Level.COMMUNE
    code = factory.Sequence(lambda n: str(90000 + n))
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    division_type = "xã"


def province_tree():
    """A tiny province: one province, one district, two communes."""
    province = UnitFactory(level=Level.PROVINCE, code="99", name="Tỉnh Thử Nghiệm", division_type="tỉnh")
    district = UnitFactory(level=Level.DISTRICT, code="999", name="Huyện Thử Nghiệm", division_type="huyện",
                           parent=province)
    communes = [UnitFactory(level=Level.COMMUNE, parent=district) for _ in range(2)]
    return {"province": province, "district": district, "communes": communes}


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"000.{n:02d}.99.H99")
    name = factory.Sequence(lambda n: f"Sở Thử Nghiệm {n}")
    kind = "SO_TEST"
    level = Level.PROVINCE
    area = factory.LazyFunction(
        lambda: UnitFactory(level=Level.PROVINCE, code="99", name="Tỉnh Thử Nghiệm", division_type="tỉnh")
    )

    class Params:
        commune = factory.Trait(level=Level.COMMUNE, kind="UBND_XA",
                                name=factory.Sequence(lambda n: f"UBND xã Thử Nghiệm {n}"),
                                area=factory.SubFactory(UnitFactory, level=Level.COMMUNE))


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"nguoidan{n}@example.vn")
    phone = factory.Sequence(lambda n: f"09{n:08d}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {chr(65 + n % 26)}{n}")
    id_number = factory.Sequence(lambda n: f"{42000000000 + n:012d}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def officer(agency, role, user=None):
    user = user or UserFactory(full_name=f"Cán bộ {role}")
    AgencyMembership.objects.create(user=user, agency=agency, role=role)
    return user


def monitor():
    center = AgencyFactory(name="Trung tâm Phục vụ hành chính công tỉnh", kind="TT_PVHCC")
    return officer(center, Role.MONITOR)


class FieldFactory(DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"F{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class ProcedureFactory(DjangoModelFactory):
    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm số {n}")
    field = factory.SubFactory(FieldFactory)
    level = Level.PROVINCE
    online_mode = "full"
    processing_days = 10
    online_processing_days = 7
    form_schema = factory.LazyFunction(lambda: [
        {"name": "full_name", "label": "Họ và tên", "type": "text", "required": True},
        {"name": "birth_date", "label": "Ngày sinh", "type": "date", "required": False},
    ])

    @factory.post_generation
    def agencies(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.agencies.set(extracted)

    @factory.post_generation
    def with_documents(obj, create, extracted, **kwargs):
        if create:
            RequiredDocument.objects.create(procedure=obj, name="Tờ khai", required=True, kinds=["pdf", "jpg", "png"])
            RequiredDocument.objects.create(procedure=obj, name="Giấy tờ khác", required=False, kinds=["pdf"])

    @factory.post_generation
    def with_fees(obj, create, extracted, **kwargs):
        if create and extracted:
            FeeLine.objects.create(procedure=obj, name="Lệ phí", amount=extracted)


class DossierFactory(DjangoModelFactory):
    """A draft by default; use the services to move it (tests must go through the lifecycle)."""

    class Meta:
        model = Dossier

    procedure = factory.SubFactory(ProcedureFactory)
    receiving_agency = factory.LazyAttribute(lambda o: o.procedure.agencies.first() or AgencyFactory())
    handling_agency = factory.LazyAttribute(lambda o: o.receiving_agency)
    applicant = factory.SubFactory(UserFactory)
    applicant_name = factory.LazyAttribute(lambda o: o.applicant.full_name if o.applicant else "Người nộp")
    applicant_phone = factory.LazyAttribute(lambda o: o.applicant.phone if o.applicant else "")
    applicant_email = factory.LazyAttribute(lambda o: o.applicant.email if o.applicant else "")
    channel = Channel.ONLINE
