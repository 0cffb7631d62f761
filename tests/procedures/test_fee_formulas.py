"""Fees by their formulas (issue 21 item 2): per page and per copy with tiers and caps, waivers online,
computed from the application form and shown with the calculation on review, the desk and the receipt."""

import pytest
from django.urls import reverse

from dossiers import services
from dossiers.models import Channel
from procedures.catalogue import fee_errors, fee_row
from procedures.fees import fee_breakdown, fee_item
from procedures.models import FeeLine
from tests import factories
from tests.dossiers.desk_helpers import _fast_passwords  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db

COPY_FORM = [{"name": "pages", "label": "Số trang", "type": "number", "required": True},
             {"name": "copies", "label": "Số bản sao", "type": "number", "required": True}]


def copy_certification(procedure):
    """Chứng thực bản sao: 2.000 đ/trang for pages 1–2, 1.000 đ from page 3, at most 200.000 đ per copy."""
    return FeeLine.objects.create(
        procedure=procedure, name="Phí chứng thực bản sao", amount=2000, basis=FeeLine.Basis.UNIT, unit_label="trang",
        quantity_field="pages", copies_field="copies", tiered_units=2, amount_after=1000, cap_per_copy=200000)


@pytest.mark.parametrize("pages, copies, expected", [
    (3, 2, 10_000),        # the case: (2 × 2.000 + 1 × 1.000) × 2
    (1, 1, 2_000),
    (2, 3, 12_000),
    (150, 1, 152_000),     # 4.000 + 148 × 1.000
    (300, 2, 400_000),     # capped at 200.000 per copy
])
def test_copy_certification_by_pages_and_copies(pages, copies, expected):
    line = copy_certification(factories.ProcedureFactory(form_schema=COPY_FORM))
    item = fee_item(line, {"pages": str(pages), "copies": copies})
    assert item.amount == expected
    assert item.calculation.endswith(f"= {expected:,} đ".replace(",", "."))


def test_flat_fee_waiver_online_and_missing_quantities():
    procedure = factories.ProcedureFactory(form_schema=COPY_FORM)
    FeeLine.objects.create(procedure=procedure, name="Lệ phí", amount=50_000, waived_online=True)
    copy_certification(procedure)
    items, total = fee_breakdown(procedure, {"pages": "3", "copies": "2"}, online=True)
    assert [i.amount for i in items] == [0, 10_000] and items[0].waived and total == 10_000
    assert fee_breakdown(procedure, {"pages": "3", "copies": "2"})[1] == 60_000
    # Nothing typed yet (the procedure page, a draft): one page, one copy.
    assert fee_breakdown(procedure, {})[1] == 52_000


def test_submission_charges_the_formula_and_pages_show_the_calculation(client, citizen, agency, desk_officer):
    procedure = factories.ProcedureFactory(form_schema=COPY_FORM, agencies=[agency])
    copy_certification(procedure)
    dossier = factories.DossierFactory(procedure=procedure, applicant=citizen, receiving_agency=agency,
                                       handling_agency=agency, form_data={"pages": 3, "copies": 2})
    client.force_login(citizen)
    review = client.get(reverse("dossier_review", args=[dossier.public_id])).content.decode()
    assert "10.000" in review and "2 trang × 2.000 đ + 1 trang × 1.000 đ" in review and "× 2 bản" in review
    dossier = services.dossier_submit(dossier=dossier, actor=citizen)
    assert dossier.fee_amount == 10_000 and dossier.channel == Channel.ONLINE
    dossier = services.dossier_receive(dossier=dossier, actor=desk_officer)
    client.force_login(desk_officer)
    page = client.get(reverse("desk:dossier", args=[dossier.code])).content.decode()
    assert "2 trang × 2.000 đ + 1 trang × 1.000 đ" in page


def test_catalogue_refuses_a_formula_the_form_cannot_feed():
    fee = fee_row({"name": "Phí", "amount": 2000, "basis": "unit", "quantity_field": "so_trang"})
    assert fee_errors(1, fee, {"pages"}) == ["Khoản phí thứ 1: tờ khai không có trường “so_trang”."]
    assert fee_errors(1, {**fee, "quantity_field": "pages", "basis": "page"}, {"pages"}) == [
        "Khoản phí thứ 1: cách tính phải là “dossier” hoặc “unit”."]
    assert fee_errors(1, {**fee, "quantity_field": "pages", "extra": 1}, {"pages"}) == [
        "Khoản phí thứ 1: không có mục extra."]
