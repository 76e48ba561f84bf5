"""Check every stored file against the checksum the database keeps for it.

Case documents (every version), the rendered request files (DOCX and PDF) and files received
through the exchange and not yet filed on a case: each must exist and hash to the SHA-256
recorded when it was stored. Run after a restore, and whenever a disk is suspect
(``manage.py verify_documents``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from rogatory.cases.models import DocumentVersion
from rogatory.drafting.models import RequestVersion
from rogatory.exchange.models import MessagePart
from rogatory.lib import uploads

# Problems listed in full; beyond this only counted.
LISTED = 50


@dataclass
class DocumentCheck:
    checked: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: str) -> None:
        self.problem_count += 1
        if len(self.problems) < LISTED:
            self.problems.append(problem)


def _stored_files() -> Iterator[tuple[str, Path | None, str]]:
    """(what, absolute path or None if unsafe, expected SHA-256) of every stored file."""
    for pk, path, sha256 in DocumentVersion.objects.values_list(
        "pk", "file_path", "sha256"
    ).iterator(chunk_size=2000):
        yield _("document version #%(id)s") % {"id": pk}, _media(path), sha256
    for pk, docx, docx_sha, pdf, pdf_sha in RequestVersion.objects.values_list(
        "pk", "docx_path", "docx_sha256", "pdf_path", "pdf_sha256"
    ).iterator(chunk_size=2000):
        what = _("request version #%(id)s") % {"id": pk}
        if docx:
            yield f"{what} (DOCX)", _media(docx), docx_sha
        if pdf:
            yield f"{what} (PDF)", _media(pdf), pdf_sha
    parts = (
        MessagePart.objects.filter(document_version__isnull=True)
        .exclude(stored_path="")
        .values_list("pk", "stored_path", "sha256")
    )
    for pk, path, sha256 in parts.iterator(chunk_size=2000):
        yield _("exchange message part #%(id)s") % {"id": pk}, Path(path), sha256


def _media(relative: str) -> Path | None:
    try:
        return uploads.stored_path(relative)
    except uploads.UnsafePath:
        return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_documents() -> DocumentCheck:
    """Hash every stored file and compare; missing, unreadable and changed files are listed."""
    result = DocumentCheck()
    for what, path, expected in _stored_files():
        result.checked += 1
        if path is None:
            result.add(_("%(what)s: its path leads outside the document folder") % {"what": what})
            continue
        try:
            actual = _sha256(path)
        except FileNotFoundError:
            result.add(_("%(what)s: %(path)s is missing") % {"what": what, "path": path})
            continue
        except OSError as error:
            result.add(
                _("%(what)s: %(path)s cannot be read (%(error)s)")
                % {"what": what, "path": path, "error": error.strerror}
            )
            continue
        if not hmac.compare_digest(actual, (expected or "").strip().lower()):
            result.add(
                _("%(what)s: %(path)s does not match its checksum") % {"what": what, "path": path}
            )
    return result
