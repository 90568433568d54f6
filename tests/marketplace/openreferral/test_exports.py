"""The open data downloads and the export command."""

import csv
import io
import json

from django.core.management import call_command

from catalogue.models import PriceOption
from marketplace.openreferral.exports import CSV_COLUMNS
from marketplace.openreferral.selectors import api_services

from .oruk import errors, object_validator


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_has_one_row_per_price_option(api, client):
    response = client.get("/api/openreferral/v3/export/services.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    rows = read_csv(text)
    assert list(rows[0]) == CSV_COLUMNS
    services = api_services()
    prices = PriceOption.objects.filter(service__in=services)
    unpriced = services.filter(price_options__isnull=True).count()
    assert len(rows) == prices.count() + unpriced
    by_id = {row["price_option_id"]: row for row in rows if row["price_option_id"]}
    for option in prices.select_related("service"):
        row = by_id[str(option.uuid)]
        assert row["service_id"] == str(option.service.uuid)
        assert row["amount"] == f"{option.amount:.2f}"
        assert row["unit"] == option.get_unit_display()
        assert row["price_label"] == option.label
        assert row["currency"] == "GBP"
    assert {row["service_id"] for row in rows} == {
        str(u) for u in services.values_list("uuid", flat=True)
    }


def test_the_csv_defuses_formulas_and_hides_hidden_addresses(api, client):
    option = PriceOption.objects.filter(service__in=api_services()).first()
    option.label = '=HYPERLINK("http://evil.example")'
    option.save()
    service = option.service
    service.hide_exact_address = True
    service.save()
    rows = read_csv(
        b"".join(client.get("/api/openreferral/v3/export/services.csv").streaming_content).decode()
    )
    row = next(r for r in rows if r["price_option_id"] == str(option.uuid))
    assert row["price_label"] == "'" + option.label
    assert row["postcode"] == service.postcode.split(" ")[0]


def test_the_json_data_package_matches_the_schema(api, client):
    response = client.get("/api/openreferral/v3/export/services.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    package = response.json()
    assert not errors(object_validator("compiled/service_package.json"), package)
    assert {s["id"] for s in package} == {
        str(u) for u in api_services().values_list("uuid", flat=True)
    }
    assert (
        sum(len(s.get("cost_options", [])) for s in package)
        == PriceOption.objects.filter(service__in=api_services()).count()
    )


def test_the_export_command_writes_both_files(api, tmp_path, capsys):
    call_command("export_openreferral", "--format", "json", "--output", str(tmp_path / "s.json"))
    call_command("export_openreferral", "--format", "csv", "--output", str(tmp_path / "s.csv"))
    out = capsys.readouterr().out
    count = api_services().count()
    assert f"Wrote {count} services" in out
    package = json.loads((tmp_path / "s.json").read_text())
    assert len(package) == count
    assert package[0]["organization"]["uri"].startswith("http")
    rows = read_csv((tmp_path / "s.csv").read_text())
    assert f"Wrote {len(rows)} price rows" in out
