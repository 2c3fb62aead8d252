"""The CoMensha row mapping: allow-listed columns, pseudonyms, months, safe and repeatable files."""

import base64
import csv
import dataclasses
import io
import json
import re
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from carecoord.codes import (
    ClosureReason,
    ExploitationForm,
    HandoverStatus,
    Phase,
    ProviderType,
    ReferrerType,
)
from carecoord.reporting.comensha import (
    COLUMNS,
    REFERRER_CATEGORY,
    ReferrerCategory,
    TrajectoryFacts,
    csv_text,
    json_text,
    neutralise_cell,
    to_row,
)

KEY = b"\x06" * 32
SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "comensha-export.schema.json").read_text(
        encoding="utf-8"
    )
)
PERSON = uuid.UUID("6f1c2d3e-4a5b-4c6d-8e7f-90a1b2c3d4e5")
TRAJECTORY = uuid.UUID("0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d")
HOSTILE = ["=cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\tHYPERLINK()", "\rx", "+1"]


def facts(**changes) -> TrajectoryFacts:
    base = TrajectoryFacts(
        client_public_id=PERSON,
        trajectory_public_id=TRAJECTORY,
        age_band="18-22",
        gender="female",
        nationality="RO",
        nationality_group="eea",
        municipality_code="GM0402",
        region="Gooi en Vechtstreek",
        exploitation_forms=("labour", "sexual", "labour"),
        referrer_type="police",
        notified_on=date(2026, 7, 14),
        phase="closed",
        intake_completed_on=date(2026, 8, 3),
        reflection_started_on=date(2026, 7, 20),
        police_report="filed",
        residence_permit="applied",
        criminal_case="under_investigation",
        handovers=(("shelter", "declined"), ("cosm_shelter", "completed"), ("legal_aid", "sent")),
        closed_on=date(2026, 9, 30),
        closure_reason="returned_to_origin",
    )
    return dataclasses.replace(base, **changes)


def test_a_row_has_exactly_the_allow_listed_columns_in_order():
    row = to_row(facts(), pseudonym_key=KEY)
    assert tuple(row) == COLUMNS
    assert all(isinstance(value, str) for value in row.values())
    assert row["exploitation_forms"] == "sexual;labour"
    assert row["handovers"] == "cosm_shelter:completed;legal_aid:sent;shelter:declined"
    assert row["referrer_category"] == "NP"
    assert (row["phase_at_period_end"], row["closure_reason"]) == ("closed", "returned_to_origin")


def test_facts_have_no_field_for_identity_contact_or_free_text():
    assert {f.name for f in dataclasses.fields(TrajectoryFacts)} == {
        "client_public_id", "trajectory_public_id", "age_band", "gender", "nationality",
        "nationality_group", "municipality_code", "region", "exploitation_forms",
        "referrer_type", "notified_on", "phase", "intake_completed_on", "reflection_started_on",
        "police_report", "residence_permit", "criminal_case", "handovers", "closed_on",
        "closure_reason",
    }  # fmt: skip


@pytest.mark.parametrize(
    "changes",
    [
        {"nationality": "Roemeens"},
        {"municipality_code": "Hilversum"},
        {"gender": "vrouw"},
        {"police_report": "filed at Hilversum on 14 July by Jan"},
        {"exploitation_forms": ("forced begging",)},
        {"handovers": (("shelter", "Maria stays at the Blue House"),)},
        {"region": "Gooi\nen Vechtstreek"},
        {"phase": "assistance"},
        {"closure_reason": None},
    ],
)
def test_facts_refuse_anything_that_is_not_a_code(changes):
    with pytest.raises(ValueError):
        facts(**changes)


def test_facts_refuse_a_time_of_day_and_a_text_id():
    with pytest.raises(TypeError):
        facts(notified_on=datetime(2026, 7, 14, 9, 30, tzinfo=UTC))
    with pytest.raises(TypeError):
        facts(client_public_id=str(PERSON))


def test_pseudonyms_are_stable_distinct_and_not_the_uuid_in_any_form():
    row = to_row(facts(), pseudonym_key=KEY)
    again = to_row(facts(), pseudonym_key=KEY)
    other = to_row(
        facts(client_public_id=uuid.uuid4(), trajectory_public_id=uuid.uuid4()), pseudonym_key=KEY
    )
    assert row["person_pseudonym"] == again["person_pseudonym"]
    assert row["trajectory_pseudonym"] == again["trajectory_pseudonym"]
    assert other["person_pseudonym"] != row["person_pseudonym"]
    assert other["trajectory_pseudonym"] != row["trajectory_pseudonym"]
    assert (
        to_row(facts(), pseudonym_key=b"\x07" * 32)["person_pseudonym"] != row["person_pseudonym"]
    )
    # The same UUID as person and as trajectory must not give the same pseudonym.
    same = to_row(facts(trajectory_public_id=PERSON), pseudonym_key=KEY)
    assert same["person_pseudonym"] != same["trajectory_pseudonym"]
    text = csv_text([row]) + json_text([row], period="2026-Q3", region="Gooi en Vechtstreek")
    for public_id in (PERSON, TRAJECTORY):
        forms = {
            str(public_id),
            public_id.hex,
            str(public_id.int),
            base64.b32encode(public_id.bytes).decode().rstrip("="),
            base64.urlsafe_b64encode(public_id.bytes).decode().rstrip("="),
        }
        for form in forms | {f.upper() for f in forms}:
            assert form.lower() not in text.lower()
            assert form.lower()[:12] not in text.lower()


