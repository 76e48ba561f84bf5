"""Signed trust lists: a network operator makes its key and signs lists of nodes; a node pins
the operator (fingerprint confirmed out of band) and applies its lists.

  operator-keygen --output DIR         the operator's key pair (private.json 0600, public.json)
  sign --key private.json --operator NAME --sequence N [--valid-days 30]
       --descriptor a.jws [--descriptor b.jws …] [--revoked NODE_ID …] --output list.jws
  pin-operator NAME public.json FINGERPRINT
  import list.jws
  operators
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rogatory.exchange import seal
from rogatory.exchange.errors import ExchangeError
from rogatory.exchange.models import TrustListOperator
from rogatory.exchange.node import do_import_trust_list, do_pin_operator


class Command(BaseCommand):
    help = "Signed trust lists of nodes: make and sign (operator), pin and import (node)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        keygen = sub.add_parser("operator-keygen")
        keygen.add_argument("--output", required=True, help="folder for the key files")
        sign = sub.add_parser("sign")
        sign.add_argument("--key", required=True)
        sign.add_argument("--operator", required=True)
        sign.add_argument("--sequence", type=int, required=True)
        sign.add_argument("--valid-days", type=int, default=30)
        sign.add_argument("--descriptor", action="append", default=[])
        sign.add_argument("--revoked", action="append", default=[], metavar="NODE_ID")
        sign.add_argument("--output", required=True)
        pin = sub.add_parser("pin-operator")
        pin.add_argument("name")
        pin.add_argument("public_key")
        pin.add_argument("fingerprint")
        imp = sub.add_parser("import")
        imp.add_argument("file")
        sub.add_parser("operators")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["verb"].replace("-", "_"))(options)
        except (ExchangeError, seal.SealError, OSError, ValueError, KeyError) as error:
            raise CommandError(getattr(error, "message", str(error))) from error

    def _operator_keygen(self, options: dict[str, Any]) -> None:
        folder = Path(options["output"])
        folder.mkdir(parents=True, exist_ok=True)
        key = seal.generate_key("sig", not_before=timezone.now())
        private = folder / "private.json"
        fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"public": key.public().to_json(), "private_jwk": key.jwk}, handle)
        (folder / "public.json").write_text(json.dumps(key.public().to_json()), encoding="utf-8")
        self.stdout.write(f"fingerprint {seal.fingerprint(key.jwk)}")

    def _sign(self, options: dict[str, Any]) -> None:
        data = json.loads(Path(options["key"]).read_text(encoding="utf-8"))
        public = seal.PublicKey.from_json(data["public"])
        private = seal.PrivateKey(
            kid=public.kid,
            use=public.use,
            jwk=data["private_jwk"],
            not_before=public.not_before,
            not_after=public.not_after,
        )
        nodes = []
        for path in options["descriptor"]:
            parsed = seal.verify_descriptor(Path(path).read_text(encoding="ascii").strip())
            nodes.append(
                {
                    "node_id": parsed.node_id,
                    "endpoint": parsed.endpoint,
                    "status": "active",
                    "keys": [k.to_json() for k in parsed.keys],
                    "authorities": parsed.authorities,
                }
            )
        nodes += [
            {
                "node_id": n,
                "endpoint": "https://invalid.example/",
                "status": "revoked",
                "keys": [],
                "authorities": [],
            }
            for n in options["revoked"]
        ]
        now = timezone.now()
        token = seal.sign_trust_list(
            operator=options["operator"],
            sequence=options["sequence"],
            issued_at=now,
            next_update=now + datetime.timedelta(days=options["valid_days"]),
            nodes=nodes,
            signing_key=private,
        )
        Path(options["output"]).write_text(token + "\n", encoding="ascii")
        self.stdout.write(f"{len(nodes)} nodes, sequence {options['sequence']}")

    def _pin_operator(self, options: dict[str, Any]) -> None:
        public = json.loads(Path(options["public_key"]).read_text(encoding="utf-8"))
        operator = do_pin_operator(
            options["name"], public, options["fingerprint"], acting_user=None
        )
        self.stdout.write(f"{operator.name} pinned {operator.fingerprint}")

    def _import(self, options: dict[str, Any]) -> None:
        token = Path(options["file"]).read_text(encoding="ascii")
        changed = do_import_trust_list(token, acting_user=None)
        self.stdout.write(f"applied: {', '.join(p.node_id for p in changed) or 'no change'}")

    def _operators(self, options: dict[str, Any]) -> None:
        for operator in TrustListOperator.objects.all():
            self.stdout.write(
                f"{operator.name} {operator.fingerprint} sequence {operator.last_sequence}"
            )
