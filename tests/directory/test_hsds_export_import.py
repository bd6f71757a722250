"""export_directory and import_directory: valid HSDS out, the same directory back in, nothing half-imported."""

import copy
import json
import uuid

import pytest
from django.core.management import CommandError, call_command

from demo.data import seed_demo
from directory import hsds
from directory.hsds import csv_import, records
from directory.hsds.schemas import errors
from directory.models import (
    County,
    Language,
    Organization,
    Phone,
    Resource,
    Service,
    ServiceCategory,
    ServiceStatus,
    TextAlert,
    User,
)

pytestmark = pytest.mark.django_db

DIRECTORY_MODELS = [Organization, Service, Phone, TextAlert]


@pytest.fixture
def demo(db) -> None:
    seed_demo(password="x" * 20)


def without_timestamps(document: object) -> object:
    """The document less `last_modified`, which is when this database last changed the row."""
    if isinstance(document, dict):
        return {key: without_timestamps(value) for key, value in document.items() if key != "last_modified"}
    if isinstance(document, list):
        return [without_timestamps(item) for item in document]
    return document


def snapshot() -> list:
    """Every directory row and link, with its timestamps: any write shows."""
    rows = [list(model.objects.order_by("pk").values()) for model in DIRECTORY_MODELS]
    links = [
        sorted(map(str, through.objects.values_list(*[f.attname for f in through._meta.fields][1:])))
        for through in [
            Organization.languages.through,
            Service.languages.through,
            Service.counties.through,
            Phone.languages.through,
            Phone.counties.through,
            TextAlert.counties.through,
        ]
    ]
    return rows + links


def wipe_directory() -> None:
    """An empty directory: accounts go first, since an organization with staff cannot be deleted."""
    User.objects.all().delete()
    Resource.objects.all().delete()
    Organization.objects.all().delete()
    assert not any(model.objects.exists() for model in DIRECTORY_MODELS)


def write(tmp_path, name: str, content: str):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def org_record(document: dict, slug: str) -> dict:
    term_id = records.FIELD_TERMS["slug"].id
    return next(
        org
        for org in document["organizations"]
        if any(item.get("value") == slug for item in org["attributes"] if item["taxonomy_term_id"] == term_id)
    )


def values(record: dict, code: str) -> list[str]:
    term_id = records.FIELD_TERMS[code].id
    return [item["value"] for item in record["attributes"] if item["taxonomy_term_id"] == term_id]


# --- Export ------------------------------------------------------------------------------------------------------


def test_the_export_is_valid_hsds(demo):
    document = hsds.export_document()
    assert document["hsds_version"] == "3.0"
    assert all(errors(taxonomy, "taxonomy.json") == [] for taxonomy in document["taxonomies"])
    assert all(errors(term, "taxonomy_term.json") == [] for term in document["taxonomy_terms"])
    assert len(document["organizations"]) == Organization.objects.count()
    services = []
    for org in document["organizations"]:
        assert errors(org, "organization.json") == []
        for service in org["services"]:
            assert errors(service, "service.json") == []
            assert errors(service, "compiled_service_with_definitions.json") == []
            services.append(service)
    assert len(services) == Service.objects.count()


def test_every_id_in_the_export_is_a_unique_uuid_and_stays_the_same(demo):
    document = hsds.export_document()
    assert hsds.export_document() == document

    ids: list[str] = []

    def collect(node: object) -> None:
        if isinstance(node, dict):
            # A nested taxonomy term repeats the term's own record; every other id names a distinct row.
            if "id" in node and "taxonomy_id" not in node:
                ids.append(node["id"])
            for key, value in node.items():
                if key != "taxonomy_term":
                    collect(value)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    collect(document["organizations"])
    assert all(uuid.UUID(value) for value in ids)
    assert len(ids) == len(set(ids)) > 100


def test_the_export_includes_every_status_and_the_spanish_text(demo):
    service = Service.objects.get(name="Interpretation")
    service.status = ServiceStatus.INACTIVE
    service.description_es = "Intérpretes en persona y por teléfono."
    service.save(update_fields=["status", "description_es"])
    document = hsds.export_document()
    record = next(
        item for org in document["organizations"] for item in org["services"] if item["id"] == str(service.id)
    )
    assert record["status"] == "inactive"
    assert record["name"] == "Interpretation"
    assert values(record, "name_es") == ["Interpretación"]
    assert values(record, "description_es") == ["Intérpretes en persona y por teléfono."]
    translation = next(item for item in record["attributes"] if item.get("value") == "Interpretación")
    assert translation["link_type"] == "translation"
    assert translation["taxonomy_term"]["code"] == "name_es"


