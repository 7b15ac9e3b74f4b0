"""``data/datapackage.json`` is a valid Frictionless Data Package, as the README says."""

from __future__ import annotations

import frictionless

from russian_views import config


def test_frictionless_validates_the_data_package():
    report = frictionless.validate(str(config.DATAPACKAGE_PATH))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
