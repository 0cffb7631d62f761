"""The national population database (Cơ sở dữ liệu quốc gia về dân cư) as MotCua consults it: one
call, `get_person(id_number)`, returning the person's registered data, behind `POPULATION_REGISTRY`.

Provinces reach the database through the national data-sharing platform (NDXP / the Ministry of Public
Security's connection), whose interface is given to connected agencies and is not public; `HttpRegistry`
is a plain JSON client to configure against that gateway (docs/identity.md), `SandboxRegistry` answers
from the demo people (dossiers/sandbox_people.py). Every look-up is audited by the caller
(`dossiers.services.identity.dossier_prefill_from_registry`).
"""

import datetime
import re
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.utils.module_loading import import_string

from dossiers.sandbox_people import BY_ID_NUMBER
from procedures.models import RegistryProof

_ID_NUMBER = re.compile(r"^\d{12}$")


class RegistryUnavailable(Exception):
    """The registry did not answer usably (down, timeout, refused, malformed answer, sandbox refused)."""


@dataclass(frozen=True)
class PersonRecord:
    """A person as the registry holds them. `proves`: the RegistryProof values these data stand for."""

    id_number: str
    full_name: str
    birth_date: datetime.date | None
    gender: str = ""
    address: str = ""
    hometown: str = ""
    nationality: str = "Việt Nam"
    proves: tuple = field(default=())

    def attribute(self, name):
        """A registry attribute (procedures.form_schema.REGISTRY_ATTRIBUTES) as form data (dates ISO)."""
        value = getattr(self, name, "")
        return value.isoformat() if isinstance(value, datetime.date) else (value or "")


def _proves(record_fields):
    proves = []
    if record_fields.get("full_name") and record_fields.get("birth_date"):
        proves.append(RegistryProof.IDENTITY.value)
    if record_fields.get("address"):
        proves.append(RegistryProof.RESIDENCE.value)
    return tuple(proves)


class PopulationRegistry:
    """Interface: `get_person(id_number) -> PersonRecord | None` (None: no such person); raises
    RegistryUnavailable when no answer can be had."""

    def get_person(self, id_number):
        raise NotImplementedError


class SandboxRegistry(PopulationRegistry):
    """The demo people. Refused with DEBUG off unless ALLOW_SANDBOX (dossiers.E006)."""

    def get_person(self, id_number):
        if not (settings.DEBUG or settings.ALLOW_SANDBOX):
            raise RegistryUnavailable("The sandbox population registry is refused with DEBUG off unless ALLOW_SANDBOX=1.")
        person = BY_ID_NUMBER.get(id_number)
        if person is None:
            return None
        data = {"full_name": person.full_name, "birth_date": person.birth_date, "address": person.address}
        return PersonRecord(id_number=person.id_number, full_name=person.full_name, birth_date=person.birth_date,
                            gender=person.gender, address=person.address, hometown=person.hometown,
                            proves=_proves(data))


class HttpRegistry(PopulationRegistry):
    """JSON over HTTPS: GET {POPULATION_REGISTRY_URL}/{id_number} with a bearer token; 200 with the
    fields of PersonRecord (birth_date ISO), 404 for no such person. Anything else is unavailable."""

    def get_person(self, id_number):
        base = settings.POPULATION_REGISTRY_URL.rstrip("/")
        if not base:
            raise RegistryUnavailable("POPULATION_REGISTRY_URL is not set.")
        headers = {"Accept": "application/json"}
        if settings.POPULATION_REGISTRY_TOKEN:
            headers["Authorization"] = f"Bearer {settings.POPULATION_REGISTRY_TOKEN}"
        try:
            response = requests.get(f"{base}/{id_number}", headers=headers,
                                    timeout=settings.POPULATION_REGISTRY_TIMEOUT)
        except requests.RequestException as error:
            raise RegistryUnavailable(str(error)) from error
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise RegistryUnavailable(f"HTTP {response.status_code}")
        try:
            data = response.json()
            birth = data.get("birth_date")
            record_fields = {
                "full_name": str(data["full_name"])[:200], "birth_date": datetime.date.fromisoformat(birth) if birth else None,
                "gender": str(data.get("gender") or "")[:10], "address": str(data.get("address") or "")[:300],
                "hometown": str(data.get("hometown") or "")[:300],
                "nationality": str(data.get("nationality") or "Việt Nam")[:100],
            }
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise RegistryUnavailable(f"malformed answer: {error}") from error
        if data.get("id_number") != id_number:
            raise RegistryUnavailable("the answer is about another person")
        return PersonRecord(id_number=id_number, proves=_proves(record_fields), **record_fields)


def registry():
    return import_string(settings.POPULATION_REGISTRY)()


def get_person(id_number):
    """The configured registry's record of `id_number` (12 digits), None if unknown; RegistryUnavailable."""
    if not _ID_NUMBER.match(id_number or ""):
        return None
    return registry().get_person(id_number)
