"""The directory in HSDS 3.0 (Open Referral's Human Services Data Specification); docs/hsds.md documents the mapping.

- `records.py`: one HSDS record per directory row (ids, taxonomies, the network's "fields" terms).
- `querysets.py`: what the API and the export read, a fixed number of queries however many rows.
- `export.py`: the whole directory as one HSDS document (export_directory).
- `json_import.py`: reading such a document back, checked against the HSDS schemas first, all or nothing; and
  the import machinery (plans, validation, the single write) that the CSV import shares.
- `csv_import.py`: a spreadsheet of services.
- `schemas/`: the vendored HSDS 3.0 JSON schemas and their validator.
- `api.py`, `urls.py`: the public read-only API under /api/hsds/.
"""

from directory.hsds.csv_import import import_csv
from directory.hsds.export import export_document, export_json
from directory.hsds.json_import import ImportReport, Problem, import_document, import_file

__all__ = [
    "ImportReport",
    "Problem",
    "export_document",
    "export_json",
    "import_csv",
    "import_document",
    "import_file",
]
