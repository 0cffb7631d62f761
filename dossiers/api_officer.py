"""Officer API beside the desk actions: counter / postal / assisted intake, "who am I", the specialists
of an agency (issue 17 item 4). Agencies, procedures and officers are named by their codes (ids still
accepted); the citizen ID card's QR string (`id_card_qr`) may stand in for the applicant's fields, and a
population-registry look-up (`POST desk/registry-lookups/`, then `registry_lookup` on the intake) fills
them as the page's "Tra cứu và điền từ CSDL dân cư" does.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dossiers import cccd_qr, lifecycle, selectors, services
from dossiers.api_desk import DeskDossierSerializer, ErrorSerializer, _invalid
from dossiers.forms_desk import ApplicantForm, IntakeDetailsForm, IntakeStartForm, json_ready
from dossiers.models import Dossier
from portal.api_auth import token_scopes
from portal.client_ip import client_ip
from procedures.form_schema import build_form_class
from procedures.models import Agency

TRUE = {"1", "true", "on", "yes"}


class IntakeInput(serializers.Serializer):
    """For the schema; the input is validated by the page's forms (dossiers.forms_desk)."""

    procedure = serializers.CharField(help_text="mã thủ tục (hoặc id)")
    agency = serializers.CharField(help_text="mã định danh cơ quan tiếp nhận (hoặc id)")
    # A plain string in the schema: an enum here would collide with the dossier's `channel` enum.
    channel = serializers.CharField(help_text="counter | postal | assisted (nộp trực tuyến thay công dân)")
    id_card_qr = serializers.CharField(required=False, help_text="chuỗi mã QR của thẻ căn cước (điền người nộp)")
    applicant_name = serializers.CharField(required=False)
    applicant_id_number = serializers.CharField(required=False)
    applicant_phone = serializers.CharField(required=False)
    applicant_email = serializers.CharField(required=False)
    applicant_address = serializers.CharField(required=False)
    proxy_name = serializers.CharField(required=False, help_text="người nộp thay (Mẫu 01)")
    proxy_id_number = serializers.CharField(required=False)
    proxy_authorisation = serializers.CharField(required=False, help_text="văn bản ủy quyền: số, ngày")
    sets = serializers.IntegerField(required=False, min_value=1, help_text="số bộ hồ sơ (mặc định 1)")
    result_delivery = serializers.CharField(required=False, help_text="desk | postal | online (nơi nhận kết quả)")
    result_address = serializers.CharField(required=False, help_text="địa chỉ nhận qua bưu chính")
    deciding_agency = serializers.CharField(
        required=False, help_text="id cơ quan giải quyết — thủ tục không phụ thuộc địa giới hành chính")
    form_data = serializers.DictField(required=False, help_text="trường của tờ khai, theo `form_schema`")
    paper_documents = serializers.ListField(child=serializers.IntegerField(), required=False,
                                            help_text="id giấy tờ yêu cầu chỉ có bản giấy; tệp quét: `doc_<id>`")
    registry_lookup = serializers.IntegerField(
        required=False, help_text="id lượt tra cứu CSDL dân cư (`desk/registry-lookups/`) của chính cán bộ, cho "
        "thủ tục và số định danh này, trong 2 giờ, dùng cho một hồ sơ: các trường của CSDL thay giá trị gửi lên, "
        "giấy tờ CSDL chứng minh không phải nộp")


def _lookup_refused():
    from django.utils.translation import gettext as _

    return _("Lượt tra cứu CSDL dân cư không dùng được cho hồ sơ này (của cán bộ khác, thủ tục hoặc số định danh "
             "khác, quá 2 giờ hoặc đã dùng cho hồ sơ khác). Hãy tra cứu lại.")


