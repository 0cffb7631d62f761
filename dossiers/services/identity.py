"""National electronic identity (VNeID-style OpenID Connect) and the population registry: linking an
identity to an account, the assurance level a procedure needs, prefilling a draft from the registry.

Linking rules (issue 17 item 1; docs/identity.md):
1. An identity already linked (same issuer + subject) signs in to its account; its level and time of
   verification are refreshed.
2. Otherwise, an account whose identity was verified with the same personal ID number (a link from
   an earlier issuer or subject: the provider changed, the sandbox gave way to VNeID) is re-linked to
   the new issuer + subject: one person, one account, never a duplicate.
3. Otherwise a new account is created. An account that merely *claims* the number (typed at
   registration, never verified) is never taken over, and neither is one that shares the e-mail or
   phone the provider sends: that proves nothing about who holds the account. The new account gets
   those contacts only when no other account has them; the person can ask the desk to merge.
The ID number is unique among links (constraint), so two first sign-ins at once create one account.
"""

import hashlib
import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import lifecycle, registry
from dossiers.auth import normalize_phone
from dossiers.models import Dossier, IdentityLink, RegistryLookup, Role, User
from procedures.form_schema import registry_fields
from procedures.models import AssuranceLevel

logger = logging.getLogger(__name__)

__all__ = [
    "IdentityRefused", "AssuranceTooLow", "identity_sign_in", "account_assurance_level", "assurance_problem",
    "check_assurance", "dossier_prefill_from_registry", "password_login_allowed", "registry_lookup_at_counter",
    "counter_prefill_apply", "counter_prefill_valid", "counter_prefill_keep", "counter_prefill_kept",
    "COUNTER_LOOKUP_VALID_SECONDS",
]

_ID_NUMBER = re.compile(r"^\d{12}$")
# Applicant fields of a Dossier and the registry attribute that fills each.
APPLICANT_FROM_REGISTRY = {"applicant_name": "full_name", "applicant_id_number": "id_number",
                           "applicant_address": "address"}


class IdentityRefused(lifecycle.LifecycleError):
    """The provider's answer cannot sign anyone in (no valid ID number, an ID number that changed)."""


class AssuranceTooLow(lifecycle.LifecycleError):
    """The applicant's electronic identity is below the level the procedure needs."""


def _level(value):
    """1 or 2 from the provider's claim: 2, "2", "level2", "vneid:loa:2" (the last digit); 0 if none."""
    digits = [ch for ch in str(value or "") if ch.isdigit()]
    level = int(digits[-1]) if digits else 0
    return level if level in AssuranceLevel.values else 0


def _claim(claims, name):
    value = claims.get(name)
    if isinstance(value, dict):  # OIDC's structured address claim
        value = value.get("formatted", "")
    return str(value or "").strip()


def _free(field, value):
    return value if value and not User.objects.filter(**{field: value}).exists() else None


def _new_account(*, subject, claims, id_number, name):
    email = _free("email__iexact", _claim(claims, settings.OIDC_CLAIM_EMAIL).lower())
    phone = _free("phone", normalize_phone(_claim(claims, settings.OIDC_CLAIM_PHONE)) or None)
    if not email and not phone:
        # The account needs an e-mail or a phone (constraint): an undeliverable, unique placeholder (RFC 2606).
        email = f"vneid-{hashlib.sha256(subject.encode()).hexdigest()[:20]}@vneid.invalid"
    return User.objects.create_user(email=email or None, phone=phone, password=None, full_name=name[:200],
                                    id_number=id_number, address=_claim(claims, settings.OIDC_CLAIM_ADDRESS)[:300])


