"""A certificate authority made for one run, and how every client of the harness trusts it.

The bundled stack serves HTTPS on its own host names with certificates from a local
authority (trustme) made at start. Python clients trust that authority on top of the
system's; Chromium is told the public keys of the certificates the authority issued
(`--ignore-certificate-errors-spki-list`), so it accepts those certificates and no
other certificate error. For an external target the harness fetches each HTTPS
service's certificate, verifies it against the target file's authority in Python,
and pins what verified in the same way.
"""

from __future__ import annotations

import base64
import hashlib
import socket
import ssl
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from fake_services.serving import TlsFiles

AUTHORITY_NAME = "Loginspec local authority"


@dataclass(frozen=True)
class ServerCertificate:
    files: TlsFiles
    host_names: tuple[str, ...]
    spki_sha256: str
    """Base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo, as Chromium's SPKI list wants it."""


class LocalAuthority:
    """A CA whose certificate is written to `directory/ca.pem`, issuing server certificates beside it.

    The bundled stack makes a new one every run. `kept=True` keeps the CA's key too
    (`directory/ca.key`) and reuses an authority found there, for deployments started by hand.
    """

    def __init__(self, directory: Path, kept: bool = False) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.ca_file = directory / "ca.pem"
        key_file = directory / "ca.key"
        if kept and self.ca_file.is_file() and key_file.is_file():
            self._ca = trustme.CA.from_pem(self.ca_file.read_bytes(), key_file.read_bytes())
        else:
            self._ca = trustme.CA(organization_name=AUTHORITY_NAME)
            self._ca.cert_pem.write_to_path(str(self.ca_file))
            if kept:
                key_file.touch(mode=0o600)
                self._ca.private_key_pem.write_to_path(str(key_file))
        self.issued: list[ServerCertificate] = []

    def issue(self, name: str, *host_names: str) -> ServerCertificate:
        """A certificate for these names (and 127.0.0.1, where control APIs are called), saved as `name`."""
        leaf = self._ca.issue_cert(*host_names, "127.0.0.1")
        certfile, keyfile = self.directory / f"{name}.pem", self.directory / f"{name}.key"
        with certfile.open("wb") as chain:
            for blob in leaf.cert_chain_pems:
                chain.write(blob.bytes())
        leaf.private_key_pem.write_to_path(str(keyfile))
        certificate = ServerCertificate(
            TlsFiles(certfile, keyfile), host_names, spki_sha256(leaf.cert_chain_pems[0].bytes())
        )
        self.issued.append(certificate)
        return certificate

    def pinned_keys(self) -> tuple[str, ...]:
        return tuple(certificate.spki_sha256 for certificate in self.issued)


def spki_sha256(certificate_pem: bytes) -> str:
    certificate = x509.load_pem_x509_certificate(certificate_pem)
    public_key = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(public_key).digest()).decode("ascii")


@cache
def client_context(ca_file: Path | None = None) -> ssl.SSLContext:
    """The system's trusted authorities, and the given one besides (shared: loading them takes time)."""
    context = ssl.create_default_context()
    if ca_file is not None:
        context.load_verify_locations(cafile=str(ca_file))
    return context


class UntrustedCertificate(Exception):
    pass


def verified_spki(host_name: str, address: tuple[str, int], ca_file: Path | None, timeout: float = 10.0) -> str:
    """Connect to `address` as `host_name`, verify the certificate it shows (name and authority), and
    return its key's pin; raises UntrustedCertificate when it does not verify."""
    context = client_context(ca_file)
    try:
        with (
            socket.create_connection(address, timeout=timeout) as raw,
            context.wrap_socket(raw, server_hostname=host_name) as connection,
        ):
            der = connection.getpeercert(binary_form=True)
    except ssl.SSLCertVerificationError as error:
        raise UntrustedCertificate(f"{host_name} at {address[0]}:{address[1]}: {error.verify_message}") from error
    except OSError as error:
        raise UntrustedCertificate(f"cannot reach {host_name} at {address[0]}:{address[1]}: {error}") from error
    if der is None:
        raise UntrustedCertificate(f"{host_name} showed no certificate")
    pem = ssl.DER_cert_to_PEM_cert(der).encode("ascii")
    return spki_sha256(pem)


def main(argv: list[str] | None = None) -> int:
    """`python -m loginspec.tls DIR NAME HOST...`: a certificate for HOSTs, from the authority kept in DIR."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m loginspec.tls",
        description="Issue a server certificate from a local authority kept in DIR (made on first use).",
    )
    parser.add_argument("directory", type=Path, help="where ca.pem, ca.key and the certificates are kept")
    parser.add_argument("name", help="the files' name: NAME.pem (certificate) and NAME.key (its key)")
    parser.add_argument("host_names", nargs="+", metavar="HOST", help="the names the certificate is for")
    arguments = parser.parse_args(argv)
    authority = LocalAuthority(arguments.directory, kept=True)
    certificate = authority.issue(arguments.name, *arguments.host_names)
    print(f"authority:   {authority.ca_file}")
    print(f"certificate: {certificate.files.certfile} for {', '.join(certificate.host_names)} and 127.0.0.1")
    print(f"key:         {certificate.files.keyfile}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
