"""The monthly summary of additive figures and the triggers that keep it (decision 0046).

Triggers on requests, offences and measures mark the months a change touches in
``statistics_stalemonth``: the month the request started (received, for an incoming request;
sent, for an outgoing one) and the month it was disposed of, as they were before the change and
as they are after. ``statistics.facts.refresh`` counts those months again before figures are
read. The SQL is written out here (a migration imports no app code), once per database.
"""

import django.db.models.deletion
from django.db import migrations, models

# The columns of a request whose change changes a count of the summary.
COUNTED = (
    "authority_id",
    "direction",
    "received_on",
    "sent_on",
    "disposed_on",
    "kind",
    "channel",
    "urgency",
    "counterpart_state_id",
    "legal_basis_id",
    "legal_basis_note",
    "refusal_ground",
    "status",
    "acknowledged_on",
    "executed_on",
)
# Of an offence and of a measure.
RELATED = {
    "cases_offence": ("case_id", "iccs_id"),
    "cases_measure": ("case_id", "kind", "status", "refusal_ground"),
}


def start(row: str) -> str:
    return f"CASE WHEN {row}.direction = 'incoming' THEN {row}.received_on ELSE {row}.sent_on END"


def postgresql() -> tuple[list[str], list[str]]:
    def mark_case(row: str) -> str:
        return (
            "INSERT INTO statistics_stalemonth (authority_id, month) "
            f"SELECT {row}.authority_id, date_trunc('month', d)::date "
            f"FROM (VALUES ({start(row)}), ({row}.disposed_on)) AS v(d) WHERE d IS NOT NULL "
            "ON CONFLICT DO NOTHING;"
        )

    def mark_request_of(row: str) -> str:
        return (
            "INSERT INTO statistics_stalemonth (authority_id, month) "
            f"SELECT c.authority_id, date_trunc('month', {start('c')})::date "
            f"FROM cases_case c WHERE c.id = {row}.case_id AND {start('c')} IS NOT NULL "
            "ON CONFLICT DO NOTHING;"
        )

    forward = []
    for name, mark in (("case", mark_case), ("request_of", mark_request_of)):
        forward.append(
            f"CREATE FUNCTION statistics_mark_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF TG_OP IN ('UPDATE', 'DELETE') THEN {mark('OLD')} END IF; "
            f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {mark('NEW')} END IF; RETURN NULL; END $$;"
        )
    tables = {"cases_case": (COUNTED, "case"), **{t: (c, "request_of") for t, c in RELATED.items()}}
    backward = []
    for table, (columns, function) in tables.items():
        old = ", ".join(f"OLD.{c}" for c in columns)
        new = ", ".join(f"NEW.{c}" for c in columns)
        forward += [
            f"CREATE TRIGGER statistics_{table}_written AFTER INSERT OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION statistics_mark_{function}();",
            f"CREATE TRIGGER statistics_{table}_changed AFTER UPDATE ON {table} FOR EACH ROW "
            f"WHEN (({old}) IS DISTINCT FROM ({new})) EXECUTE FUNCTION statistics_mark_{function}();",
        ]
        backward += [
            f"DROP TRIGGER IF EXISTS statistics_{table}_written ON {table};",
            f"DROP TRIGGER IF EXISTS statistics_{table}_changed ON {table};",
        ]
    backward += [
        "DROP FUNCTION IF EXISTS statistics_mark_case();",
        "DROP FUNCTION IF EXISTS statistics_mark_request_of();",
    ]
    return forward, backward


def sqlite() -> tuple[list[str], list[str]]:
    def mark_case(row: str) -> str:
        return (
            "INSERT OR IGNORE INTO statistics_stalemonth (authority_id, month) "
            f"SELECT {row}.authority_id, date(d, 'start of month') FROM (SELECT {start(row)} AS d "
            f"UNION ALL SELECT {row}.disposed_on) WHERE d IS NOT NULL;"
        )

    def mark_request_of(row: str) -> str:
        return (
            "INSERT OR IGNORE INTO statistics_stalemonth (authority_id, month) "
            f"SELECT c.authority_id, date({start('c')}, 'start of month') FROM cases_case c "
            f"WHERE c.id = {row}.case_id AND {start('c')} IS NOT NULL;"
        )

    tables = {
        "cases_case": (COUNTED, mark_case),
        **{t: (c, mark_request_of) for t, c in RELATED.items()},
    }
    forward, backward = [], []
    for table, (columns, mark) in tables.items():
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
        forward += [
            f"CREATE TRIGGER statistics_{table}_inserted AFTER INSERT ON {table} "
            f"BEGIN {mark('NEW')} END;",
            f"CREATE TRIGGER statistics_{table}_deleted AFTER DELETE ON {table} "
            f"BEGIN {mark('OLD')} END;",
            f"CREATE TRIGGER statistics_{table}_changed AFTER UPDATE ON {table} WHEN {changed} "
            f"BEGIN {mark('OLD')} {mark('NEW')} END;",
        ]
        backward += [
            f"DROP TRIGGER IF EXISTS statistics_{table}_{event};"
            for event in ("inserted", "deleted", "changed")
        ]
    return forward, backward


def statements(schema_editor, which: int) -> list[str]:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        return postgresql()[which]
    if vendor == "sqlite":
        return sqlite()[which]
    raise NotImplementedError(f"No statistics triggers for {vendor}")


def add_triggers(apps, schema_editor) -> None:
    for sql in statements(schema_editor, 0):
        schema_editor.execute(sql, params=None)


def remove_triggers(apps, schema_editor) -> None:
    for sql in statements(schema_editor, 1):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_user_language"),
        ("statistics", "0003_hub_consent"),
        ("cases", "0014_case_disposed_on"),
    ]

    operations = [
        migrations.CreateModel(
            name="StaleMonth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("authority_id", models.BigIntegerField()),
                ("month", models.DateField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("authority_id", "month"), name="stale_month_once"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MonthlyFact",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField()),
                ("fact", models.CharField(max_length=20)),
                ("key", models.CharField(blank=True, max_length=100)),
                ("direction", models.CharField(max_length=10)),
                ("n1", models.PositiveIntegerField(default=0)),
                ("n2", models.PositiveIntegerField(default=0)),
                ("n3", models.PositiveIntegerField(default=0)),
                (
                    "authority",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.authority",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["authority", "month"],
                        include=("fact", "key", "direction", "n1", "n2", "n3"),
                        name="monthly_fact_period",
                    )
                ],
            },
        ),
        migrations.RunPython(add_triggers, remove_triggers),
    ]