def identity_sign_in(*, issuer, subject, claims, now=None):
    """The account the identity (`issuer`, `subject`, verified `claims`) signs in to, created or linked
    by the rules of this module. Raises IdentityRefused."""
    now = now or timezone.now()
    id_number = _claim(claims, settings.OIDC_CLAIM_ID_NUMBER)
    if not _ID_NUMBER.match(id_number) or not subject:
        raise IdentityRefused(_("Nhà cung cấp định danh không trả về số định danh cá nhân hợp lệ."))
    level = _level(claims.get(settings.OIDC_CLAIM_ASSURANCE))
    name = _claim(claims, settings.OIDC_CLAIM_NAME)
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _sign_in(issuer=issuer, subject=subject, claims=claims, id_number=id_number, level=level,
                                name=name, now=now)
        except IntegrityError:
            # A simultaneous first sign-in of the same person created the link first: use it.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _sign_in(*, issuer, subject, claims, id_number, level, name, now):
    link = IdentityLink.objects.select_for_update().filter(issuer=issuer, subject=subject).first()
    if link is not None and link.id_number != id_number:
        raise IdentityRefused(_("Số định danh cá nhân của tài khoản định danh đã thay đổi; vui lòng liên hệ "
                                "bộ phận Một cửa."))
    if link is None:
        link = IdentityLink.objects.select_for_update().filter(id_number=id_number).first()
        if link is not None:  # rule 2: the same verified person through another issuer or subject
            logger.info("identity re-linked: account %s from %s to %s", link.user_id, link.issuer, issuer)
            link.issuer, link.subject = issuer, subject
    if link is None:  # rule 3
        user = _new_account(subject=subject, claims=claims, id_number=id_number, name=name)
        link = IdentityLink(user=user, issuer=issuer, subject=subject, id_number=id_number)
    link.assurance_level, link.verified_at = level, now
    link.save()
    user = link.user
    changed = []
    if user.id_number != id_number:
        user.id_number = id_number
        changed.append("id_number")
    if name and user.full_name != name[:200]:
        user.full_name = name[:200]
        changed.append("full_name")
    if changed:
        user.save(update_fields=changed)
    return user


def account_assurance_level(user):
    """The level of the account's verified electronic identity (0: none, e.g. a password-only account)."""
    link = IdentityLink.objects.filter(user_id=getattr(user, "pk", None)).first()
    return link.assurance_level if link else 0


def assurance_problem(*, procedure, user):
    """Why `user` may not submit `procedure` online for want of identity level, or "" (translated)."""
    if not settings.IDENTITY_ASSURANCE_ENFORCED:
        return ""
    needed = procedure.assurance_level_needed()
    have = account_assurance_level(user)
    if have >= needed:
        return ""
    if have == 0:
        return _("Thủ tục này yêu cầu đăng nhập bằng tài khoản định danh điện tử VNeID mức độ %(needed)d. Vui lòng "
                 "đăng xuất và chọn “Đăng nhập bằng VNeID”.") % {"needed": needed}
    return _("Thủ tục này yêu cầu tài khoản định danh điện tử mức độ %(needed)d; tài khoản VNeID của bạn đang ở "
             "mức độ %(have)d. Để nâng lên mức độ 2, mang thẻ Căn cước (gắn chip) đến Công an cấp xã nơi gần nhất "
             "để xác thực, rồi đăng nhập lại bằng VNeID.") % {"needed": needed, "have": have}


def check_assurance(*, procedure, user):
    problem = assurance_problem(procedure=procedure, user=user)
    if problem:
        raise AssuranceTooLow(problem)


def password_login_allowed(user):
    """Whether `user` may sign in with a password: per role (`PASSWORD_LOGIN_ROLES`: officer, citizen).
    Officers are staff or hold an agency role; everyone else is a citizen."""
    role = "officer" if user.is_staff or user.memberships.exists() else "citizen"
    return role in settings.PASSWORD_LOGIN_ROLES


