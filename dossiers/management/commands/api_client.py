"""manage.py api_client --name NAME --account EMAIL --role AGENCY_CODE=ROLE ... --scope desk ...

Registers an OAuth2 client-credentials client for an agency's other system (docs/api-clients.md): the
service account EMAIL (created if missing, with no usable password: it never signs in to the pages)
gets the given roles, the client acts as it, and may be granted only the given scopes. Prints the
client id and the secret; the secret is stored hashed and cannot be shown again.

manage.py api_client --name NAME --mobile --redirect-uri URI ... --scope citizen registers a mobile app
instead: a public client (no secret) using the authorization code grant with PKCE, whose tokens act as
the citizen who allowed it at /api/oauth/authorize/.
"""

from django.core.management.base import BaseCommand, CommandError

from dossiers.api_clients import api_client_create, mobile_app_create, service_account_ensure
from dossiers.models import ApiScope, Role


def _role(value):
    agency, sep, role = value.partition("=")
    if not sep or role not in Role.values:
        raise CommandError(f"--role: expected AGENCY_CODE=ROLE with ROLE in {Role.values}, got {value!r}")
    return agency.strip(), role


class Command(BaseCommand):
    help = "Đăng ký ứng dụng API (OAuth2 client credentials) cho hệ thống khác của cơ quan."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="the client's name, e.g. 'Hệ thống QLVB Sở Tư pháp'")
        parser.add_argument("--account", help="e-mail of the service account the client acts as")
        parser.add_argument("--mobile", action="store_true",
                            help="a mobile app: public client, authorization code + PKCE, acts as the citizen")
        parser.add_argument("--redirect-uri", action="append", default=[], dest="redirect_uris",
                            help="a redirect URI of the mobile app (repeatable)")
        parser.add_argument("--role", action="append", default=[], metavar="AGENCY_CODE=ROLE",
                            help="a role of the service account (repeatable)")
        parser.add_argument("--scope", action="append", required=True, choices=ApiScope.values,
                            help="a scope the client may be granted (repeatable)")

    def handle(self, *args, **options):
        if options["mobile"]:
            try:
                application = mobile_app_create(name=options["name"], redirect_uris=options["redirect_uris"],
                                                scopes=options["scope"])
            except ValueError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"client_id={application.client_id}\n(public client: no secret; "
                              f"authorization code + PKCE S256 at /api/oauth/authorize/)\n"
                              f"scopes={' '.join(options['scope'])}\n")
            return
        if not options["account"]:
            raise CommandError("--account is required (or --mobile for a mobile app)")
        try:
            account = service_account_ensure(email=options["account"], full_name=options["name"],
                                             roles=[_role(value) for value in options["role"]])
            application, secret = api_client_create(name=options["name"], service_account=account,
                                                    scopes=options["scope"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"client_id={application.client_id}\nclient_secret={secret}\n"
                          f"scopes={' '.join(options['scope'])}\n(the secret is stored hashed: keep it now)")