def test_the_export_leaves_out_private_and_demo_fields(demo):
    Organization.objects.filter(slug="el-refugio").update(intake_email="intake-secret@refugio.example")
    text = hsds.export_json()
    assert "intake-secret" not in text and "intake_email" not in text
    assert "demo.example" not in text and "password" not in text


def test_the_export_command_writes_the_document_to_a_file_or_standard_output(demo, tmp_path, capsys):
    path = tmp_path / "directory.json"
    call_command("export_directory", "--output", str(path))
    assert json.loads(path.read_text(encoding="utf-8")) == hsds.export_document()
    capsys.readouterr()
    call_command("export_directory")
    assert json.loads(capsys.readouterr().out) == hsds.export_document()


# --- Round trip and idempotence ------------------------------------------------------------------------------------


def test_export_then_import_into_an_empty_directory_gives_the_same_document(demo, tmp_path):
    path = tmp_path / "directory.json"
    call_command("export_directory", "--output", str(path))
    before = json.loads(path.read_text(encoding="utf-8"))
    wipe_directory()

    call_command("import_directory", str(path))

    after = hsds.export_document()
    # Only `last_modified` differs: the rows were written again, now.
    assert without_timestamps(after) == without_timestamps(before)
    refugio = Organization.objects.get(slug="el-refugio")
    assert refugio.description_es == "Apoyo a familias del condado de Lee."
    assert refugio.intake_email == ""


def test_importing_the_same_file_twice_changes_nothing(demo, tmp_path, capsys):
    path = write(tmp_path, "directory.json", hsds.export_json())
    wipe_directory()
    call_command("import_directory", str(path))
    first = snapshot()
    capsys.readouterr()

    call_command("import_directory", str(path))

    assert snapshot() == first
    out = capsys.readouterr().out
    assert "0 created, 0 updated" in out and "Imported" in out and "0 row(s) created or updated" in out


def test_importing_the_export_of_the_same_directory_changes_nothing(demo):
    before = snapshot()
    report = hsds.import_document(hsds.export_document())
    assert report.ok and report.changed == 0
    assert snapshot() == before


def test_an_import_updates_changed_rows_and_keeps_what_the_file_does_not_carry(demo):
    document = hsds.export_document()
    org = Organization.objects.get(slug="el-centro-hispano")
    org.intake_email = "intake@elcentro.example"
    org.save(update_fields=["intake_email"])
    service = org.services.get(name="Interpretation")
    record = org_record(document, "el-centro-hispano")
    service_record = next(item for item in record["services"] if item["id"] == str(service.id))
    service_record["name"] = "Interpretation and translation"
    for attribute in service_record["attributes"]:
        if attribute["taxonomy_term_id"] == records.FIELD_TERMS["capacity_available"].id:
            attribute["value"] = "2"
    service_record["service_areas"] = [
        area for area in service_record["service_areas"] if "37063" in area["uri"]
    ]

    report = hsds.import_document(document)

    assert report.ok, report.problems
    assert report.counts["services"]["updated"] == 1
    service.refresh_from_db()
    assert (service.name, service.capacity_available) == ("Interpretation and translation", 2)
    assert list(service.counties.values_list("name", flat=True)) == ["Durham"]
    org.refresh_from_db()
    assert org.intake_email == "intake@elcentro.example"


def test_a_record_from_another_hsds_source_gets_defaults_for_the_networks_fields(db):
    legal = ServiceCategory.objects.get(code="legal")
    document = {
        "organizations": [
            {
                "id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
                "name": "Centro Legal Ejemplo",
                "description": "Immigration lawyers.",
                "services": [
                    {
                        "id": "ac148810-d857-441c-9679-408f346de14b",
                        "name": "Consultations",
                        "status": "defunct",
                        "service_areas": [{"id": str(uuid.uuid4()), "uri": "urn:fips:37119"}],
                        "languages": [{"id": str(uuid.uuid4()), "code": "es"}],
                        "attributes": [
                            {"id": str(uuid.uuid4()), "taxonomy_term_id": str(legal.id)},
                            {"id": str(uuid.uuid4()), "taxonomy_term_id": str(uuid.uuid4()), "value": "x"},
                        ],
                    }
                ],
            }
        ]
    }
    report = hsds.import_document(document)
    assert report.ok, report.problems
    org = Organization.objects.get()
    assert (org.slug, org.is_hub, org.is_partner) == ("centro-legal-ejemplo", False, False)
    service = Service.objects.get()
    assert (service.category, service.status, service.accepting_referrals) == (legal, "inactive", True)
    assert list(service.counties.values_list("name", flat=True)) == ["Mecklenburg"]
    assert list(service.languages.values_list("code", flat=True)) == ["es"]


