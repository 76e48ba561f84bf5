"""Archives cost bounded work: members, inflated size, ratio and time (decision 0022)."""

from __future__ import annotations

import io
import itertools
import zipfile
from pathlib import Path
from typing import Any

import pytest

from rogatory.lib import archives, uploads
from rogatory.lib.archives import ArchiveLimits, ArchiveRefused, Deadline, check_zip, read_member
from rogatory.lib.uploads import UploadRejected

from .test_uploads import make_docx

LIMITS = ArchiveLimits(max_members=3, max_inflated=10_000_000, max_ratio=50, ratio_floor=100_000)


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def refusal(data: bytes, limits: ArchiveLimits = LIMITS) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive, pytest.raises(ArchiveRefused) as caught:
        check_zip(archive, len(data), limits)
    assert caught.value.message
    return caught.value.code


def test_an_ordinary_archive_passes() -> None:
    data = zip_of({"a.txt": b"Decides to act.\n" * 1000, "b.txt": b"x"})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_zip(archive, len(data), LIMITS)


def test_too_many_members_are_refused_before_reading() -> None:
    assert refusal(zip_of({f"{i}.txt": b"x" for i in range(4)})) == "too_many_members"


def test_too_much_inflated_in_all_is_refused() -> None:
    big = ArchiveLimits(max_members=10, max_inflated=1_000_000, max_ratio=10**6, ratio_floor=0)
    assert refusal(zip_of({"a.txt": b"\0" * 600_000, "b.txt": b"\0" * 600_000}), big) == (
        "too_large_inflated"
    )


def test_a_bomb_is_refused_by_its_ratio() -> None:
    """A megabyte of zeros compresses about 1,000 times: no real document does."""
    assert refusal(zip_of({"a.txt": b"\0" * 1_000_000})) == "ratio"


def test_a_small_regular_file_is_not_refused_for_its_ratio() -> None:
    """Under the floor any ratio passes (an empty spreadsheet compresses very well)."""
    data = zip_of({"a.txt": b"\0" * 90_000})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_zip(archive, len(data), LIMITS)


def test_reading_stops_when_the_time_is_up(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = itertools.count(0, 10)  # every look at the clock: ten seconds later
    monkeypatch.setattr(archives, "monotonic", lambda: next(clock))
    data = zip_of({"a.txt": b"x" * 3_000_000})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        chunks = read_member(archive, archive.infolist()[0], Deadline(15))
        next(chunks)
        with pytest.raises(ArchiveRefused) as caught:
            list(chunks)
    assert caught.value.code == "too_slow"


# -- Case documents: a DOCX that inflates to gigabytes is refused without inflating it --------


@pytest.fixture
def target(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "documents"
    return tmp_path / "documents" / "cases" / "7"


def docx_bomb(megabytes: int) -> bytes:
    """A real DOCX with one more part of zeros (the probe's bomb inflated 1 MB to 1,000 MiB)."""
    out = io.BytesIO(make_docx())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/padding.bin", b"\0" * (megabytes * 1024 * 1024))
    return out.getvalue()


def test_a_docx_bomb_is_refused_at_once_and_leaves_nothing(target: Path) -> None:
    """Refused from its central directory (code "ratio"), before anything is inflated."""
    data = docx_bomb(200)
    with pytest.raises(UploadRejected) as caught:
        uploads.store_upload(data, directory=target, original_name="bomb.docx")
    assert caught.value.code == "ratio"
    assert "times its size" in caught.value.message
    assert not any(target.iterdir())


def test_a_docx_whose_check_runs_too_long_is_refused(
    target: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.UPLOAD_CHECK_SECONDS = 5
    clock = itertools.count(0, 10)
    monkeypatch.setattr(archives, "monotonic", lambda: next(clock))
    data = make_docx("A letter of request. " * 100_000)
    with pytest.raises(UploadRejected) as caught:
        uploads.store_upload(data, directory=target, original_name="long.docx")
    assert caught.value.code == "too_slow"
    assert not any(target.iterdir())


def test_an_ordinary_docx_is_still_accepted(target: Path) -> None:
    stored = uploads.store_upload(make_docx(), directory=target, original_name="letter.docx")
    assert stored.content_type == uploads.DOCX
