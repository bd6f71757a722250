"""The whole directory as one HSDS 3.0 document: what export_directory writes and import_directory reads back."""

import json

from directory.hsds.querysets import organizations_queryset
from directory.hsds.records import HSDS_VERSION, TAXONOMIES, organization_record, taxonomy_term_records
from directory.models import ServiceCategory


def export_document() -> dict:
    """The whole directory as one HSDS document: taxonomies, terms, and organizations with everything nested.

    Every service is included whatever its status, so the document can restore or move a directory.
    """
    organizations = organizations_queryset()
    return {
        "hsds_version": HSDS_VERSION,
        "taxonomies": [dict(taxonomy) for taxonomy in TAXONOMIES],
        "taxonomy_terms": taxonomy_term_records(ServiceCategory.objects.order_by("position", "code")),
        "organizations": [organization_record(org, services=org.hsds_services) for org in organizations],
    }


def export_json(document: dict | None = None) -> str:
    return json.dumps(document or export_document(), ensure_ascii=False, indent=2) + "\n"
