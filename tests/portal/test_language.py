import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_vietnamese_is_the_default_even_for_an_english_browser(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.content.decode()


@pytest.mark.django_db
def test_the_language_switch_selects_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    response = client.get(reverse("home"))
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()
