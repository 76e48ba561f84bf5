"""Bounds on what opening an archive may cost: members, inflated size, ratio and time.

A few hundred kilobytes of ZIP can inflate to gigabytes (a 760 KB archive of 40 text files of
19 MB each kept a core busy for over ten minutes in one request, security probe of
2026-12-06). Before anything is inflated, ``check_zip`` reads the central directory only
(what each member says it holds) and refuses an archive with too many members, too much in
all, or a ratio no real document reaches; ``zipfile`` never inflates a member beyond the size
its entry declares (and checks its CRC), so these declared sizes bound the work. Reading then
goes through ``read_member`` in chunks, against a ``Deadline``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from time import monotonic

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

__all__ = ["ArchiveLimits", "ArchiveRefused", "Deadline", "check_zip", "read_member"]

_CHUNK = 1024 * 1024


class ArchiveRefused(Exception):
    """An archive refused before or while reading it; ``message`` is for the person.

    Codes: ``too_many_members``, ``too_large_inflated``, ``ratio``, ``too_slow``.
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int
    max_inflated: int  # bytes, all members together
    # Inflated size over archive size; checked only above ``ratio_floor`` bytes inflated, so
    # that a small, very regular file (an empty spreadsheet) is not refused.
    max_ratio: int
    ratio_floor: int


@dataclass
class Deadline:
    """A time budget in seconds of wall-clock time, checked between chunks of work."""

    seconds: float
    started: float = 0.0

    def __post_init__(self) -> None:
        self.started = self.started or monotonic()

    @property
    def expired(self) -> bool:
        return monotonic() - self.started > self.seconds

    def check(self) -> None:
        if self.expired:
            raise ArchiveRefused(
                _(
                    "Checking this file took longer than the %(seconds)d seconds allowed; it "
                    "was not accepted. Split it into smaller files and try again."
                )
                % {"seconds": self.seconds},
                "too_slow",
            )


def check_zip(archive: zipfile.ZipFile, archive_size: int, limits: ArchiveLimits) -> None:
    """Refuse an archive whose central directory promises more work than ``limits`` allow."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise ArchiveRefused(
            _("The archive holds %(count)d files; at most %(limit)d are accepted.")
            % {"count": len(members), "limit": limits.max_members},
            "too_many_members",
        )
    inflated = sum(member.file_size for member in members)
    if inflated > limits.max_inflated:
        raise ArchiveRefused(
            _("Unpacked, the archive would take %(size)s; at most %(limit)s are accepted.")
            % {"size": filesizeformat(inflated), "limit": filesizeformat(limits.max_inflated)},
            "too_large_inflated",
        )
    if inflated > limits.ratio_floor and inflated > limits.max_ratio * max(archive_size, 1):
        raise ArchiveRefused(
            _(
                "The archive would unpack to %(ratio)d times its size, more than any real "
                "document does (at most %(limit)d times): it was not opened."
            )
            % {"ratio": inflated // max(archive_size, 1), "limit": limits.max_ratio},
            "ratio",
        )


def read_member(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, deadline: Deadline | None = None
) -> Iterator[bytes]:
    """Yield a member's bytes in chunks, checking ``deadline`` between them (and the CRC at
    the end, as ``zipfile`` does: a damaged member raises ``zipfile.BadZipFile``)."""
    with archive.open(member) as handle:
        while chunk := handle.read(_CHUNK):
            if deadline is not None:
                deadline.check()
            yield chunk