def alert_records(document: dict, slug: str) -> list[dict]:
    return [
        phone
        for phone in org_record(document, slug)["phones"]
        if values(phone, "phone_kind") == ["text_alert"]
    ]


def test_alerts_people_ask_to_join_go_out_as_the_number_to_call_or_the_page_and_come_back(demo):
    alerta = Organization.objects.get(slug="alerta-migratoria-nc")
    TextAlert.objects.create(
        organization=alerta, signup_url="https://example.org/alerts", description="By web"
    )
    document = hsds.export_document()
    assert all(errors(org, "organization.json") == [] for org in document["organizations"])

    alerts = alert_records(document, "alerta-migratoria-nc")
    [by_phone] = [record for record in alerts if record["number"]]
    [on_the_web] = [record for record in alerts if not record["number"]]
    assert (by_phone["number"], by_phone["type"]) == ("+19843772622", "voice")
    assert values(by_phone, "text_keyword") == [] and values(by_phone, "statewide") == ["true"]
    assert (on_the_web["number"], values(on_the_web, "signup_url")) == ("", ["https://example.org/alerts"])
    assert "type" not in on_the_web
    [radarsafe] = alert_records(document, "radarsafe")
    assert (radarsafe["number"], values(radarsafe, "county")) == ("+18005598714", ["37183"])
    [siembra4] = [
        record
        for record in alert_records(document, "siembra-nc")
        if values(record, "text_keyword") == ["@siembra4"]
    ]
    assert (siembra4["number"], siembra4["type"]) == ("81010", "text")

    before = snapshot()
    wipe_directory()
    report = hsds.import_document(document)

    assert report.ok, report.problems
    assert without_timestamps(hsds.export_document()) == without_timestamps(document)
    # The text alerts, every column but when they were written.
    alerts_before = [{**row, "updated_at": None} for row in before[DIRECTORY_MODELS.index(TextAlert)]]
    alerts_after = [{**row, "updated_at": None} for row in snapshot()[DIRECTORY_MODELS.index(TextAlert)]]
    assert alerts_after == alerts_before
    alert = TextAlert.objects.get(organization__slug="radarsafe")
    assert (alert.keyword, alert.short_code, alert.signup_phone) == ("", "", "+18005598714")
    assert TextAlert.objects.get(signup_url="https://example.org/alerts").keyword == ""


def test_an_alert_without_a_keyword_needs_a_number_to_call_or_a_page(demo):
    document = hsds.export_document()
    radarsafe = org_record(document, "radarsafe")
    [alert] = alert_records(document, "radarsafe")
    alert["number"] = "555"
    [alerta] = alert_records(document, "alerta-migratoria-nc")
    alerta["number"] = ""
    before = snapshot()

    report = hsds.import_document(document)

    assert snapshot() == before
    found = {
        (problem.record.rsplit(" › ", 1)[0], problem.field, problem.message) for problem in report.problems
    }
    radarsafe_label = f'organizations[{document["organizations"].index(radarsafe)}] "RadarSafe"'
    assert (radarsafe_label, "number", "Enter a 10-digit US phone number, such as 919-555-0123.") in found
    assert any(
        message.startswith("Say how people sign up") for label, field, message in found if "Alerta" in label
    ), report.problems


# --- Malformed files -----------------------------------------------------------------------------------------------


def test_a_malformed_document_lists_every_problem_and_imports_nothing(demo, tmp_path):
    document = hsds.export_document()
    org = org_record(document, "el-refugio")
    org["name"] = ""
    new_org = copy.deepcopy(org_record(document, "cima"))
    new_org.update(id=str(uuid.uuid4()), name="A new organization", phones=[], services=[])
    new_org["attributes"] = []
    document["organizations"].append(new_org)
    centro = org_record(document, "el-centro-hispano")
    service = centro["services"][0]
    service["status"] = "paused"
    service["id"] = "not-a-uuid"
    service["service_areas"].append({"id": str(uuid.uuid4()), "uri": "urn:fips:51059"})
    for attribute in service["attributes"]:
        if attribute["taxonomy_term_id"] == records.FIELD_TERMS["capacity_available"].id:
            attribute["value"] = "999"
    centro["phones"][0]["number"] = "555-0100"
    path = write(tmp_path, "broken.json", json.dumps(document))
    before = snapshot()

    report = hsds.import_file(path)

    assert snapshot() == before
    assert not Organization.objects.filter(name="A new organization").exists()
    found = {(problem.record, problem.field) for problem in report.problems}
    refugio_index = document["organizations"].index(org)
    centro_index = document["organizations"].index(centro)
    service_label = f'organizations[{centro_index}] "El Centro Hispano" › services[0] "{service["name"]}"'
    assert found >= {
        (f"organizations[{refugio_index}]", "name"),
        (service_label, "id"),
        (service_label, "status"),
        (service_label, "service_areas[3].uri"),
        (service_label, "capacity_available"),  # more places available than total places
        (f'organizations[{centro_index}] "El Centro Hispano" › phones[0] "555-0100"', "number"),
    }, report.problems
    assert report.counts == {}


