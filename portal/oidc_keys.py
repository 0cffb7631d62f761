"""The sandbox identity provider's RSA signing key: generated once into a private file, read lazily.

django-oauth-toolkit reads `OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"]` (a PEM string) when it signs an
ID token or publishes its JWKS; the settings hand it `lazy_private_key(path)`, so loading the settings
never writes a file and a site that serves no sandbox never creates one.
"""

import os
from pathlib import Path

from django.utils.functional import lazy


def private_key_pem(path):
    """The PEM of the RSA key at `path`, created (2048 bits, mode 600) when missing."""
    path = Path(path)
    if not path.exists():
        from cryptography.hazmat.primitives import serialization  # only when a key must be made
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        # Two processes starting at once keep one key: the first link wins, the other reads it.
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text()


lazy_private_key = lazy(private_key_pem, str)
