"""The knowledge import costs bounded work (decision 0022).

The security probe of 2026-12-06 uploaded a 760 KB archive of 40 text files of 19 MB each at
/knowledge/import/: one core stayed busy over ten minutes. Two causes: nothing bounded what an
upload may unpack or how long its import may run, and the plain-text parser was quadratic in
the lines of a paragraph (a 400 KB text of numbered lines took 198 s).
"""

from __future__ import annotations

import io
import itertools
import random
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.knowledge import untext
from rogatory.knowledge.models import KnowledgeDocument
from rogatory.lib import archives

SEEDS = Path(__file__).with_name("seeds")


@pytest.fixture(autouse=True)
def _private_folders(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "tmp"
    (tmp_path / "tmp").mkdir()
    return tmp_path / "tmp"


def zip_upload(members: dict[str, bytes], name: str = "batch.zip") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_the_probes_archive_is_refused_at_once(
    client: Client, personas: Personas, settings: Any
) -> None:
    """Files that unpack to 1,000 times the archive's size are refused before any is read,
    with a clear message; nothing is imported and no temporary file stays."""
    client.force_login(personas.site_admin)
    upload = zip_upload({f"doc-{i:02}.txt": b"A" * (5 * 1024 * 1024) for i in range(8)})
    response = client.post(reverse("knowledge_import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "times its size" in page
    assert 'data-testid="import-report"' not in page
    assert KnowledgeDocument.objects.count() == 0
    assert list(Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir()) == []


def test_the_import_stops_taking_files_when_its_time_is_up(
    client: Client, personas: Personas, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After KNOWLEDGE_IMPORT_SECONDS the files not yet read are reported, not imported;
    uploading the same archive again goes on from there."""
    settings.KNOWLEDGE_IMPORT_SECONDS = 60
    clock = itertools.count(0, 40)  # each look at the clock: forty seconds later
    monkeypatch.setattr(archives, "monotonic", lambda: next(clock))
    seeds = {path.name: path.read_bytes() for path in sorted(SEEDS.glob("*.txt"))}
    assert len(seeds) == 3
    client.force_login(personas.site_admin)
    page = client.post(reverse("knowledge_import"), {"file": zip_upload(seeds)}).content.decode()
    assert KnowledgeDocument.objects.count() == 1
    assert page.count("the time for one upload (60 seconds) ran out") == 2

    monkeypatch.setattr(archives, "monotonic", lambda: 0)
    client.post(reverse("knowledge_import"), {"file": zip_upload(seeds)})
    assert KnowledgeDocument.objects.count() == 3


def test_the_temporary_folder_is_removed_when_the_import_fails(
    client: Client, personas: Personas, settings: Any
) -> None:
    client.force_login(personas.site_admin)
    broken = SimpleUploadedFile("broken.zip", b"PK\x03\x04" + b"junk" * 1000)
    page = client.post(reverse("knowledge_import"), {"file": broken}).content.decode()
    assert "not a readable zip archive" in page
    assert list(Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir()) == []


# -- The plain-text parser is linear -----------------------------------------------------------


def _old_join_all(pieces: list[str]) -> str:
    """The joining as it was (quadratic), kept here to show the new one joins the same."""
    text = ""
    for piece in pieces:
        text = untext._join(text, piece)
    return re.sub(r"[ \t\u00a0\u3000]+", " ", text).strip()


def test_joining_is_unchanged() -> None:
    """Random pieces (Latin, CJK, spaces, empty ones) join exactly as before."""
    alphabet = ["a", "b", ".", " ", "\u3000", "中", "文", "。", "¹", "1", "\t", ""]
    chance = random.Random(14)
    for _case in range(2000):
        pieces = [
            "".join(chance.choice(alphabet) for _c in range(chance.randrange(5)))
            for _p in range(chance.randrange(6))
        ]
        assert untext._join_all(pieces) == _old_join_all(pieces), pieces


@pytest.mark.parametrize(
    ("text", "complete"),
    [
        ("Decides to act.", True),
        ("Decides to act.¹", True),
        ("Decides to act.” 12 ", True),
        ("Decides to act", False),
        ("决定采取行动。", True),
        ("  ¹ 2 ", False),
        ("", False),
    ],
)
def test_a_paragraph_ends_complete_as_before(text: str, complete: bool) -> None:
    assert untext._ends_complete([text]) is complete
    assert untext._ends_complete([text, "", "  "]) is complete


def test_a_long_wrapped_paragraph_is_joined_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A paragraph of 2,000 wrapped lines is joined once, not once per line (which made the
    probe's texts cost minutes each)."""
    calls = 0
    join_all = untext._join_all

    def counting(pieces: Any) -> str:
        nonlocal calls
        calls += 1
        return join_all(pieces)

    monkeypatch.setattr(untext, "_join_all", counting)
    lines = ["1. Decides to act on the matters listed below"]
    lines += [f"and on item {i} of the list" for i in range(2000)]
    lines += ["and on nothing else."]
    untext.parse("\n".join(lines))
    assert calls < 20