def test_a_service_whose_status_hsds_does_not_know_is_refused_and_nothing_changes(demo):
    document = hsds.export_document()
    centro = org_record(document, "el-centro-hispano")
    centro["services"][0]["status"] = "paused"
    centro["services"][0]["name"] = "Renamed in the same file"
    before = snapshot()

    report = hsds.import_document(document)

    assert snapshot() == before
    index = document["organizations"].index(centro)
    label = f'organizations[{index}] "El Centro Hispano" › services[0] "Renamed in the same file"'
    assert [(problem.record, problem.field) for problem in report.problems] == [(label, "status")]
    assert "does not follow HSDS 3.0: 'paused' is not one of" in report.problems[0].message
    assert report.counts == {}


def test_a_record_missing_a_name_hsds_requires_is_refused_and_nothing_changes(demo):
    document = hsds.export_document()
    refugio = org_record(document, "el-refugio")
    del refugio["name"]
    phone = org_record(document, "el-centro-hispano")["phones"][0]
    del phone["number"]
    before = snapshot()

    report = hsds.import_document(document)

    assert snapshot() == before
    messages = [str(problem) for problem in report.problems]
    index = document["organizations"].index(refugio)
    assert (
        f"organizations[{index}] › name: does not follow HSDS 3.0: 'name' is a required property" in messages
    )
    phone_messages = [message for message in messages if "› phones[0]" in message]
    assert phone_messages == [
        f"organizations[{document['organizations'].index(org_record(document, 'el-centro-hispano'))}] "
        "\"El Centro Hispano\" › phones[0] › number: does not follow HSDS 3.0: 'number' is a required property"
    ]
    assert "This field cannot be blank." not in " ".join(messages)  # said once, by the schema check


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON (line 1, column 2)"),
        ('{"services": []}', "expected an object with a list of organizations"),
        ('{"organizations": [42]}', "expected an object"),
    ],
)
def test_a_file_that_is_not_an_hsds_document_is_reported(db, tmp_path, content, message):
    report = hsds.import_file(write(tmp_path, "file.json", content))
    assert not report.ok
    assert any(message in str(problem) for problem in report.problems), report.problems


def test_the_import_command_prints_each_problem_and_fails(demo, tmp_path, capsys):
    document = hsds.export_document()
    org_record(document, "el-refugio")["services"][0]["name"] = ""
    path = write(tmp_path, "broken.json", json.dumps(document))
    before = snapshot()
    with pytest.raises(CommandError, match="1 problem in .*broken.json: nothing was imported"):
        call_command("import_directory", str(path))
    assert "› name: This field cannot be blank." in capsys.readouterr().err
    assert snapshot() == before


def test_the_import_command_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_directory", str(tmp_path / "nowhere.json"))


# --- CSV ---------------------------------------------------------------------------------------------------------

CSV_HEADER = ",".join(csv_import.CSV_COLUMNS)


def test_a_csv_of_services_creates_them_and_a_second_run_changes_nothing(demo, tmp_path):
    path = write(
        tmp_path,
        "services.csv",
        CSV_HEADER
        + "\n"
        + ",el-refugio,legal,Legal clinic,Clínica legal,Walk-in advice,Consejos sin cita,,,active,"
        '"Lee; Chatham",no,"es, en",yes,3,5,48,,https://elrefugio.example/legal\n'
        + ",El Pueblo,transportation,Rides to court,,,,,,,,yes,en,,,,,,\n",
    )
    report = hsds.import_file(path)
    assert report.ok, report.problems
    assert report.counts["services"] == {"created": 2}
    clinic = Service.objects.get(name="Legal clinic")
    assert (clinic.organization.slug, clinic.category.code, clinic.name_es) == (
        "el-refugio",
        "legal",
        "Clínica legal",
    )
    assert (clinic.capacity_available, clinic.capacity_maximum, clinic.response_hours) == (3, 5, 48)
    assert set(clinic.counties.values_list("name", flat=True)) == {"Lee", "Chatham"}
    assert set(clinic.languages.values_list("code", flat=True)) == {"es", "en"}
    rides = Service.objects.get(name="Rides to court")
    assert rides.is_statewide and rides.status == ServiceStatus.ACTIVE and rides.accepting_referrals

    before = snapshot()
    again = hsds.import_file(path)
    assert again.ok and again.changed == 0
    assert snapshot() == before


