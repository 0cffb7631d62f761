"""Issue 21 item 13 (part): the dashboard says when its figures were computed."""

from datetime import date

import time_machine
from django.urls import reverse

from reports import services
from tests import factories
from tests.reports.conftest import at


def test_the_dashboard_says_when_the_figures_were_computed(client, structure):
    client.force_login(factories.monitor())
    page = client.get(reverse("reports:dashboard"), {"month": "2025-03"}).content.decode()
    assert "Tháng này chưa được tính." in page
    with time_machine.travel(at("2025-04-02", 7, 45), tick=False):
        services.month_compute(month=date(2025, 3, 1))
    page = client.get(reverse("reports:dashboard"), {"month": "2025-03"}).content.decode()
    assert "Số liệu tính lúc 07:45 02/04/2025." in page
