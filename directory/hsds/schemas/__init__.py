"""The vendored HSDS 3.0 schemas (see README.md here), ready to validate records with `jsonschema`: the JSON import
checks incoming documents with them, and the tests check the export and the API."""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent


@cache
def registry() -> Registry:
    # The schemas refer to each other by file name ("phone.json") and carry no $id or $schema, so each is
    # registered under its file name as a draft 2020-12 schema, the dialect HSDS 3.0's openapi.json declares.
    resources = [
        (path.name, DRAFT202012.create_resource(json.loads(path.read_text(encoding="utf-8"))))
        for path in SCHEMA_DIR.glob("*.json")
    ]
    return Registry().with_resources(resources)


@cache
def validator(ref: str) -> Draft202012Validator:
    """A validator for one schema, by file name and optional JSON pointer ("openapi.json#/components/...").

    Formats are asserted, not just annotated: ids must be UUIDs (jsonschema checks "uuid" itself), emails must
    look like emails. "uri" and "date-time" are checked only when jsonschema's optional format packages are
    installed, which this project does not need.
    """
    return Draft202012Validator(
        {"$ref": ref}, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def errors(instance: object, ref: str) -> list[str]:
    """Every way the instance breaks the schema, as readable lines (empty when it is valid)."""
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(root)'}: {error.message}"
        for error in validator(ref).iter_errors(instance)
    ]
