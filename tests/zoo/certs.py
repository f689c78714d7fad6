"""Certificates made at test time: with the ``cryptography`` package when it is installed, else the openssl CLI."""

from __future__ import annotations

import datetime
import ipaddress
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Pair:
    cert: Path
    key: Path


def _cryptography_available() -> bool:
    try:
        import cryptography  # noqa: F401
    except ImportError:
        return False
    return True


def issue(directory: Path, name: str, host: str, *, issuer: Pair | None = None, ca: bool = False) -> Pair:
    """A certificate for ``host`` (an IP or a DNS name), signed by ``issuer`` or by itself."""
    directory.mkdir(parents=True, exist_ok=True)
    pair = Pair(directory / f"{name}.pem", directory / f"{name}.key")
    if _cryptography_available():
        _issue_with_cryptography(pair, host, issuer, ca)
    elif shutil.which("openssl"):
        _issue_with_openssl(pair, host, issuer, ca)
    else:
        raise RuntimeError("neither the cryptography package nor the openssl CLI is available to make certificates")
    return pair


def _san(host: str) -> str:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return f"DNS:{host}"
    return f"IP:{host}"


def _issue_with_cryptography(pair: Pair, host: str, issuer: Pair | None, ca: bool) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"zoo {host}")])
    if issuer is not None:
        signer = serialization.load_pem_private_key(issuer.key.read_bytes(), password=None)
        issuer_name = x509.load_pem_x509_certificate(issuer.cert.read_bytes()).subject
    else:
        signer, issuer_name = key, subject
    try:
        alt: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        alt = x509.DNSName(host)
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([alt]), critical=False)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
        builder = builder.add_extension(usage, critical=True)
    cert = builder.sign(signer, hashes.SHA256())  # type: ignore[arg-type]
    pair.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pair.key.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


def _issue_with_openssl(pair: Pair, host: str, issuer: Pair | None, ca: bool) -> None:
    subject = f"/CN=zoo {host}"
    extensions = [f"subjectAltName={_san(host)}", f"basicConstraints=critical,CA:{'TRUE' if ca else 'FALSE'}"]
    if ca:
        extensions.append("keyUsage=critical,keyCertSign,cRLSign")
    key_args = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(pair.key)]
    if issuer is None:
        command = ["openssl", "req", "-x509", *key_args, "-out", str(pair.cert), "-days", "1", "-subj", subject]
        for extension in extensions:
            command += ["-addext", extension]
        subprocess.run(command, check=True, capture_output=True)
        return
    request = pair.cert.with_suffix(".csr")
    subprocess.run(
        ["openssl", "req", "-new", *key_args, "-out", str(request), "-subj", subject], check=True, capture_output=True
    )
    ext_file = pair.cert.with_suffix(".ext")
    ext_file.write_text("\n".join(extensions) + "\n")
    signing = ["openssl", "x509", "-req", "-in", str(request), "-CA", str(issuer.cert), "-CAkey", str(issuer.key)]
    output = ["-CAcreateserial", "-out", str(pair.cert), "-days", "1", "-extfile", str(ext_file)]
    subprocess.run([*signing, *output], check=True, capture_output=True)
