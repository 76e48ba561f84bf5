"""lib.downloads: one safe Content-Disposition for every download."""

from __future__ import annotations

import pytest
from django.http import HttpResponse

from rogatory.lib.downloads import attachment, attachment_header


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("OUT-2026-1-v1-en.json", 'attachment; filename="OUT-2026-1-v1-en.json"'),
        (
            'QQ"; filename="evil.html-v1-en.json',
            'attachment; filename="QQ_; filename=_evil.html-v1-en.json"',
        ),
        ("a\r\nSet-Cookie: x=1.json", 'attachment; filename="a Set-Cookie_ x=1.json"'),
        ("../../etc/passwd", 'attachment; filename="passwd"'),
        ("Requête.pdf", "attachment; filename*=utf-8''Requ%C3%AAte.pdf"),
        ("\x00\x01", 'attachment; filename="download"'),
    ],
)
def test_a_name_can_neither_break_nor_extend_the_header(name: str, header: str) -> None:
    assert attachment_header(name) == header
    response = attachment(HttpResponse(b"x"), name)
    assert response["Content-Disposition"] == header
    assert "\n" not in response["Content-Disposition"]


def test_no_download_writes_its_header_by_hand() -> None:
    """Every Content-Disposition goes through ``attachment()`` (an f-string once let a quote in
    our reference add a second file name)."""
    from pathlib import Path

    import rogatory

    root = Path(rogatory.__file__).parent
    by_hand = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "downloads.py"
        and '["Content-Disposition"] =' in path.read_text(encoding="utf-8")
    ]
    assert by_hand == []
