"""Tests of evidence bundles and the offline verifier (pure Python, no database)."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from rogatory.exchange import seal
from rogatory.exchange.bundle import verify_bundle, write_bundle
from rogatory.exchange.verify import main

T0 = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
START = T0 - timedelta(days=365)
FR_SIG = seal.generate_key("sig", not_before=START)
KE_SIG = seal.generate_key("sig", not_before=START)
KE_ENC = seal.generate_key("enc", not_before=START)
OTHER_SIG = seal.generate_key("sig", not_before=START)
REPO = Path(__file__).resolve().parents[3]


def exchange() -> tuple[dict[str, Any], str, list[str]]:
    header = {
        "message_id": "m-42",
        "conversation_id": "c-7",
        "from_node": "fr-node",
        "to_node": "ke-node",
        "created_at": "2026-12-06T10:00:00Z",
        "expires_at": "2026-12-07T10:00:00Z",
        "action": "RequestSubmission",
    }
    manifest = [
        {"part_id": "p1", "name": "request.pdf", "media_type": "application/pdf", "size": 10,
         "sha256": "aa" * 32, "chunk_size": 1024, "chunks": ["aa" * 32], "key": "k"},
    ]  # fmt: skip
    wire = seal.seal(
        header, {"text": "Hear the witness."}, manifest,
        signing_key=FR_SIG, recipient_key=KE_ENC.public(),
    )  # fmt: skip
    opened = seal.open_envelope(
        wire, decryption_keys=[KE_ENC], sender_keys=[FR_SIG.public()], now=T0
    )
    digest = seal.wire_digest(wire)
    evidences = [
        seal.sign_evidence(
            seal.evidence_claims(
                type=kind, issuer_node=issuer, subject_message_id="m-42", subject_digest=digest,
                sender_node="fr-node", recipient_node="ke-node",
                event_time=T0 + timedelta(minutes=i),
            ),
            signing_key=key,
        )
        for i, (kind, issuer, key) in enumerate(
            [("SUBMISSION_ACCEPTANCE", "fr-node", FR_SIG), ("DELIVERY", "ke-node", KE_SIG)]
        )
    ]  # fmt: skip
    return wire, opened.signed, evidences


def keys_json(fr: seal.PrivateKey = FR_SIG, ke: seal.PrivateKey = KE_SIG) -> dict[str, Any]:
    return {
        "fr-node": [fr.public().to_json()],
        "ke-node": [ke.public().to_json(), KE_ENC.public().to_json()],
    }


PARTS = [{"part_id": "p1", "name": "request.pdf", "media_type": "application/pdf", "size": 10,
          "sha256": "aa" * 32}]  # fmt: skip


def bundle(**changes: Any) -> bytes:
    wire, signed, evidences = exchange()
    args: dict[str, Any] = {
        "wire": wire,
        "signed": signed,
        "evidences": evidences,
        "keys": keys_json(),
        "parts": PARTS,
        "report": "Delivered on 6 December 2026.",
    }
    args.update(changes)
    out = io.BytesIO()
    write_bundle(out, **args)
    return out.getvalue()


def rewrite(data: bytes, name: str, change: Any) -> bytes:
    """Return a copy of a bundle with member name replaced (change(old) -> new, None drops)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == name:
                content = change(content)
                if content is None:
                    continue
            dst.writestr(info.filename, content)
    return out.getvalue()


def test_bundle_verifies() -> None:
    """A bundle as written verifies, with a line per evidence and fingerprints per node."""
    result = verify_bundle(io.BytesIO(bundle()))
    assert result.ok, result.lines
    text = "\n".join(result.lines)
    assert "Evidence DELIVERY issued by ke-node at 2026-12-06T10:01:00Z: signature valid" in text
    assert "about this message (digest matches)" in text
    assert "matching the signed manifest" in text
    assert result.fingerprints["fr-node"] == [seal.fingerprint(FR_SIG.jwk)]
    names = zipfile.ZipFile(io.BytesIO(bundle())).namelist()
    assert "evidences/02-DELIVERY.jws" in names and "README.txt" in names


def test_bundle_verifies_after_key_revoked() -> None:
    """Keys revoked after the events (as known at bundling time) still verify the bundle."""
    keys = keys_json()
    for items in keys.values():
        for item in items:
            item["revoked_at"] = "2027-03-01T00:00:00Z"
    assert verify_bundle(io.BytesIO(bundle(keys=keys))).ok


def test_bundle_without_signed_content() -> None:
    """A bundle without signed.jws verifies its evidences and says parts were not checked."""
    result = verify_bundle(io.BytesIO(bundle(signed=None)))
    assert result.ok
    assert any("parts cannot be checked" in line for line in result.lines)


