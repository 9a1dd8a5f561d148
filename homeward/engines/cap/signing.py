"""XML-DSig signatures for CAP messages (enveloped, RSA-SHA256, via ``signxml``).

Homeward signs every CAP message it publishes so partners can check it came from the platform
unaltered; the public certificate is published next to the feed. The signature is enveloped as the
last child of ``<alert>``, where the CAP 1.2 schema admits elements of the XML-DSig namespace, so a
signed message still validates against the XSD.

Keys and certificates travel as PEM bytes (from settings or a secrets store).
:func:`make_self_signed_cert` produces a pair for development and tests only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureMethod,
    XMLSigner,
    XMLVerifier,
    methods,
)
from signxml.exceptions import InvalidInput, SignXMLException
from signxml.verifier import SignatureConfiguration

from homeward.engines.cap.message import CAP_NS, CapValidationError, parse_xml

DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
MIN_RSA_BITS = 2048

# Pin what we accept on verification to what we produce: a downgrade to SHA-1 or to HMAC must fail.
_EXPECT = SignatureConfiguration(
    require_x509=True,
    location="./",
    expect_references=1,
    signature_methods=frozenset({SignatureMethod.RSA_SHA256}),
    digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
)


class CapSignatureError(ValueError):
    """A signature is missing, malformed, made with another key, or the document was altered."""


class CapKeyError(ValueError):
    """A key or certificate cannot be loaded or does not fit the other."""


@dataclass(frozen=True)
class SigningIdentity:
    """A loaded RSA private key with its certificate, checked to belong together."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def load_private_key(key_pem: bytes, password: bytes | None = None) -> rsa.RSAPrivateKey:
    """Load an RSA private key (at least 2048 bits) from PEM bytes."""
    try:
        key = serialization.load_pem_private_key(key_pem, password=password)
    except (ValueError, TypeError) as exc:
        raise CapKeyError(f"private key: cannot load PEM ({exc})") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CapKeyError("private key: RSA-SHA256 signing needs an RSA key")
    if key.key_size < MIN_RSA_BITS:
        raise CapKeyError(f"private key: {key.key_size} bits is below the {MIN_RSA_BITS}-bit minimum")
    return key


def load_certificate(cert_pem: bytes) -> x509.Certificate:
    """Load an X.509 certificate from PEM bytes."""
    try:
        return x509.load_pem_x509_certificate(cert_pem)
    except ValueError as exc:
        raise CapKeyError(f"certificate: cannot load PEM ({exc})") from None


def load_signing_identity(key_pem: bytes, cert_pem: bytes, password: bytes | None = None) -> SigningIdentity:
    """Load key and certificate and check that the certificate carries the key's public half."""
    key = load_private_key(key_pem, password)
    certificate = load_certificate(cert_pem)
    cert_public = certificate.public_key()
    if not isinstance(cert_public, rsa.RSAPublicKey) or (
        cert_public.public_numbers() != key.public_key().public_numbers()
    ):
        raise CapKeyError("certificate does not match the private key")
    return SigningIdentity(key=key, certificate=certificate)


def make_self_signed_cert(
    common_name: str = "Homeward CAP signing (development)",
    *,
    days: int = 365,
    key_size: int = 2048,
    now: datetime | None = None,
) -> tuple[bytes, bytes]:
    """Generate ``(key_pem, cert_pem)``: a fresh RSA key and a self-signed certificate.

    For development and tests; production keys come from the deployment's PKI.
    """
    if days <= 0:
        raise ValueError("days must be positive")
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    start = (now or datetime.now(UTC)) - timedelta(minutes=5)  # tolerate small clock skew
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


def certificate_fingerprint(cert_pem: bytes) -> str:
    """SHA-256 fingerprint of a certificate (hex, colon-separated) for publishing next to it."""
    der = load_certificate(cert_pem).public_bytes(serialization.Encoding.DER)
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def _signer() -> XMLSigner:
    return XMLSigner(
        method=methods.enveloped,
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )


def sign_cap(document: bytes | Any, identity: SigningIdentity) -> bytes:
    """Sign a CAP document (bytes or lxml element) and return the signed UTF-8 document.

    The ``<ds:Signature>`` is appended as the last child of ``<alert>``, carrying the certificate
    in ``<ds:KeyInfo>``. The document must not be re-indented after signing.
    """
    root = parse_xml(document) if isinstance(document, bytes | str) else document
    if root.tag != f"{{{CAP_NS}}}alert":
        raise CapValidationError("not a CAP 1.2 <alert> document")
    if root.find(f"{{{DSIG_NS}}}Signature") is not None:
        raise CapSignatureError("document is already signed")
    signed = _signer().sign(root, key=identity.key, cert=[identity.certificate])
    return bytes(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))


def verify_cap(document: bytes, cert_pem: bytes) -> bytes:
    """Verify an enveloped signature made by the key of ``cert_pem``; return the signed content.

    The certificate is pinned (partners know Homeward's published certificate), so no CA chain is
    needed. Raises :class:`CapSignatureError` if the signature is missing, uses other algorithms,
    was made by another key, or anything under it was altered. Use the returned bytes (the
    verified ``<alert>`` without the signature), never the input, for further processing.
    """
    certificate = load_certificate(cert_pem)
    try:
        result = XMLVerifier().verify(document, x509_cert=certificate, expect_config=_EXPECT)
    except (SignXMLException, InvalidInput) as exc:
        raise CapSignatureError(f"signature check failed: {exc}") from None
    except etree.XMLSyntaxError as exc:
        raise CapSignatureError(f"signature check failed: not well-formed XML ({exc})") from None
    signed_xml = result.signed_xml  # type: ignore[union-attr]
    if signed_xml is None or signed_xml.tag != f"{{{CAP_NS}}}alert":
        raise CapSignatureError("signature does not cover a CAP <alert> root")
    return bytes(etree.tostring(signed_xml, xml_declaration=True, encoding="UTF-8"))
