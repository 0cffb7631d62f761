"""manage.py payments expire | refund ORDER_ID | import FILE --day YYYY-MM-DD [--merchant CODE]
                  | settle ID --note TEXT --as EMAIL

Settling online payments (dossiers/services/payment_settle.py, docs/payments.md): expire payments never
completed, refund one owed back, import the provider's daily reconciliation file and print its mismatches,
record how a day's mismatches were settled (as the account named by --as, a monitor or superuser).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from dossiers import lifecycle, services
from dossiers.models import Payment, PaymentReconciliation
from dossiers.services.payment_settle import parse_day


class Command(BaseCommand):
    help = "Thanh toán trực tuyến: hết hạn, hoàn tiền, nhập tệp đối soát hằng ngày, ghi nhận xử lý chênh lệch."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="operation", required=True)
        sub.add_parser("expire", help="pending payments past PAYMENT_EXPIRY_MINUTES become expired")
        refund = sub.add_parser("refund", help="refund a payment owed back")
        refund.add_argument("order_id")
        imported = sub.add_parser("import", help="import the provider's reconciliation file (CSV)")
        imported.add_argument("file")
        imported.add_argument("--day", required=True)
        imported.add_argument("--merchant", default="", help="the merchant account the file is for")
        settle = sub.add_parser("settle", help="record how a reconciliation's mismatches were settled")
        settle.add_argument("id", type=int)
        settle.add_argument("--note", required=True)
        settle.add_argument("--as", dest="email", required=True, help="e-mail of the monitor settling it")

    def handle(self, *args, operation, **options):
        try:
            getattr(self, "_" + operation)(**options)
        except lifecycle.LifecycleError as error:
            raise CommandError(str(error.message)) from error

    def _expire(self, **options):
        self.stdout.write(f"expired: {services.payments_expire()}")

    def _refund(self, order_id, **options):
        payment = Payment.objects.filter(order_id=order_id).first()
        if payment is None:
            raise CommandError(f"no payment {order_id!r}")
        payment = services.payment_refund(payment=payment, actor=None)
        self.stdout.write(f"{payment.order_id}: {payment.state} {payment.refund_reference}")

    def _import(self, file, day, merchant, **options):
        row = services.payment_reconciliation_import(content=Path(file).read_bytes(), day=parse_day(day),
                                                     merchant_code=merchant)
        self.stdout.write(f"reconciliation {row.pk}: {row.rows} rows, {len(row.mismatches)} mismatch(es)")
        for cell in row.mismatches:
            self.stdout.write(f"  {cell['kind']}: {cell['order_id']} bank {cell['bank_status']} {cell['bank_amount']}"
                              f" / MotCua {cell['state']} {cell['amount']}")

    def _settle(self, id, note, email, **options):
        actor = get_user_model().objects.filter(email=email).first()
        if actor is None:
            raise CommandError(f"no account {email!r}")
        reconciliation = PaymentReconciliation.objects.filter(pk=id).first()
        if reconciliation is None:
            raise CommandError(f"no reconciliation {id}")
        try:
            services.payment_reconciliation_settle(reconciliation=reconciliation, actor=actor, note=note)
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"reconciliation {id} settled")
