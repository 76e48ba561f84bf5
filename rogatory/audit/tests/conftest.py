"""Each audit test gets its own key files and checkpoint folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def audit_keys(settings: Any, tmp_path: Path) -> Path:
    settings.AUDIT_ACCESS_LOG_KEY_FILE = tmp_path / "keys" / "audit-access-log.key"
    settings.AUDIT_CHECKPOINT_KEY_FILE = tmp_path / "keys" / "audit-checkpoint.key"
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return tmp_path
