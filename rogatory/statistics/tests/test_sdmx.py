"""SDMX: the published structure validates against SDMX-ML 2.1, the data against the structure.

Everything offline: the SDMX-ML schemas are vendored beside this file (SOURCE.md there), and
the data are read back by ``sdmx1`` with the structure the site publishes.
"""

from __future__ import annotations

import datetime
import io
import logging
from pathlib import Path
from typing import Any

import pytest
import sdmx
import sdmx.reader.csv
from django.test import Client

from conftest import PASSWORD, Personas
from rogatory.cases.choices import Direction, Status
from rogatory.cases.models import Case, Offence
from rogatory.cases.stats import Period
from rogatory.cases.tests.conftest import MakeCase
from rogatory.statistics import sdmx as rogatory_sdmx

SCHEMAS = Path(__file__).parent / "sdmx-ml-2.1"
YEAR = Period.calendar_year(2025)


def published_structure(tmp_path: Path) -> Any:
    """The structure as published, validated against the SDMX-ML 2.1 schemas and read back."""
    path = tmp_path / "structure.xml"
    path.write_bytes(rogatory_sdmx.structure_xml())
    assert sdmx.validate_xml(path, schema_dir=SCHEMAS, version="2.1")
    message = sdmx.read_sdmx(path)
    return message.dataflow[rogatory_sdmx.DATAFLOW_ID]


def validate_sdmx_csv(text: str, dataflow: Any) -> list[Any]:
    """Check SDMX-CSV against the DSD; return its observations.

    sdmx1 reads the file with the structure (each column must be a component of the DSD, none
    custom, none missing); each code must be in its dimension's or attribute's codelist; a
    count is a whole number, or empty and marked confidential.
    """
    reader = sdmx.reader.csv.Reader()
    message = reader.convert(io.BytesIO(text.encode()), structure=dataflow)
    assert reader.options.custom_columns == []
    dsd = dataflow.structure
    header = text.splitlines()[0].split(",")
    for component in [*dsd.dimensions.components, *dsd.attributes.components]:
        assert component.id in header, component.id
    observations = [obs for dataset in message.data for obs in dataset.obs]
    for obs in observations:
        for dimension in dsd.dimensions.components:
            value = obs.dimension.values[dimension.id].value
            codelist = dimension.local_representation.enumerated
            if codelist is not None:
                assert value in codelist, (dimension.id, value)
            else:
                assert value, dimension.id
        for attribute in dsd.attributes.components:
            if attribute.id in obs.attached_attribute:
                value = obs.attached_attribute[attribute.id].value
                if value:
                    assert value in attribute.local_representation.enumerated, attribute.id
        assert obs.attached_attribute["UNIT_MEASURE"].value == "REQ"
        if obs.value == "":
            assert obs.attached_attribute["CONF_STATUS"].value == "C"
        else:
            assert int(obs.value) > 0
    return observations


def written_by_sdmx1(rows: list[Any]) -> str:
    """The same observations written by sdmx1's own SDMX-CSV writer: the reference."""
    import pandas as pd
    from sdmx.model import common, v21

    built = rogatory_sdmx.structure()
    dsd = built.dsd
    names = (*rogatory_sdmx.DIMENSIONS, "TIME_PERIOD")
    unit, conf = dsd.attributes.get("UNIT_MEASURE"), dsd.attributes.get("CONF_STATUS")
    dataset = v21.DataSet(described_by=built.dataflow, structured_by=dsd)
    observations = []
    for row in rows:
        attributes = {"UNIT_MEASURE": common.AttributeValue(value="REQ", value_for=unit)}
        if row.confidential:
            attributes["CONF_STATUS"] = common.AttributeValue(value="C", value_for=conf)
        observations.append(
            v21.Observation(
                dimension=dsd.make_key(common.Key, dict(zip(names, row.key, strict=True))),
                value="" if row.value is None else row.value,
                attached_attribute=attributes,
            )
        )
    dataset.add_obs(observations)
    # rtype=str would give pandas' fixed-width text, not CSV: take the frame and write it.
    frame = sdmx.to_csv(dataset, rtype=pd.DataFrame, attributes="o", dtype=None)
    assert isinstance(frame, pd.DataFrame)
    return str(frame.to_csv(index=False, lineterminator="\r\n"))


def by_key(observations: list[Any]) -> dict[tuple[str, ...], str]:
    return {
        tuple(obs.dimension.values[d].value for d in rogatory_sdmx.DIMENSIONS): obs.value
        for obs in observations
    }


