"""The whole journey in a real browser: citizen, one-stop desk, leader, provincial monitor."""

import pytest

from dossiers.models import Dossier, Status
from tests import factories
from tests.e2e import journey
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("private_media")]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_whole_journey_from_registration_to_rating(new_page, viewport, tmp_path, transactional_db):
    """Citizen in the browser; the one-stop desk and the leader act through the desk services."""
    from tests.dossiers.citizen_helpers import desk_receive, desk_request_supplement, desk_return_result

    agency = factories.AgencyFactory(name="UBND phường Trần Phú")
    journey.birth_registration(agency)
    pdf = tmp_path / "to-khai-khai-sinh.pdf"
    pdf.write_bytes(journey.pdf_bytes())
    page = new_page(viewport)
    journey.register(page, name="Trần Thị Bình", email="binh@example.vn", phone="0912345678")
    code = journey.find_and_submit(page, pdf_path=pdf)
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.SUBMITTED and dossier.applicant.email == "binh@example.vn"
    journey.pay_in_sandbox(page, code=code)

    dossier.refresh_from_db()
    assert dossier.fee_paid_at is not None
    dossier, officer = desk_receive(dossier)
    desk_request_supplement(dossier, officer, comment="Bổ sung bản sao giấy chứng sinh")
    journey.supplement(page, code=code, asked="Bổ sung bản sao giấy chứng sinh", pdf_path=pdf)
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED

    dossier, result = desk_return_result(dossier, officer)
    content = journey.download_result_and_rate(page, code=code, result_name=result.original_name)
    assert content.startswith(b"%PDF")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.rating.value == "satisfied"
    assert page.js_errors == []
