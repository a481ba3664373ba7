"""The provider's RS256 signing keys: one signs, the one before it stays published.

Rotation publishes a new key and signs with it at once; the previous key stays in the JWKS
until the next rotation, so tokens signed just before a rotation still verify.

Each key comes with a self-signed certificate, as at the real providers: Microsoft publishes
it in the JWKS (`x5c`, and its SHA-1 thumbprint as `x5t` and `kid`), Google serves it as PEM
at /oauth2/v1/certs.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from joserfc.jwk import RSAKey

KEY_SIZE = 2048


@dataclass(frozen=True)
class CertificateProfile:
    """How a provider's key certificates look: the subject's common name and how long they last."""

    common_name: str
    lifetime: datetime.timedelta


@dataclass(frozen=True)
class SigningKey:
    jwk: RSAKey
    certificate: x509.Certificate

    @property
    def kid(self) -> str:
        return str(self.jwk.kid)

    @property
    def certificate_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")

    @property
    def x5t(self) -> str:
        """base64url of the certificate's SHA-1 thumbprint (RFC 7517 section 4.8)."""
        return certificate_thumbprint(self.certificate)

    @property
    def x5c(self) -> list[str]:
        """The certificate chain as base64 (not base64url) DER (RFC 7517 section 4.7)."""
        return [base64.b64encode(self.certificate_der).decode("ascii")]


KidMaker = Callable[[RSAKey, x509.Certificate], str]


def certificate_thumbprint(certificate: x509.Certificate) -> str:
    der = certificate.public_bytes(serialization.Encoding.DER)
    digest = hashlib.sha1(der, usedforsecurity=False).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def self_signed_certificate(key: RSAKey, profile: CertificateProfile) -> x509.Certificate:
    private_key = key.private_key
    assert private_key is not None
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, profile.common_name)])
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + profile.lifetime)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(private_key, hashes.SHA256())
    )


def generate_signing_key(make_kid: KidMaker, profile: CertificateProfile) -> SigningKey:
    key = RSAKey.generate_key(KEY_SIZE, private=True)
    certificate = self_signed_certificate(key, profile)
    kid = make_kid(key, certificate)
    jwk = RSAKey.import_key(key.as_dict(private=True), {"kid": kid, "use": "sig", "alg": "RS256"})
    return SigningKey(jwk, certificate)


class KeyRing:
    def __init__(self, make_kid: KidMaker, profile: CertificateProfile) -> None:
        self._make_kid = make_kid
        self._profile = profile
        self.current = generate_signing_key(make_kid, profile)
        self._retired: SigningKey | None = None

    @property
    def signing_key(self) -> RSAKey:
        return self.current.jwk

    @property
    def signing_kid(self) -> str:
        return self.current.kid

    def rotate(self) -> str:
        self._retired = self.current
        self.current = generate_signing_key(self._make_kid, self._profile)
        return self.signing_kid

    def forget_retired(self) -> None:
        self._retired = None

    def published_keys(self) -> list[SigningKey]:
        return [self.current] + ([self._retired] if self._retired else [])

    def published(self) -> list[RSAKey]:
        return [key.jwk for key in self.published_keys()]