class IntakeView(APIView):
    permission_classes = [IsAuthenticated]
    api_audiences = ("desk",)
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(operation_id="desk_intake", summary="Tiếp nhận hồ sơ tại quầy / bưu chính / nộp thay",
                   request=IntakeInput,
                   responses={201: DeskDossierSerializer, 400: ErrorSerializer, 404: ErrorSerializer})
    def post(self, request):
        agencies, procedures = selectors.desk_intake_choices(officer=request.user)
        if not agencies:
            raise Http404
        start = IntakeStartForm(request.data, procedures=procedures, agencies=agencies)
        if not start.is_valid():
            return Response({"detail": str(_invalid()), "errors": start.errors}, status=status.HTTP_400_BAD_REQUEST)
        procedure, agency, channel = (start.cleaned_data[k] for k in ("procedure", "agency", "channel"))
        applicant = {key: request.data.get(key, "") for key in ApplicantForm.base_fields}
        if request.data.get("id_card_qr"):
            try:
                card = cccd_qr.parse(str(request.data["id_card_qr"]))
            except cccd_qr.InvalidCardCode as exc:
                return Response({"detail": str(exc.message), "errors": {"id_card_qr": [str(exc.message)]}},
                                status=status.HTTP_400_BAD_REQUEST)
            applicant.update(card.applicant_fields())
        prefill, waived = None, frozenset()
        if request.data.get("registry_lookup") not in (None, ""):
            prefill = services.counter_prefill_kept(request.data["registry_lookup"])
            id_number = str(applicant.get("applicant_id_number") or "").strip() or (prefill or {}).get("id_number")
            if not services.counter_prefill_valid(prefill, actor=request.user, procedure=procedure, id_number=id_number):
                return Response({"detail": str(_lookup_refused()), "errors": {"registry_lookup": [str(_lookup_refused())]}},
                                status=status.HTTP_400_BAD_REQUEST)
            applicant.update(prefill["applicant"])
            waived = frozenset(r.pk for r in procedure.documents.all()
                               if r.registry_proof and r.registry_proof in prefill["proves"])
        applicant_form = ApplicantForm(applicant)
        form_data = request.data.get("form_data") or {}
        if prefill and isinstance(form_data, dict):
            form_data = {**form_data, **prefill["form"]}
        procedure_form = build_form_class(procedure.form_schema or [])(
            {f"f-{k}": v for k, v in form_data.items()} if isinstance(form_data, dict) else {}, prefix="f")
        paper = {str(pk) for pk in (request.data.get("paper_documents") or [])}
        documents, errors = [], {}
        for required in procedure.documents.all():
            upload = request.FILES.get(f"doc_{required.pk}")
            if upload is not None:
                documents.append((required, required.name, upload))
            elif str(required.pk) in paper or str(request.data.get(f"paper_{required.pk}", "")).lower() in TRUE:
                documents.append((required, required.name, None))
            elif required.required and required.pk not in waived:
                errors[f"doc_{required.pk}"] = [str(required.name)]
        if not applicant_form.is_valid():
            errors.update(applicant_form.errors)
        if not procedure_form.is_valid():
            errors.update({f"form_data.{k.removeprefix('f-')}": v for k, v in procedure_form.errors.items()})
        details_form = IntakeDetailsForm({k: request.data[k] for k in IntakeDetailsForm.base_fields if k in request.data},
                                         procedure=procedure, agency=agency)
        if not details_form.is_valid():
            errors.update(details_form.errors)
        if errors:
            return Response({"detail": str(_invalid()), "errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        assisted = channel == "assisted"
        try:
            dossier = services.dossier_intake_at_counter(
                procedure=procedure, agency=agency, actor=request.user, channel="online" if assisted else channel,
                assisted=assisted, form_data=json_ready(procedure_form.cleaned_data), documents=documents,
                registry_prefill=prefill, ip_address=client_ip(request),
                **applicant_form.cleaned_data, **details_form.cleaned_data)
        except lifecycle.LifecycleError as exc:
            return Response({"detail": str(exc.message)}, status=status.HTTP_400_BAD_REQUEST)
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        dossier = Dossier.objects.select_related("procedure", "handling_agency", "assignee").get(pk=dossier.pk)
        return Response(DeskDossierSerializer(dossier).data, status=status.HTTP_201_CREATED)


class RegistryLookupInput(serializers.Serializer):
    id_number = serializers.CharField(help_text="số định danh cá nhân (12 chữ số) người nộp đưa")
    procedure = serializers.CharField(help_text="mã thủ tục (hoặc id)")
    agency = serializers.CharField(help_text="mã định danh cơ quan tiếp nhận (hoặc id)")


class RegistryLookupView(APIView):
    """The desk officer looks an applicant up in the national population registry before intake
    (services.registry_lookup_at_counter: audited as a RegistryLookup, whatever the outcome). The
    answer's `lookup` goes in `registry_lookup` of `POST desk/intake/`."""

    permission_classes = [IsAuthenticated]
    api_audiences = ("desk",)
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="desk_registry_lookup", request=RegistryLookupInput,
        summary="Tra cứu CSDL quốc gia về dân cư tại quầy / Population registry look-up at the counter",
        description="201: the registry's values (`applicant`: applicant fields; `form`: form fields of the "
                    "procedure that declare a registry attribute), the papers they prove (`waived_documents`, "
                    "not asked for at intake) and `lookup`, valid for this officer, procedure and ID number "
                    "until `valid_until`, for one dossier. 404: the registry does not know the number. "
                    "503: the registry did not answer (take the data and papers by hand, or retry later).",
        responses={201: inline_serializer("DeskRegistryLookup", {
            "lookup": serializers.IntegerField(), "id_number": serializers.CharField(),
            "applicant": serializers.DictField(child=serializers.CharField()), "form": serializers.DictField(),
            "proves": serializers.ListField(child=serializers.CharField()),
            "waived_documents": inline_serializer("DeskWaivedDocument", {
                "id": serializers.IntegerField(), "name": serializers.CharField()}, many=True),
            "looked_up_at": serializers.DateTimeField(), "valid_until": serializers.DateTimeField()}),
            400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 503: ErrorSerializer},
    )
    def post(self, request):
        agencies, procedures = selectors.desk_intake_choices(officer=request.user)
        if not agencies:
            raise Http404
        start = IntakeStartForm({"procedure": request.data.get("procedure"), "agency": request.data.get("agency"),
                                 "channel": "counter"}, procedures=procedures, agencies=agencies)
        if not start.is_valid():
            return Response({"detail": str(_invalid()), "errors": start.errors}, status=status.HTTP_400_BAD_REQUEST)
        procedure, agency = start.cleaned_data["procedure"], start.cleaned_data["agency"]
        try:
            prefill, message = services.registry_lookup_at_counter(
                id_number=str(request.data.get("id_number") or ""), agency=agency, procedure=procedure,
                actor=request.user, ip_address=client_ip(request))
        except lifecycle.LifecycleError as exc:
            return Response({"detail": str(exc.message), "errors": {"id_number": [str(exc.message)]}},
                            status=status.HTTP_400_BAD_REQUEST)
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        if prefill is None:
            from dossiers.models import RegistryLookup

            last = RegistryLookup.objects.filter(actor=request.user, agency=agency).order_by("-created_at", "-id").first()
            if last is not None and last.outcome == RegistryLookup.Outcome.UNAVAILABLE:
                return Response({"detail": str(message)}, status=status.HTTP_503_SERVICE_UNAVAILABLE,
                                headers={"Retry-After": "60"})
            return Response({"detail": str(message)}, status=status.HTTP_404_NOT_FOUND)
        services.counter_prefill_keep(prefill)
        looked_up_at = dt.datetime.fromisoformat(prefill["looked_up_at"])
        return Response({
            **{k: prefill[k] for k in ("lookup", "id_number", "applicant", "form", "proves", "looked_up_at")},
            "waived_documents": [{"id": r.pk, "name": r.name} for r in procedure.documents.all()
                                 if r.registry_proof and r.registry_proof in prefill["proves"]],
            "valid_until": looked_up_at + dt.timedelta(seconds=services.COUNTER_LOOKUP_VALID_SECONDS),
        }, status=status.HTTP_201_CREATED)


class MembershipSerializer(serializers.Serializer):
    agency_code = serializers.CharField()
    agency_name = serializers.CharField()
    role = serializers.CharField()
    role_label = serializers.CharField()


class MeView(APIView):
    """Who the caller is: the account (a person, or an agency system's service account) and its roles."""

    permission_classes = [IsAuthenticated]
    api_audiences = ("citizen", "desk", "reports")

    @extend_schema(operation_id="me", summary="Tôi là ai / Who am I", responses=inline_serializer("Me", {
        "full_name": serializers.CharField(), "staff_code": serializers.CharField(allow_null=True),
        "memberships": MembershipSerializer(many=True),
        "scopes": serializers.ListField(child=serializers.CharField(), allow_null=True)}))
    def get(self, request):
        user = request.user
        return Response({
            "full_name": user.full_name, "staff_code": user.staff_code,
            "memberships": [{"agency_code": m.agency.code, "agency_name": m.agency.name, "role": m.role,
                             "role_label": m.get_role_display()} for m in selectors.memberships_of(user=user)],
            "scopes": token_scopes(request),
        })


class AgencySpecialistsView(APIView):
    """The specialists an officer of the agency may assign (the `assignee` of `assign`)."""

    permission_classes = [IsAuthenticated]
    api_audiences = ("desk",)

    @extend_schema(operation_id="agency_specialists", summary="Chuyên viên của cơ quan / Specialists of an agency",
                   parameters=[OpenApiParameter("agency", str, OpenApiParameter.PATH,
                                                description="mã định danh cơ quan (hoặc id)")],
                   responses=inline_serializer("Specialist", {
                       "id": serializers.IntegerField(), "staff_code": serializers.CharField(allow_null=True),
                       "full_name": serializers.CharField()}, many=True))
    def get(self, request, agency):
        if "\x00" in agency or len(agency) > 100:
            raise Http404
        lookup = {"pk": int(agency)} if agency.isdigit() else {"code": agency}
        found = get_object_or_404(Agency, **lookup)
        if found.pk not in selectors.officer_agency_ids(request.user):
            raise Http404
        return Response([{"id": u.pk, "staff_code": u.staff_code, "full_name": u.full_name}
                         for u in selectors.agency_specialists(agency=found)])
