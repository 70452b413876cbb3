"""The checked-in JSON Schema is exactly what the model code generates."""

from __future__ import annotations

import json

from sitemigrate.model import Model, Publication, Source, Theme
from sitemigrate.schema import build_schema, schema_path, validate_data


def test_checked_in_schema_matches_model() -> None:
    on_disk = json.loads(schema_path().read_text(encoding="utf-8"))
    assert on_disk == build_schema(), (
        "schemas/model.schema.json is stale: python -m sitemigrate.schema > "
        "schemas/model.schema.json")


def test_model_round_trips_through_json_and_validates() -> None:
    model = Model(source=Source("plain", "x.md"))
    model.publications.append(Publication(id="a", title="T", authors=["A B"], year=2020,
                                          links={"pdf": "https://x/a.pdf"}, extra={"k": [1]}))
    model.themes.append(Theme(id="t", title="Theme", publication_ids=["a"],
                              subthemes=[Theme(id="s", title="Sub")]))
    data = json.loads(json.dumps(model.to_dict()))
    assert validate_data(data) == []
    assert Model.from_dict(data) == model
    assert list(data)[:2] == ["schema_version", "source"]


def test_schema_rejects_wrong_types() -> None:
    data = Model(source=Source("plain", "x")).to_dict()
    data["publications"] = [{"id": "a", "title": "T", "year": "2020"}]
    assert validate_data(data)