def altered_envelope(content: bytes) -> bytes:
    wire = json.loads(content)
    wire["route"]["created_at"] = "2026-12-06T10:00:01Z"
    return json.dumps(wire).encode()


def altered_evidence(content: bytes) -> bytes:
    head, payload, sig = content.decode().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["type"] = "NON_DELIVERY"  # a receipt turned into a refusal, signature kept
    forged = base64.urlsafe_b64encode(seal.canonical(claims)).decode().rstrip("=")
    return f"{head}.{forged}.{sig}".encode()


@pytest.mark.parametrize(
    ("member", "change", "reason"),
    [
        ("envelope.json", altered_envelope, "digest differs"),
        ("evidences/02-DELIVERY.jws", altered_evidence, "signature does not verify"),
        ("signed.jws", lambda _content: b"", "signed content: not a compact JWS"),
        ("parts.json", lambda _c: b'[{"part_id": "p1", "size": 11, "sha256": "aa"}]', "differs"),
        ("keys.json", lambda _content: b"[]", "keys.json is not an object"),
        ("envelope.json", lambda _content: None, "missing"),
    ],
)
def test_altered_bundle_not_verified(member: str, change: Any, reason: str) -> None:
    """Any altered or missing member makes the bundle not verify, saying why."""
    result = verify_bundle(io.BytesIO(rewrite(bundle(), member, change)))
    assert not result.ok
    assert reason in result.reason
    assert result.lines[-1] == f"FAILED: {result.reason}"


def test_swapped_keys_not_verified() -> None:
    """A keys.json naming other keys for the nodes makes the bundle not verify."""
    other = seal.generate_key("sig", not_before=START)
    result = verify_bundle(io.BytesIO(bundle(keys=keys_json(fr=other, ke=OTHER_SIG))))
    assert not result.ok
    assert "no signing key" in result.reason


def test_evidence_from_another_issuer_not_verified() -> None:
    """An evidence signed with one node's key but naming another issuer does not verify."""
    wire, _signed, _evidences = exchange()
    forged = seal.sign_evidence(
        seal.evidence_claims(
            type="DELIVERY", issuer_node="ke-node", subject_message_id="m-42",
            subject_digest=seal.wire_digest(wire), sender_node="fr-node",
            recipient_node="ke-node", event_time=T0,
        ),
        signing_key=FR_SIG,
    )  # fmt: skip
    assert not verify_bundle(io.BytesIO(bundle(evidences=[forged]))).ok


def test_junk_is_not_verified(tmp_path: Path) -> None:
    """Random bytes, a missing file and a zip with stray members never raise."""
    assert not verify_bundle(io.BytesIO(os.urandom(500))).ok
    assert not verify_bundle(tmp_path / "absent.zip").ok
    stray = io.BytesIO()
    with zipfile.ZipFile(stray, "w") as zf:
        zf.writestr("../../etc/passwd", "x")
    assert not verify_bundle(io.BytesIO(stray.getvalue())).ok
    for member in ("keys.json", "parts.json", "envelope.json"):
        for junk in (b"\xff", b"[]", b'{"a": 1}', b"1" * 5000):
            altered = rewrite(bundle(), member, lambda _c, junk=junk: junk)
            assert not verify_bundle(io.BytesIO(altered)).ok


def test_zip_bomb_refused() -> None:
    """A member that inflates beyond the limit is refused without reading it whole."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        zf.open("report.txt", "w", force_zip64=True) as handle,
    ):
        for _ in range(40):
            handle.write(b"\0" * (1024 * 1024))
    result = verify_bundle(io.BytesIO(out.getvalue()))
    assert not result.ok and "zip bomb" in result.reason


def test_cli_main(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI prints the checks and ends with the verdict; exit code 0 or 1."""
    path = tmp_path / "bundle.zip"
    path.write_bytes(bundle())
    assert main([str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "bundle: verified"
    path.write_bytes(b"junk")
    assert main([str(path)]) == 1
    assert capsys.readouterr().out.splitlines()[-1].startswith("bundle: NOT verified (")


def test_cli_runs_without_django(tmp_path: Path) -> None:
    """python -m rogatory.exchange.verify runs without Django settings and imports no Django."""
    path = tmp_path / "bundle.zip"
    path.write_bytes(bundle())
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import sys, runpy; sys.argv = ['verify', sys.argv[1]]\n"
        "try:\n    runpy.run_module('rogatory.exchange.verify', run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    assert 'django' not in sys.modules, 'Django was imported'\n    raise\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code, str(path)], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "bundle: verified"
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "rogatory.exchange.verify", str(tmp_path / "absent.zip")],
        cwd=REPO, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1].startswith("bundle: NOT verified")