@pytest.fixture
def year_of_requests(make_case: MakeCase, personas: Personas) -> None:
    """A's requests of 2025: two received from Kenya (one coded twice in ICCS, one executed,
    one not coded), one sent to Kenya and refused; one received in 2024 (outside)."""
    received = make_case(Direction.INCOMING)
    Offence.objects.create(case=received, national_name="Bribery", iccs_id="070311")
    Offence.objects.create(case=received, national_name="Laundering", iccs_id="07041")
    executed = make_case(Direction.INCOMING)
    sent = make_case(Direction.OUTGOING, kind="extradition")
    Offence.objects.create(case=sent, national_name="Blanchiment", iccs_id="07041")
    earlier = make_case(Direction.INCOMING)
    Case.objects.filter(pk__in=[received.pk, executed.pk]).update(
        received_on=datetime.date(2025, 3, 1), status=Status.IN_EXECUTION
    )
    Case.objects.filter(pk=executed.pk).update(status=Status.EXECUTED)
    Case.objects.filter(pk=sent.pk).update(
        sent_on=datetime.date(2025, 6, 30), status=Status.REFUSED
    )
    Case.objects.filter(pk=earlier.pk).update(received_on=datetime.date(2024, 12, 31))


def test_structure_validates_offline_and_has_the_dimensions(tmp_path: Path, db: None) -> None:
    """The DSD is valid SDMX-ML 2.1 and carries the dimensions, measure and attributes asked."""
    dataflow = published_structure(tmp_path)
    dsd = dataflow.structure
    assert [d.id for d in dsd.dimensions.components] == [
        *rogatory_sdmx.DIMENSIONS,
        "TIME_PERIOD",
    ]
    assert [m.id for m in dsd.measures.components] == ["OBS_VALUE"]
    assert {a.id for a in dsd.attributes.components} == {"UNIT_MEASURE", "CONF_STATUS"}
    iccs = dsd.dimensions.get("ICCS").local_representation.enumerated
    assert "ICCS0101" in iccs and "_T" in iccs
    assert iccs["ICCS0101"].parent.id == "ICCS01"
    area = dsd.dimensions.get("COUNTERPART_STATE").local_representation.enumerated
    assert str(area["KEN"].name.localizations["fr"]) == "Kenya"


def test_a_broken_structure_fails_the_schema(tmp_path: Path, db: None) -> None:
    """The schema check can fail: a structure without its final flag is refused."""
    path = tmp_path / "structure.xml"
    path.write_bytes(rogatory_sdmx.structure_xml().replace(b'isFinal="true"', b'isFinal="yes"'))
    logging.getLogger("sdmx").setLevel(logging.CRITICAL)
    assert not sdmx.validate_xml(path, schema_dir=SCHEMAS, version="2.1")


def test_data_of_a_year_validate_against_the_structure(
    tmp_path: Path, personas: Personas, year_of_requests: None
) -> None:
    """The figures of 2025, by hand: each cell, ICCS total, _X and categories."""
    dataflow = published_structure(tmp_path)
    rows = rogatory_sdmx.observations(Case.objects.all(), YEAR, "FRA")
    observations = validate_sdmx_csv(rogatory_sdmx.to_sdmx_csv(rows), dataflow)
    cells = by_key(observations)
    base = ("A", "FRA", "KEN")
    assert cells == {
        (*base, "IN", "MLA", "_T", "PENDING"): "1",
        (*base, "IN", "MLA", "ICCS070311", "PENDING"): "1",
        (*base, "IN", "MLA", "ICCS07041", "PENDING"): "1",
        (*base, "IN", "MLA", "_T", "EXECUTED"): "1",
        (*base, "IN", "MLA", "_X", "EXECUTED"): "1",
        (*base, "OUT", "EXTRADITION", "_T", "REFUSED"): "1",
        (*base, "OUT", "EXTRADITION", "ICCS07041", "REFUSED"): "1",
    }
    assert {obs.dimension.values["TIME_PERIOD"].value for obs in observations} == {"2025"}


def test_small_counts_are_withheld_with_their_total(
    tmp_path: Path, personas: Personas, year_of_requests: None
) -> None:
    """Counts of 1 or 2 leave as confidential, and so does the ICCS total of their cell."""
    dataflow = published_structure(tmp_path)
    rows = rogatory_sdmx.withhold_small_counts(
        rogatory_sdmx.observations(Case.objects.all(), YEAR, "FRA")
    )
    observations = validate_sdmx_csv(rogatory_sdmx.to_sdmx_csv(rows), dataflow)
    assert observations and all(obs.value == "" for obs in observations)


def test_our_writer_gives_what_sdmx1_writes(db: None) -> None:
    """Same columns in the same order, same cells: sdmx1's writer is the reference."""
    key = ("A", "FRA", "KEN", "IN", "MLA")
    rows = [
        rogatory_sdmx.Observation((*key, "_T", "PENDING", "2025"), None, confidential=True),
        rogatory_sdmx.Observation((*key, "ICCS0101", "PENDING", "2025"), 1, confidential=False),
        rogatory_sdmx.Observation((*key, "_X", "EXECUTED", "2025"), 12),
    ]
    assert rogatory_sdmx.to_sdmx_csv(rows) == written_by_sdmx1(rows)


def test_withholding_keeps_large_counts_and_totals_of_large_categories() -> None:
    key = ("A", "FRA", "KEN", "IN", "MLA")
    rows = [
        rogatory_sdmx.Observation((*key, "_T", "PENDING", "2025"), 7),
        rogatory_sdmx.Observation((*key, "ICCS0101", "PENDING", "2025"), 7),
        rogatory_sdmx.Observation((*key, "_T", "EXECUTED", "2025"), 5),
        rogatory_sdmx.Observation((*key, "ICCS0101", "EXECUTED", "2025"), 3),
        rogatory_sdmx.Observation((*key, "_X", "EXECUTED", "2025"), 2),
    ]
    values = [row.value for row in rogatory_sdmx.withhold_small_counts(rows)]
    assert values == [7, 7, None, 3, None]


