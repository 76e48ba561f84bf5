"""The checks a restore ends with, and the refusals that protect it (decision 0023): stored
files against their checksums, paths that named the old data directory, PostgreSQL client
tools that cannot read or write the dump."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from conftest import Personas
from rogatory.audit.models import AuditEntry
from rogatory.audit.verify import verify_chain
from rogatory.cases.actions import do_add_document, do_register_case
from rogatory.cases.choices import Direction, MeasureType
from rogatory.exchange.models import Message, MessagePart, Partner
from rogatory.lib import uploads
from rogatory.operations import database
from rogatory.operations.actions import do_finish_restore
from rogatory.operations.documents import verify_documents
from rogatory.operations.errors import BackupError


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "documents")
    settings.AUDIT_ACCESS_LOG_KEY_FILE = tmp_path / "audit-access-log.key"


def add_document(personas: Personas, content: bytes) -> Any:
    case = do_register_case(
        personas.authority_a,
        direction=Direction.INCOMING,
        fields={
            "kind": "mla",
            "subject": "Fraud",
            "requesting_state_id": "KE",
            "requesting_authority_name": "ODPP",
        },
        acting_user=personas.officer,
        measures=[{"kind": MeasureType.BANK_RECORDS, "description": ""}],
    )
    return do_add_document(
        case,
        title="Statement",
        kind="evidence",
        upload=SimpleUploadedFile("statement.txt", content),
        original_name="statement.txt",
        acting_user=personas.officer,
    )


@pytest.mark.django_db
def test_changed_and_missing_files_are_named(personas: Personas) -> None:
    intact = add_document(personas, b"Account 1: EUR 10\n")
    changed = add_document(personas, b"Account 2: EUR 20\n")
    missing = add_document(personas, b"Account 3: EUR 30\n")
    assert verify_documents().ok
    uploads.stored_path(changed.file_path).write_bytes(b"Account 2: EUR 2000\n")
    uploads.stored_path(missing.file_path).unlink()
    result = verify_documents()
    assert (result.checked, result.problem_count) == (3, 2)
    assert f"document version #{changed.pk}" in result.problems[0]
    assert "does not match its checksum" in result.problems[0]
    assert f"document version #{missing.pk}" in result.problems[1]
    assert "is missing" in result.problems[1]
    assert f"#{intact.pk}:" not in " ".join(result.problems)
    with pytest.raises(CommandError, match="2 of 3 stored files fail their check"):
        call_command("verify_documents")


@pytest.mark.django_db
def test_received_files_follow_the_data_directory(personas: Personas, tmp_path: Path) -> None:
    """Received exchange files are kept by absolute path: a restore into another DATA_DIR
    points them there, and says so in the audit trail."""
    now = timezone.now()
    partner = Partner.objects.create(
        node_id="ke-node",
        endpoint="https://ke.example.org/exchange/v1",
        descriptor="{}",
        descriptor_issued_at=now,
        source="manual",
        fingerprint="0" * 40,
    )
    message = Message.objects.create(
        message_id=uuid.uuid4(),
        direction="inbound",
        authority=personas.authority_a,
        partner=partner,
        from_node="ke-node",
        from_party="ke-odpp",
        to_node="fr-node",
        to_party="aa-central",
        action="request",
        sealed_at=now,
        expires_at=now,
        digest="0" * 64,
        header={},
        body={},
        state="delivered",
    )

    def part(part_id: str, path: str) -> MessagePart:
        return MessagePart.objects.create(
            message=message,
            part_id=part_id,
            name="annex.pdf",
            media_type="application/pdf",
            size=1,
            sha256="0" * 64,
            chunk_size=1,
            chunk_count=1,
            stored_path=path,
        )

    moved = part("p1", f"/srv/old/exchange/incoming/{message.public_id}/p1")
    elsewhere = part("p2", "/srv/older/exchange/incoming/x/p2")
    assert (
        do_finish_restore(
            name="rogatory-backup-20261206T221655Z.tar.age",
            sha256="ab" * 32,
            header={"created_at": "2026-12-06T22:16:55+00:00"},
            old_data_dir="/srv/old",
            new_data_dir=str(tmp_path),
        )
        == 1
    )
    moved.refresh_from_db()
    elsewhere.refresh_from_db()
    assert moved.stored_path == f"{tmp_path}/exchange/incoming/{message.public_id}/p1"
    assert elsewhere.stored_path == "/srv/older/exchange/incoming/x/p2"
    entry = AuditEntry.objects.latest("sequence")
    assert entry.action == "operations.restored" and entry.details["paths_moved"] == 1
    assert verify_chain().problem is None


def test_a_missing_pg_dump_says_what_to_install(settings: Any, tmp_path: Path) -> None:
    settings.BACKUP_PG_BINDIR = str(tmp_path)
    with pytest.raises(BackupError, match=r"postgresql-client-NN.*BACKUP_PG_BINDIR"):
        database.pg_tool("pg_dump")


def test_pg_dump_older_than_the_server_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(database, "pg_tool", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(database, "tool_version", lambda _path: (15, "15.20"))
    monkeypatch.setattr(database, "server_version", lambda: (17, "17.2"))
    with pytest.raises(BackupError, match=r"pg_dump 15\.20 cannot dump a PostgreSQL 17\.2"):
        database.dump_postgresql(tmp_path / "dump")
    assert not (tmp_path / "dump").exists()


def test_a_dump_newer_than_pg_restore_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database, "pg_tool", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(database, "tool_version", lambda _path: (15, "15.20"))
    with pytest.raises(BackupError, match=r"dumped by pg_dump 17\.2.*postgresql-client-17"):
        database.check_pg_restore("17.2")
    assert database.check_pg_restore("15.4") == "/usr/bin/pg_restore"