def test_a_csv_with_some_columns_changes_only_those(demo, tmp_path):
    service = Service.objects.get(name="Food pantry and housing help")
    counties = set(service.counties.all())
    path = write(
        tmp_path,
        "capacity.csv",
        "organization,category,name,capacity_available\n"
        f"{service.organization.name},basic-needs,Food pantry and housing help,1\n",
    )
    report = hsds.import_file(path)
    assert report.ok, report.problems
    service.refresh_from_db()
    assert (service.capacity_available, service.capacity_maximum, service.name_es) == (
        1,
        15,
        "Despensa de comida y ayuda con vivienda",
    )
    assert set(service.counties.all()) == counties


def test_a_csv_row_with_an_id_updates_that_service(demo, tmp_path):
    service = Service.objects.get(name="Interpretation")
    path = write(
        tmp_path,
        "rename.csv",
        f"id,organization,category,name\n{service.id},el-centro-hispano,interpretation,Interpreters\n",
    )
    assert hsds.import_file(path).ok
    service.refresh_from_db()
    assert service.name == "Interpreters"
    assert Service.objects.filter(name="Interpreters").count() == 1


def test_a_malformed_csv_lists_every_row_and_field_and_imports_nothing(demo, tmp_path):
    path = write(
        tmp_path,
        "services.csv",
        CSV_HEADER
        + "\n"
        + ",nobody,legal,Good row but unknown organization,,,,,,,,,,,,,,,\n"
        + ",el-refugio,lawyers,Bad category,,,,,,,,,,,,,,,\n"
        + ",el-refugio,legal,Bad values,,,,,,closed,Atlantis,maybe,xx,perhaps,ten,5,0,not-an-email,\n"
        + ",el-refugio,legal,Too many places,,,,,,,,,,,9,3,,,\n"
        + ",el-refugio,legal,Fine,,,,,,,Lee,,es,,,,,,\n",
    )
    before = snapshot()
    report = hsds.import_file(path)
    assert snapshot() == before
    assert not Service.objects.filter(name="Fine").exists()
    found = {(problem.record, problem.field) for problem in report.problems}
    assert found >= {
        ("row 2", "organization"),
        ("row 3", "category"),
        ("row 4", "status"),
        ("row 4", "counties"),
        ("row 4", "statewide"),
        ("row 4", "languages"),
        ("row 4", "accepting_referrals"),
        ("row 4", "capacity_available"),
        ("row 4", "response_hours"),
        ("row 4", "email"),
        ("row 5", "capacity_available"),
    }, report.problems
    assert not any(problem.record == "row 6" for problem in report.problems)


def test_a_csv_with_unknown_or_missing_columns_is_refused(demo, tmp_path):
    report = hsds.import_file(write(tmp_path, "services.csv", "organisation,name,capacity\nx,y,1\n"))
    found = {(problem.record, problem.field, problem.message) for problem in report.problems}
    assert found == {
        ("header", "organisation", "unknown column"),
        ("header", "capacity", "unknown column"),
        ("header", "organization", "missing column"),
        ("header", "category", "missing column"),
    }


def test_the_import_command_reads_a_csv(demo, tmp_path, capsys):
    path = write(tmp_path, "services.csv", "organization,category,name\ncima,legal,Mountain legal clinic\n")
    call_command("import_directory", str(path))
    assert Service.objects.filter(name="Mountain legal clinic", organization__slug="cima").exists()
    assert "services: 1 created, 0 updated, 0 unchanged" in capsys.readouterr().out


def test_reference_data_is_matched_not_created(demo):
    counties, languages, categories = (
        County.objects.count(),
        Language.objects.count(),
        ServiceCategory.objects.count(),
    )
    hsds.import_document(hsds.export_document())
    assert (County.objects.count(), Language.objects.count(), ServiceCategory.objects.count()) == (
        counties,
        languages,
        categories,
    )