def test_dates_become_months_and_never_a_day():
    row = to_row(facts(), pseudonym_key=KEY)
    assert row["notification_month"] == "2026-07"
    assert row["intake_completed_month"] == "2026-08"
    assert row["reflection_period_start_month"] == "2026-07"
    assert row["closure_month"] == "2026-09"
    text = csv_text([row]) + json_text([row], period="2026-Q3", region="Gooi en Vechtstreek")
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{1,2}[-/]\d{1,2}[-/]\d{4}", text)


def test_unknown_and_absent_facts_are_empty_cells():
    row = to_row(
        facts(
            nationality=None,
            municipality_code=None,
            phase=Phase.INTAKE,
            intake_completed_on=None,
            reflection_started_on=None,
            police_report=None,
            residence_permit=None,
            criminal_case=None,
            handovers=(),
            exploitation_forms=(),
            closed_on=None,
            closure_reason=None,
        ),
        pseudonym_key=KEY,
    )
    for column in COLUMNS[10:]:
        if column not in {"referrer_category", "notification_month", "phase_at_period_end"}:
            assert row[column] == "", column
    assert (row["nationality"], row["municipality_code"], row["exploitation_forms"]) == ("",) * 3


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_cells_are_neutralised(text):
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["", "sexual", "GM0402", "'=already quoted", "a=b", "Den Bosch"])
def test_ordinary_cells_are_left_alone(text):
    assert neutralise_cell(text) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_the_csv_neutralises_every_cell_that_would_run(text):
    row = to_row(facts(), pseudonym_key=KEY)
    hostile = {**row, "region": text, "handovers": text}
    read = list(csv.reader(io.StringIO(csv_text([hostile]), newline="")))
    assert read[1][COLUMNS.index("region")] == "'" + text
    assert read[1][COLUMNS.index("handovers")] == "'" + text
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in read[1])


def test_the_csv_is_rfc_4180_with_a_header_and_crlf():
    rows = [to_row(facts(), pseudonym_key=KEY)]
    text = csv_text(rows)
    assert text.startswith(",".join(COLUMNS) + "\r\n")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read == [list(COLUMNS), [rows[0][c] for c in COLUMNS]]


def test_the_same_rows_give_byte_identical_files_whatever_their_order():
    def rows():
        return [
            to_row(facts(client_public_id=uuid.UUID(int=n), trajectory_public_id=uuid.UUID(int=n)),
                   pseudonym_key=KEY)
            for n in range(1, 6)
        ]  # fmt: skip

    first, second = rows(), list(reversed(rows()))
    assert csv_text(first).encode() == csv_text(second).encode()
    one = json_text(first, period="2026-Q3", region="Gooi en Vechtstreek").encode()
    two = json_text(second, period="2026-Q3", region="Gooi en Vechtstreek").encode()
    assert one == two
    assert json.loads(one)["row_count"] == 5


def test_rows_outside_the_allow_list_never_reach_a_file():
    row = to_row(facts(), pseudonym_key=KEY)
    for bad in ({**row, "name": "Maria"}, {k: v for k, v in row.items() if k != "gender"}):
        with pytest.raises(ValueError):
            csv_text([bad])
        with pytest.raises(ValueError):
            json_text([bad], period="2026", region="Gooi en Vechtstreek")


@pytest.mark.parametrize("period", ["2026-Q5", "2026Q3", "26-Q1", "2026-07", ""])
def test_json_refuses_a_malformed_period(period):
    with pytest.raises(ValueError):
        json_text([], period=period, region="Gooi en Vechtstreek")


def test_every_referrer_type_maps_to_a_comensha_category():
    assert set(REFERRER_CATEGORY) == set(ReferrerType)
    assert set(REFERRER_CATEGORY.values()) == set(ReferrerCategory)
    assert REFERRER_CATEGORY[ReferrerType.KMAR] == "KMar"
    assert REFERRER_CATEGORY[ReferrerType.LABOUR_INSPECTORATE] == "NLA"
    assert REFERRER_CATEGORY[ReferrerType.FAIRWORK] == "FairWork"
    for referrer in ReferrerType:
        row = to_row(facts(referrer_type=referrer), pseudonym_key=KEY)
        assert row["referrer_category"] == REFERRER_CATEGORY[referrer].value


def test_the_schema_knows_exactly_the_columns_and_codes():
    row_schema = SCHEMA["$defs"]["row"]
    assert list(row_schema["properties"]) == list(COLUMNS) == row_schema["required"]
    assert SCHEMA["properties"]["columns"]["const"] == list(COLUMNS)
    enums = {"referrer_category": ReferrerCategory, "referrer_type": ReferrerType}
    for column, kind in enums.items():
        assert row_schema["properties"][column]["enum"] == [m.value for m in kind]
    assert row_schema["properties"]["closure_reason"]["enum"][:-1] == [
        m.value for m in ClosureReason
    ]
    pattern = row_schema["properties"]["handovers"]["pattern"]
    every = ";".join(f"{p}:{s}" for p in ProviderType for s in HandoverStatus)
    assert re.search(pattern, every)
    forms = ";".join(ExploitationForm)
    assert re.search(row_schema["properties"]["exploitation_forms"]["pattern"], forms)


def test_the_json_validates_against_the_schema():
    jsonschema = pytest.importorskip(
        "jsonschema", reason="jsonschema is not installed; the project does not depend on it"
    )
    rows = [
        to_row(facts(), pseudonym_key=KEY),
        to_row(facts(phase="intake", closed_on=None, closure_reason=None, handovers=(),
                     nationality=None, municipality_code=None), pseudonym_key=KEY),
    ]  # fmt: skip
    document = json.loads(json_text(rows, period="2026-Q3", region="Gooi en Vechtstreek"))
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    document["rows"][0]["name"] = "Maria"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SCHEMA).validate(document)