@transaction.atomic
def dossier_prefill_from_registry(*, dossier, actor, ip_address=None):
    """Fill a new online draft from the population registry, for an applicant with a verified identity.

    The applicant's name, ID number and address and the form fields whose schema names a registry
    attribute are taken from the record (and locked: `dossier_save_form` keeps them); the RegistryProof
    values the record stands for waive the documents that declare them. The look-up is audited
    (Recorded.REGISTRY_LOOKUP: who asked, about whom, the outcome). Returns "" or, when the registry
    cannot answer, a translated message: the draft stays as it was, for manual entry.
    """
    link = IdentityLink.objects.filter(user_id=getattr(actor, "pk", None)).first()
    if link is None or dossier.applicant_id != actor.pk:
        return ""
    outcome, message = "found", ""
    try:
        person = registry.get_person(link.id_number)
    except registry.RegistryUnavailable as error:
        logger.warning("population registry unavailable: %s", error)
        person, outcome = None, "unavailable"
        message = _("Không kết nối được Cơ sở dữ liệu quốc gia về dân cư; vui lòng tự nhập thông tin và nộp "
                    "đủ giấy tờ. Bạn có thể thử lại sau.")
    if person is None and outcome == "found":
        outcome = "not_found"
        message = _("Không tìm thấy thông tin của bạn trong Cơ sở dữ liệu quốc gia về dân cư; vui lòng tự nhập "
                    "thông tin.")
    locked = Dossier.objects.select_for_update().select_related("procedure").get(pk=dossier.pk)
    prefill = {}
    if person is not None:
        applicant = {}
        for model_field, attribute in APPLICANT_FROM_REGISTRY.items():
            value = person.attribute(attribute)
            if value:
                setattr(locked, model_field, value)
                applicant[model_field] = value
        form = {}
        for name, attribute in registry_fields(locked.procedure.form_schema).items():
            value = person.attribute(attribute)
            if value:
                form[name] = value
        locked.form_data = {**locked.form_data, **form}
        prefill = {"looked_up_at": timezone.now().isoformat(), "applicant": sorted(applicant),
                   "form": sorted(form), "proves": list(person.proves)}
        locked.registry_prefill = prefill
        locked.save(update_fields=[*applicant, "form_data", "registry_prefill", "updated_at"])
        dossier.__dict__.update({k: getattr(locked, k) for k in (*applicant, "form_data", "registry_prefill")})
    lifecycle.record(dossier=locked, action=lifecycle.Recorded.REGISTRY_LOOKUP, actor=actor,
                     data={"outcome": outcome, "registry": settings.POPULATION_REGISTRY.rsplit(".", 1)[-1],
                           "fields": prefill.get("applicant", []) + prefill.get("form", [])},
                     ip_address=ip_address)
    return message


# --- counter intake: the officer looks the applicant up (issue 17 item 2 at the desk) ----------------
COUNTER_LOOKUP_VALID_SECONDS = 2 * 3600  # a look-up serves the intake it was made for, not a later one


def registry_lookup_at_counter(*, id_number, agency, procedure, actor, ip_address=None):
    """Look an applicant up in the population registry from the counter intake form.

    The desk officer of `agency` types the personal ID number the applicant gives (or reads it from the
    chip card's QR code); the record fills the applicant's name, number and address and the procedure's
    form fields that declare a registry attribute, and the papers it proves are not asked for
    (Decree 104/2022/NĐ-CP: no residence papers where the database can be consulted). Every look-up is
    recorded (`RegistryLookup`: who, for which agency, about whom, from where, the outcome).

    Returns (prefill, message): `prefill` is a JSON-ready dict for the intake's form token (None when
    nothing was found) and `message` a translated sentence for the officer when the registry did not
    answer or does not know the number: the officer then types the data and takes the papers.
    """
    from django.core.exceptions import PermissionDenied

    if Role.DESK_OFFICER not in actor.roles_in(agency):
        raise PermissionDenied(_("Chỉ cán bộ Một cửa của cơ quan được tra cứu dữ liệu dân cư."))
    id_number = (id_number or "").strip()
    if not _ID_NUMBER.match(id_number):
        raise lifecycle.LifecycleError(_("Số định danh cá nhân gồm đúng 12 chữ số."))
    outcome, message, person = RegistryLookup.Outcome.FOUND, "", None
    try:
        person = registry.get_person(id_number)
    except registry.RegistryUnavailable as error:
        logger.warning("population registry unavailable at the counter: %s", error)
        outcome = RegistryLookup.Outcome.UNAVAILABLE
        message = _("Không kết nối được Cơ sở dữ liệu quốc gia về dân cư. Hãy nhập thông tin người nộp theo "
                    "giấy tờ và nhận đủ giấy tờ; có thể tra cứu lại sau.")
    if person is None and outcome == RegistryLookup.Outcome.FOUND:
        outcome = RegistryLookup.Outcome.NOT_FOUND
        message = _("Không tìm thấy số định danh %(number)s trong Cơ sở dữ liệu quốc gia về dân cư. Hãy kiểm tra "
                    "lại số hoặc nhập thông tin theo giấy tờ.") % {"number": id_number}
    applicant, form = {}, {}
    if person is not None:
        applicant = {name: person.attribute(attr) for name, attr in APPLICANT_FROM_REGISTRY.items()
                     if person.attribute(attr)}
        form = {name: person.attribute(attr) for name, attr in registry_fields(procedure.form_schema).items()
                if person.attribute(attr)}
    lookup = RegistryLookup.objects.create(
        actor=actor, agency=agency, id_number=id_number, outcome=outcome,
        registry=settings.POPULATION_REGISTRY.rsplit(".", 1)[-1], fields=sorted(applicant) + sorted(form),
        ip_address=ip_address)
    if person is None:
        return None, message
    return {"lookup": lookup.pk, "id_number": id_number, "procedure": procedure.pk, "applicant": applicant,
            "form": form, "proves": sorted(person.proves), "looked_up_at": lookup.created_at.isoformat()}, ""


