"""The dataset's schema: fields defined once in ``data/schema.yml``, tables naming them.

This module reads the schema and turns it, with the codebook, into a Frictionless
Data Package descriptor (``data/datapackage.json``) so the data can be opened by
any Frictionless tool. Validation itself lives in :mod:`russian_views.dataset.load`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from russian_views import config
from russian_views.errors import DataError, Problem


@dataclass(frozen=True)
class Field:
    """One column definition, shared by every table that names it."""

    name: str
    type: str
    description: str
    required: bool = False
    unique: bool = False
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    codes: str | None = None
    list_sep: str | None = None
    references: tuple[str, str] | None = None
    id_prefix: str | None = None  # a numbered id's letter (``c`` in c001)
    regex: re.Pattern[str] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Table:
    """A CSV file: its name, description, ordered fields and primary key."""

    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]

    @property
    def path(self) -> str:
        """The file name under ``data/``."""
        return f"{self.name}.csv"

    @property
    def field_names(self) -> list[str]:
        """Column names in schema order (the header the file must have)."""
        return [f.name for f in self.fields]

    @property
    def cited(self) -> dict[str, tuple[str, str]]:
        """The list columns whose items are records of other tables (what a written row
        rests on), each with the table and key its ids point into, in schema order."""
        return {f.name: f.references for f in self.fields if f.list_sep and f.references}


@dataclass(frozen=True)
class Schema:
    """All tables of the dataset, in the order they must be loaded (referenced first)."""

    tables: dict[str, Table]

    def datapackage(self, codes: dict[str, list[str]]) -> dict:
        """The Frictionless Data Package descriptor for these tables.

        ``codes`` maps each code list name to its codes (from the codebook); they become
        ``enum`` constraints so that generic Frictionless tools check them too.
        """
        return {
            "profile": "tabular-data-package",
            "name": "russian-views",
            "title": "Russian views of the Korean Peninsula: coded claims, events and expectations",
            "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
            "resources": [_resource(t, codes) for t in self.tables.values()],
        }


def _field_from(name: str, spec: dict) -> Field:
    """A field from its schema entry; ``column`` renames it in the CSV files, so that two
    tables may use one column name for two different things (``actors.briefing`` is a flag,
    ``key_judgments.briefing`` names a briefing) while each field is still defined once."""
    refs = spec.get("references")
    prefix = spec.get("id_prefix")
    pattern = spec.get("pattern") or (rf"^{re.escape(prefix)}\d{{3,}}$" if prefix else None)
    return Field(
        name=spec.get("column", name),
        type=spec["type"],
        description=spec["description"],
        required=spec.get("required", False),
        unique=spec.get("unique", False),
        pattern=pattern,
        minimum=spec.get("minimum"),
        maximum=spec.get("maximum"),
        max_length=spec.get("maxLength"),
        codes=spec.get("codes"),
        list_sep=spec.get("list"),
        references=tuple(refs.split(".", 1)) if refs else None,
        id_prefix=prefix,
        regex=re.compile(pattern) if pattern else None,
    )


FIELD_KEYS = {
    "type",
    "description",
    "required",
    "unique",
    "pattern",
    "id_prefix",
    "minimum",
    "maximum",
    "maxLength",
    "codes",
    "list",
    "references",
    "column",
}
TABLE_KEYS = {"description", "fields", "primary_key"}
TYPES = ("string", "integer", "boolean")
# PyYAML's safe loader in C (libyaml, in PyYAML's wheels) where present: every command and
# every briefing reads the schema, and the pure-Python parser takes 30 ms of it. Both give
# the same data; only the wording of a syntax error's position can differ.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_schema(path: Path) -> dict:
    """The parsed YAML of ``path``; a file that cannot be read or parsed is a DataError."""

    def problem(message: str) -> DataError:
        return DataError([Problem(path.name, None, None, None, message)])

    try:
        raw = yaml.load(path.read_bytes().decode("utf-8"), Loader=SAFE_LOADER)
    except OSError as exc:
        raise problem(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise problem(f"is not UTF-8 (byte at offset {exc.start})") from None
    except yaml.YAMLError as exc:
        raise problem(f"is not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(raw, dict) or set(raw) != {"fields", "tables"}:
        found = sorted(map(str, raw)) if isinstance(raw, dict) else type(raw).__name__
        raise problem(f"expected exactly the keys fields and tables, found {found}")
    for key in ("fields", "tables"):
        if not isinstance(raw[key], dict) or not all(
            isinstance(v, dict) for v in raw[key].values()
        ):
            raise problem(f"{key} must map each name to its definition")
    return raw


def _schema_problems(raw: dict, file: str) -> list[Problem]:
    """Every unknown key, missing key, bad type or undefined field name in the schema."""
    problems = []
    for name, spec in raw["fields"].items():
        for key in sorted(set(spec) - FIELD_KEYS):
            problems.append(
                Problem(
                    file, None, name, key, f"unknown key; valid: {', '.join(sorted(FIELD_KEYS))}"
                )
            )
        for key in ("type", "description"):
            if key not in spec:
                problems.append(Problem(file, None, name, None, f"{key} is missing"))
        if spec.get("type", TYPES[0]) not in TYPES:
            problems.append(
                Problem(
                    file, None, name, str(spec["type"]), f"type must be one of {', '.join(TYPES)}"
                )
            )
        try:
            re.compile(spec.get("pattern") or "")
        except (re.error, TypeError):
            problems.append(
                Problem(file, None, name, str(spec["pattern"]), "not a regular expression")
            )
    for name, spec in raw["tables"].items():
        for key in sorted(set(spec) - TABLE_KEYS):
            problems.append(
                Problem(
                    file, None, name, key, f"unknown key; valid: {', '.join(sorted(TABLE_KEYS))}"
                )
            )
        for key in sorted(TABLE_KEYS - set(spec)):
            problems.append(Problem(file, None, name, None, f"{key} is missing"))
        for f in [*spec.get("fields", []), *spec.get("primary_key", [])]:
            if f not in raw["fields"]:
                problems.append(
                    Problem(file, None, name, str(f), "names a field that is not defined")
                )
    return problems


def load_schema(path: Path = config.SCHEMA_PATH) -> Schema:
    """Read ``schema.yml``. A missing or unreadable file, bad YAML, an unknown key or a
    table naming an undefined field is a DataError listing every problem."""
    raw = _read_schema(path)
    problems = _schema_problems(raw, path.name)
    if problems:
        raise DataError(problems)
    fields = {name: _field_from(name, spec) for name, spec in raw["fields"].items()}
    tables = {
        name: Table(
            name=name,
            description=spec["description"],
            fields=tuple(fields[f] for f in spec["fields"]),
            primary_key=tuple(spec["primary_key"]),
        )
        for name, spec in raw["tables"].items()
    }
    return Schema(tables)


def _constraints(f: Field, codes: dict[str, list[str]]) -> dict:
    c: dict = {}
    if f.required:
        c["required"] = True
    if f.unique:
        c["unique"] = True
    if f.pattern and not f.list_sep:
        c["pattern"] = f.pattern
    if f.minimum is not None:
        c["minimum"] = f.minimum
    if f.maximum is not None:
        c["maximum"] = f.maximum
    if f.max_length is not None:
        c["maxLength"] = f.max_length
    if f.codes:
        c["enum"] = codes[f.codes]
    return c


def _resource(table: Table, codes: dict[str, list[str]]) -> dict:
    schema: dict = {
        "fields": [_field_descriptor(f, codes) for f in table.fields],
        "missingValues": [""],
        "primaryKey": list(table.primary_key),
    }
    keys = [
        {"fields": f.name, "reference": {"resource": f.references[0], "fields": f.references[1]}}
        for f in table.fields
        if f.references and not f.list_sep and f.references[0] != table.name
    ]
    keys += [
        {"fields": f.name, "reference": {"resource": "", "fields": f.references[1]}}
        for f in table.fields
        if f.references and not f.list_sep and f.references[0] == table.name
    ]
    if keys:
        schema["foreignKeys"] = keys
    return {
        "name": table.name,
        "path": table.path,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": table.description,
        "schema": schema,
    }


def _field_descriptor(f: Field, codes: dict[str, list[str]]) -> dict:
    description = f.description
    if f.list_sep:
        description += f' A "{f.list_sep}"-separated list.'
    if f.references and f.list_sep:
        description += f" Each item must be a {f.references[0]}.{f.references[1]}."
    out = {"name": f.name, "type": f.type, "description": description}
    if f.type == "boolean":
        out["trueValues"] = ["true"]
        out["falseValues"] = ["false"]
    constraints = _constraints(f, codes)
    if constraints:
        out["constraints"] = constraints
    return out


def datapackage_json(schema: Schema, codes: dict[str, list[str]]) -> str:
    """The descriptor as the exact text committed in ``data/datapackage.json``."""
    return json.dumps(schema.datapackage(codes), indent=2, ensure_ascii=False) + "\n"