def test_an_empty_period_is_a_header_that_still_validates(tmp_path: Path, db: None) -> None:
    dataflow = published_structure(tmp_path)
    text = rogatory_sdmx.to_sdmx_csv([])
    assert validate_sdmx_csv(text, dataflow) == []
    assert text.startswith("STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REPORTING_STATE")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ((2025, 1, 1), (2025, 12, 31), ("A", "2025")),
        ((2025, 2, 1), (2025, 2, 28), ("M", "2025-02")),
        ((2024, 2, 1), (2024, 2, 29), ("M", "2024-02")),
        ((2025, 1, 1), (2026, 12, 31), ("_O", "2025-01-01/P730D")),
        ((2025, 3, 15), (2025, 3, 15), ("_O", "2025-03-15/P1D")),
    ],
)
def test_time_period_of_a_period(
    start: tuple[int, int, int], end: tuple[int, int, int], expected: tuple[str, str]
) -> None:
    period = Period(datetime.date(*start), datetime.date(*end))
    assert rogatory_sdmx.time_period(period) == expected


def test_queries_do_not_grow_with_the_period(
    django_assert_max_num_queries: Any, personas: Personas, year_of_requests: None
) -> None:
    """Two GROUP BY queries for the data whatever the period."""
    for period in (YEAR, Period(datetime.date(1950, 1, 1), datetime.date(2049, 12, 31))):
        with django_assert_max_num_queries(2):
            rogatory_sdmx.observations(Case.objects.all(), period, "FRA")


# --- Downloads -------------------------------------------------------------------------------


def login(client: Client, user: Any) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_structure_is_published_without_a_login(client: Client, db: None) -> None:
    response = client.get("/statistics/sdmx/structure.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.sdmx.structure+xml")
    assert b"DSD_COOPERATION" in response.content
    assert "max-age=86400" in response["Cache-Control"]


def test_members_download_their_figures_as_sdmx_csv(
    client: Client, tmp_path: Path, personas: Personas, year_of_requests: None
) -> None:
    """A's supervisor gets A's figures (FRA reports), unsuppressed, for the period asked."""
    query = {"preset": "dates", "start": "2025-01-01", "end": "2025-12-31"}
    response = login(client, personas.supervisor).get("/statistics/export.sdmx.csv", query)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    cells = by_key(validate_sdmx_csv(text.decode(), published_structure(tmp_path)))
    assert cells[("A", "FRA", "KEN", "IN", "MLA", "_T", "EXECUTED")] == "1"


def test_outsiders_download_their_own_figures_only(
    client: Client, personas: Personas, year_of_requests: None
) -> None:
    query = {"preset": "last_year"}
    response = login(client, personas.outsider).get("/statistics/export.sdmx.csv", query)
    assert response.status_code == 200
    assert b"FRA" not in response.content


@pytest.mark.parametrize(
    "query",
    [
        {"preset": "dates", "start": "2025-12-31", "end": "2025-01-01"},
        {"preset": "nonsense"},
        {"start": "not a date"},
    ],
)
def test_bad_periods_are_a_clear_400(client: Client, personas: Personas, query: Any) -> None:
    response = login(client, personas.supervisor).get("/statistics/export.sdmx.csv", query)
    assert response.status_code == 400


def test_anonymous_cannot_download_an_authoritys_figures(client: Client, db: None) -> None:
    response = client.get("/statistics/export.sdmx.csv")
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (",KEN,", ",XXX,"),  # a state not in CL_AREA
        (",MLA,", ",LETTER,"),  # a kind not in CL_REQUEST_KIND
        ("ICCS07041", "ICCS99"),  # an ICCS category that does not exist
        (",REQ", ",EUR"),  # a unit not in CL_UNIT_MEASURE
    ],
)
def test_the_check_refuses_codes_outside_the_codelists(
    tmp_path: Path, personas: Personas, year_of_requests: None, old: str, new: str
) -> None:
    """The validation can fail: a code outside its codelist is caught."""
    dataflow = published_structure(tmp_path)
    text = rogatory_sdmx.to_sdmx_csv(rogatory_sdmx.observations(Case.objects.all(), YEAR, "FRA"))
    assert old in text
    with pytest.raises(AssertionError):
        validate_sdmx_csv(text.replace(old, new), dataflow)


def test_the_check_refuses_a_column_outside_the_structure(
    tmp_path: Path, personas: Personas, year_of_requests: None
) -> None:
    dataflow = published_structure(tmp_path)
    text = rogatory_sdmx.to_sdmx_csv(rogatory_sdmx.observations(Case.objects.all(), YEAR, "FRA"))
    with pytest.raises(AssertionError):
        validate_sdmx_csv(text.replace("OUTCOME", "RESULT", 1), dataflow)