def counter_prefill_valid(prefill, *, actor, procedure, id_number, now=None):
    """Whether a counter look-up still stands for this intake: made by this officer for this procedure,
    about the ID number now on the form, recently, and not yet used for another dossier."""
    if not prefill or prefill.get("id_number") != id_number or prefill.get("procedure") != procedure.pk:
        return False
    lookup = RegistryLookup.objects.filter(pk=prefill.get("lookup"), actor=actor, id_number=id_number,
                                           outcome=RegistryLookup.Outcome.FOUND, dossier__isnull=True).first()
    now = now or timezone.now()
    return lookup is not None and (now - lookup.created_at).total_seconds() <= COUNTER_LOOKUP_VALID_SECONDS


def counter_prefill_apply(*, dossier, prefill, actor, ip_address=None):
    """Mark a dossier taken in at the counter as filled from the registry look-up `prefill` (its fields
    locked to the record's values, the papers it proves waived), link the look-up to it and audit it on
    the dossier. Call inside the intake's transaction, before submission."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    for name, value in prefill["applicant"].items():
        setattr(locked, name, value)
    locked.form_data = {**locked.form_data, **prefill["form"]}
    locked.registry_prefill = {"looked_up_at": prefill["looked_up_at"], "applicant": sorted(prefill["applicant"]),
                               "form": sorted(prefill["form"]), "proves": list(prefill["proves"]),
                               "lookup": prefill["lookup"], "at_counter": True}
    locked.save(update_fields=[*prefill["applicant"], "form_data", "registry_prefill", "updated_at"])
    if not RegistryLookup.objects.filter(pk=prefill["lookup"], dossier__isnull=True).update(dossier=locked):
        # Two intakes raced on one look-up: it serves one dossier only (the transaction rolls back).
        raise lifecycle.LifecycleError(_("Lượt tra cứu CSDL dân cư này đã dùng cho một hồ sơ khác."))
    lifecycle.record(dossier=locked, action=lifecycle.Recorded.REGISTRY_LOOKUP, actor=actor,
                     data={"outcome": "found", "registry": settings.POPULATION_REGISTRY.rsplit(".", 1)[-1],
                           "fields": locked.registry_prefill["applicant"] + locked.registry_prefill["form"],
                           "at_counter": True, "lookup": prefill["lookup"]},
                     ip_address=ip_address)
    dossier.__dict__.update({k: getattr(locked, k) for k in (*prefill["applicant"], "form_data", "registry_prefill")})
    return dossier


# The API has no session to keep a look-up in (the page keeps it in the officer's session): the
# look-up's values are kept in the cache for as long as they may serve, keyed by the look-up's id.
def _kept_key(lookup_id):
    return f"counter-registry-lookup:{int(lookup_id)}"


def counter_prefill_keep(prefill):
    """Keep a counter look-up's values for `POST /api/v1/desk/intake/` (`registry_lookup`)."""
    from django.core.cache import cache

    try:
        cache.set(_kept_key(prefill["lookup"]), prefill, COUNTER_LOOKUP_VALID_SECONDS)
    except Exception:  # noqa: BLE001 - a cache outage only means the intake asks for the papers
        logger.warning("could not keep counter look-up %s", prefill["lookup"], exc_info=True)
        return False
    return True


def counter_prefill_kept(lookup_id):
    """The values of the look-up `lookup_id` kept by counter_prefill_keep, or None (unknown, expired,
    cache down); still to be checked with counter_prefill_valid."""
    from django.core.cache import cache

    try:
        return cache.get(_kept_key(lookup_id))
    except (TypeError, ValueError):
        return None
    except Exception:  # noqa: BLE001
        logger.warning("could not read counter look-up %s", lookup_id, exc_info=True)
        return None
