"""Public verification of a signed result (/xac-thuc/): anyone holding the document (a citizen, a bank)
follows its QR code or uploads the PDF. No login; rate-limited per client IP; each check audited."""

from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from dossiers import selectors, services, signing
from portal import ratelimit

# The largest PDF a visitor may upload to check (a result is a few pages).
VERIFY_MAX_BYTES = 10 * 1024 * 1024


class VerifyUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp PDF cần kiểm tra"),
                           help_text=_("Tệp kết quả giải quyết đã ký số, tối đa 10 MB. Tệp không được lưu lại."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > VERIFY_MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn: tối đa 10 MB."))
        data = upload.read()
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError(_("Tệp không phải PDF."))
        return data


def allowed(request):
    return ratelimit.hit(f"verify:{ratelimit.client_ip(request)}", settings.VERIFY_LIMIT_PER_MINUTE, 60)


def check_and_record(request, *, verification_id=None, data=None, channel="web"):
    """Run the check (selectors.signature_check) and audit it."""
    check = selectors.signature_check(verification_id=verification_id, data=data)
    services.signature_verification_record(signature=check.signature, verdict=check.verdict, sha256=check.sha256,
                                           uploaded=data is not None, channel=channel,
                                           ip_address=ratelimit.client_ip(request))
    return check


@require_http_methods(["GET", "POST"])
def verify(request, verification_id=None):
    """GET with an id: check the stored result; POST: check the uploaded PDF."""
    form = VerifyUploadForm(request.POST, request.FILES) if request.method == "POST" else VerifyUploadForm()
    check = None
    if verification_id is not None or request.method == "POST":
        if not allowed(request):
            return render(request, "dossiers/rate_limited.html", status=429)
        if request.method == "POST":
            if form.is_valid():
                check = check_and_record(request, data=form.cleaned_data["file"])
                form = VerifyUploadForm()
        else:
            check = check_and_record(request, verification_id=verification_id)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "dossiers/verify.html", {"form": form, "check": check}, status=status)


@require_http_methods(["GET"])
def revocation_list(request):
    """The signer's certificate revocation list (RFC 5280, DER), named in the certificates' CRL
    distribution point, so a bank can check a result offline. 404 when the signer publishes none (a real
    CA publishes its own)."""
    try:
        lists = signing.signer().revocation_lists()
    except ImproperlyConfigured as exc:
        raise Http404 from exc
    if not lists:
        raise Http404
    response = HttpResponse(lists[0], content_type="application/pkix-crl")
    response["Cache-Control"] = "public, max-age=300"
    return response
