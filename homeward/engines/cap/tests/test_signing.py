"""XML-DSig: signed CAP messages verify, still validate against the XSD, and fail after tampering."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

from homeward.engines.cap.message import CAP_NS, CapMessage, CapValidationError, to_xml, validate_cap
from homeward.engines.cap.signing import (
    DSIG_NS,
    CapKeyError,
    CapSignatureError,
    SigningIdentity,
    certificate_fingerprint,
    load_certificate,
    load_private_key,
    load_signing_identity,
    make_self_signed_cert,
    sign_cap,
    verify_cap,
)


@pytest.mark.parametrize("name", ["release", "update", "closure", "cancel"])
def test_signed_messages_verify_and_validate(
    name: str, request: pytest.FixtureRequest, identity: SigningIdentity, pem_pair: tuple[bytes, bytes]
) -> None:
    message: CapMessage = request.getfixturevalue(name)
    signed = sign_cap(to_xml(message), identity)
    validate_cap(signed)  # the XSD's closing <any> admits the ds:Signature
    root = etree.fromstring(signed)
    assert etree.QName(root[-1]).namespace == DSIG_NS
    assert etree.QName(root[-1]).localname == "Signature"
    assert root.find(f".//{{{DSIG_NS}}}SignatureMethod").get("Algorithm") == (
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    )
    verified = verify_cap(signed, pem_pair[1])
    verified_root = etree.fromstring(verified)
    assert verified_root.findtext(f"{{{CAP_NS}}}identifier") == message.identifier
    validate_cap(verified)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("<circle>39.914200,116.417400 100</circle>", "<circle>39.914200,116.417400 900</circle>"),
        ("张小明", "李小红"),
        ("<msgType>Alert</msgType>", "<msgType>Cancel</msgType>"),
        ("<uri>https://homeward.example.cn/a/42/photo.jpg</uri>", "<uri>https://evil.example/p.jpg</uri>"),
    ],
)
def test_tampering_breaks_the_signature(
    release: CapMessage, identity: SigningIdentity, pem_pair: tuple[bytes, bytes], old: str, new: str
) -> None:
    signed = sign_cap(to_xml(release), identity)
    verify_cap(signed, pem_pair[1])
    tampered = signed.replace(old.encode(), new.encode(), 1)
    assert tampered != signed
    with pytest.raises(CapSignatureError):
        verify_cap(tampered, pem_pair[1])


def test_tampering_signature_value_breaks_it(
    release: CapMessage, identity: SigningIdentity, pem_pair: tuple[bytes, bytes]
) -> None:
    root = etree.fromstring(sign_cap(to_xml(release), identity))
    value = root.find(f".//{{{DSIG_NS}}}SignatureValue")
    text = value.text.strip()
    value.text = ("A" if text[0] != "A" else "B") + text[1:]
    with pytest.raises(CapSignatureError):
        verify_cap(etree.tostring(root), pem_pair[1])


def test_other_key_unsigned_and_garbage_rejected(release: CapMessage, identity: SigningIdentity) -> None:
    signed = sign_cap(to_xml(release), identity)
    _, other_cert = make_self_signed_cert("someone else")
    with pytest.raises(CapSignatureError):
        verify_cap(signed, other_cert)
    with pytest.raises(CapSignatureError):
        verify_cap(to_xml(release), identity.certificate_pem)
    with pytest.raises(CapSignatureError):
        verify_cap(b"<not xml", identity.certificate_pem)


@pytest.mark.parametrize(("signature", "digest"), [("RSA_SHA1", "SHA1"), ("RSA_SHA512", "SHA512")])
def test_other_algorithms_rejected(
    release: CapMessage, identity: SigningIdentity, signature: str, digest: str
) -> None:
    # Verification is pinned to what Homeward produces (RSA-SHA256): a SHA-1 downgrade, or any other
    # algorithm, fails even with the right key.
    from signxml import DigestAlgorithm, SignatureMethod, XMLSigner, methods

    class AnyAlgorithmSigner(XMLSigner):
        def check_deprecated_methods(self) -> None:  # signxml refuses SHA-1 by default
            return None

    other = AnyAlgorithmSigner(
        method=methods.enveloped,
        signature_algorithm=SignatureMethod[signature],
        digest_algorithm=DigestAlgorithm[digest],
    ).sign(etree.fromstring(to_xml(release)), key=identity.key, cert=[identity.certificate])
    with pytest.raises(CapSignatureError):
        verify_cap(etree.tostring(other), identity.certificate_pem)


def test_expired_certificate_rejected(release: CapMessage) -> None:
    key_pem, cert_pem = make_self_signed_cert(days=1, now=datetime.now(UTC) - timedelta(days=10))
    signed = sign_cap(to_xml(release), load_signing_identity(key_pem, cert_pem))
    with pytest.raises(CapSignatureError):
        verify_cap(signed, cert_pem)


def test_double_signing_and_non_cap_rejected(release: CapMessage, identity: SigningIdentity) -> None:
    signed = sign_cap(to_xml(release), identity)
    with pytest.raises(CapSignatureError, match="already signed"):
        sign_cap(signed, identity)
    with pytest.raises(CapValidationError):
        sign_cap(b"<feed xmlns='http://www.w3.org/2005/Atom'/>", identity)


def test_key_and_certificate_loading(pem_pair: tuple[bytes, bytes]) -> None:
    key_pem, cert_pem = pem_pair
    key = load_private_key(key_pem)
    certificate = load_certificate(cert_pem)
    assert key.key_size == 2048
    assert certificate.subject.rfc4514_string() == "CN=Homeward CAP test signer"
    assert certificate.issuer == certificate.subject
    _, other_cert = make_self_signed_cert("other")
    with pytest.raises(CapKeyError, match="does not match"):
        load_signing_identity(key_pem, other_cert)
    with pytest.raises(CapKeyError, match="cannot load"):
        load_private_key(b"-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n")
    with pytest.raises(CapKeyError, match="cannot load"):
        load_certificate(b"not a certificate")


def test_encrypted_key_and_weak_key() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"correct horse"),
    )
    assert load_private_key(encrypted, b"correct horse").key_size == 2048
    with pytest.raises(CapKeyError):
        load_private_key(encrypted, b"wrong")
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024).private_bytes(  # noqa: S505 - weak on purpose
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(CapKeyError, match="2048"):
        load_private_key(small)


def test_fingerprint_matches_cryptography(pem_pair: tuple[bytes, bytes]) -> None:
    expected = load_certificate(pem_pair[1]).fingerprint(hashes.SHA256()).hex().upper()
    assert certificate_fingerprint(pem_pair[1]).replace(":", "") == expected
    assert len(certificate_fingerprint(pem_pair[1]).split(":")) == 32
