"""The schema itself: every field defined once, tables well formed, the data package current."""

from __future__ import annotations

import json

import yaml

from russian_views import config
from russian_views.dataset.load import codes_by_list
from russian_views.dataset.schema import datapackage_json, load_schema


def test_every_table_field_is_defined_once_and_used():
    raw = yaml.safe_load(config.SCHEMA_PATH.read_text(encoding="utf-8"))
    used = {f for t in raw["tables"].values() for f in t["fields"]}
    assert used <= set(raw["fields"]), f"undefined fields: {used - set(raw['fields'])}"
    assert set(raw["fields"]) <= used, f"fields no table uses: {set(raw['fields']) - used}"
    for name, table in raw["tables"].items():
        assert len(table["fields"]) == len(set(table["fields"])), name
        assert set(table["primary_key"]) <= set(table["fields"]), name


def test_every_field_has_a_type_and_description():
    schema = load_schema()
    for table in schema.tables.values():
        for f in table.fields:
            assert f.type in {"string", "integer", "boolean"}, f.name
            assert len(f.description) > 10, f.name


def test_references_point_at_existing_unique_fields():
    schema = load_schema()
    for table in schema.tables.values():
        for f in table.fields:
            if f.references:
                target_table, target_field = f.references
                target = schema.tables[target_table]
                assert target_field in target.field_names
                assert (target_field,) == target.primary_key


def test_code_lists_named_by_fields_exist_in_the_codebook(dataset):
    codes = codes_by_list(dataset)
    lists = {f.codes for t in load_schema().tables.values() for f in t.fields if f.codes}
    assert lists <= set(codes)


def test_stance_and_likelihood_are_ordinal_scales(dataset):
    assert dataset.scores("stance") == {
        "hostile": -2,
        "critical": -1,
        "mixed": 0,
        "favourable": 1,
        "supportive": 2,
    }
    assert sorted(dataset.scores("likelihood").values()) == [-1, 0, 1, 2, 3]


def test_every_code_has_a_label_and_a_definition(dataset):
    cb = dataset.codebook
    assert (cb["label"].str.len() > 0).all()
    assert (cb["definition"].str.len() > 20).all()


def test_committed_datapackage_matches_schema_and_codebook(dataset):
    expected = datapackage_json(load_schema(), codes_by_list(dataset))
    assert config.DATAPACKAGE_PATH.read_text(encoding="utf-8") == expected, (
        "data/datapackage.json is stale: run `make datapackage`"
    )


def test_datapackage_is_a_tabular_data_package(dataset):
    package = json.loads(config.DATAPACKAGE_PATH.read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    names = [r["name"] for r in package["resources"]]
    assert len(names) == len(set(names))
    for resource in package["resources"]:
        assert (config.DATA_DIR / resource["path"]).exists()
        fields = [f["name"] for f in resource["schema"]["fields"]]
        header = (config.DATA_DIR / resource["path"]).read_text("utf-8").splitlines()[0]
        assert header.split(",") == fields
        for key in resource["schema"].get("foreignKeys", []):
            target = key["reference"]["resource"] or resource["name"]
            assert target in names


def test_probability_is_the_seven_step_icd_203_scale_and_confidence_three_levels(dataset):
    assert dataset.codes("probability") == [
        "almost-no-chance", "very-unlikely", "unlikely", "even-chance",
        "likely", "very-likely", "almost-certain",
    ]  # fmt: skip
    assert list(dataset.scores("probability").values()) == list(range(1, 8))
    definitions = dataset.codebook.loc[dataset.codebook["list"] == "probability", "definition"]
    assert definitions.str.contains("%", regex=False).all()
    assert dataset.codes("confidence") == ["high", "moderate", "low"]
    assert dataset.codes("voice") == ["moscow", "reviewer", "analyst"]


def test_view_definitions_name_no_particular_source(dataset):
    """With a second source added, "the review" would be wrong: definitions say "a source"."""
    views = dataset.codebook.loc[dataset.codebook["list"] == "view", "definition"]
    assert not views.str.contains("the review", regex=False).any()
    assert views.str.contains("source", regex=False).all()


def test_a_field_may_keep_its_own_key_under_a_shared_column_name():
    """actors.briefing is a flag and key_judgments.briefing a briefing's id: one column
    name, two fields, each defined once."""
    schema = load_schema()
    flag = next(f for f in schema.tables["actors"].fields if f.name == "briefing")
    names = next(f for f in schema.tables["key_judgments"].fields if f.name == "briefing")
    assert (flag.type, names.type) == ("boolean", "string")
