"""Rating outside a test-wrapped transaction, as a real request runs it (row locks need their own)."""

import pytest

from dossiers import services
from dossiers.models import Rating
from tests import factories
from tests.dossiers.citizen_helpers import desk_receive, desk_return_result, private_media, submitted_dossier  # noqa: F401


@pytest.mark.django_db(transaction=True)
def test_rating_a_returned_dossier_commits_once(private_media):  # noqa: F811
    citizen = factories.UserFactory()
    dossier, officer = desk_receive(submitted_dossier(citizen))
    dossier, _ = desk_return_result(dossier, officer)
    assert services.dossier_can_rate(dossier=dossier)
    services.dossier_rate(dossier=dossier, actor=citizen, value="satisfied", comment="Nhanh")
    assert Rating.objects.get(dossier=dossier).value == "satisfied"
    assert not services.dossier_can_rate(dossier=dossier)
    with pytest.raises(services.AlreadyRated):
        services.dossier_rate(dossier=dossier, actor=citizen, value="normal")
