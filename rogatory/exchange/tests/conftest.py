"""Exchange fixtures: a node (one installation hosting the personas' two authorities, as a
regional hub would), and an approved request of authority A to authority B."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from conftest import Personas
from rogatory.cases.models import Case
from rogatory.drafting.actions import do_approve, do_finalise
from rogatory.drafting.models import RequestVersion
from rogatory.drafting.tests.test_versions import a_draft
from rogatory.exchange.models import LocalNode, PartnerAuthority
from rogatory.exchange.node import do_init_node

KEK = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def _exchange_settings(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DATA_DIR = tmp_path
    settings.EXCHANGE_KEK = [KEK]


@pytest.fixture
def hub(personas: Personas) -> LocalNode:
    return do_init_node("hub-node", "http://127.0.0.1:9/exchange/v1")


@pytest.fixture
def approved(personas: Personas, hub: LocalNode) -> RequestVersion:
    case: Case = a_draft(personas)
    version = do_finalise(case, language="en", acting_user=personas.officer)
    return do_approve(version, acting_user=personas.supervisor)


def destination_b(personas: Personas) -> PartnerAuthority:
    return PartnerAuthority.objects.get(code=personas.authority_b.code, partner__node_id="hub-node")
