"""``case.jsonld``: the bundle's facts as a CASE/UCO graph (https://caseontology.org).

Forensic tools that read CASE can ingest the exhibits without parsing our manifest:

- each exhibit is a ``uco-observable:File`` with a ``FileFacet`` (file name, size) and a
  ``ContentDataFacet`` whose ``uco-types:Hash`` entries carry SHA256/MD5/SHA1 values as
  ``xsd:hexBinary``;
- each capture or import is a ``case-investigation:InvestigativeAction`` (start time, the
  tool as instrument, the source URL as object when known) whose ``uco-action:result``
  is the file and a ``case-investigation:ProvenanceRecord`` carrying the exhibit number;
- an ``Investigation`` groups them, and the tool is a ``uco-tool:Tool``.

Identifiers are ``urn:uuid:`` IRIs derived (UUID v5) from the vault, case and item ids, so
the same vault state always yields the same graph. Validated in the tests with
``case_validate`` (case-utils 0.18.0, CASE 1.5.0).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from ... import __version__
from ..common.canonical import canonical_json

if TYPE_CHECKING:
    from ..common.model import Item
    from .snapshot import CaseSnapshot

CONTEXT = {
    "kb": "urn:uuid:",
    "case-investigation": "https://ontology.caseontology.org/case/investigation/",
    "uco-action": "https://ontology.unifiedcyberontology.org/uco/action/",
    "uco-core": "https://ontology.unifiedcyberontology.org/uco/core/",
    "uco-identity": "https://ontology.unifiedcyberontology.org/uco/identity/",
    "uco-observable": "https://ontology.unifiedcyberontology.org/uco/observable/",
    "uco-tool": "https://ontology.unifiedcyberontology.org/uco/tool/",
    "uco-types": "https://ontology.unifiedcyberontology.org/uco/types/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

_NS = uuid.UUID("9b0f3f2e-6d1c-5a43-9a7e-4c1f3b2d8e10")


def _iri(*parts: str) -> str:
    return "kb:" + str(uuid.uuid5(_NS, "/".join(parts)))


def _dt(iso: str) -> dict[str, str]:
    return {"@type": "xsd:dateTime", "@value": iso}


def _int(n: int) -> dict[str, str]:
    return {"@type": "xsd:integer", "@value": str(int(n))}


def _ref(iri: str) -> dict[str, str]:
    return {"@id": iri}


def _hash(vault: str, item: Item, method: str, value: str) -> dict[str, Any]:
    return {
        "@id": _iri(vault, item.id, "hash", method),
        "@type": "uco-types:Hash",
        "uco-types:hashMethod": method,
        "uco-types:hashValue": {"@type": "xsd:hexBinary", "@value": value.upper()},
    }


def build_graph(snap: CaseSnapshot) -> dict[str, Any]:
    v, case = snap.vault_id, snap.case
    tool_iri = _iri("tool", "evidence-kit", __version__)
    nodes: list[dict[str, Any]] = [
        {
            "@id": tool_iri,
            "@type": "uco-tool:Tool",
            "uco-core:name": "Evidence Kit",
            "uco-tool:version": __version__,
            "uco-tool:toolType": "evidence preservation",
        }
    ]
    performer: str | None = None
    if case.prepared_by:
        performer = _iri(v, case.id, "preparer")
        nodes.append(
            {
                "@id": performer,
                "@type": "uco-identity:Identity",
                "uco-core:name": case.prepared_by,
                "uco-core:description": f"role: {case.role}"
                + (f"; {case.organisation}" if case.organisation else ""),
            }
        )
    members: list[dict[str, str]] = []
    in_bundle = {i.id: i for i in snap.items}
    for item in snap.items:
        file_node, prov_node = _file_node(v, item), _provenance_node(v, item)
        action = _acquisition(v, item, tool_iri, performer, [_ref(file_node["@id"]), _ref(prov_node["@id"])])
        nodes += [file_node, prov_node]
        if item.source.url:
            url_node = _url_node(v, item)
            nodes.append(url_node)
            action["uco-action:object"] = [_ref(url_node["@id"])]
        parent = in_bundle.get(item.derived_from or "")
        if parent is not None:  # a redacted copy: the action's input is its sealed original
            action["uco-action:object"] = [*action.get("uco-action:object", []), _ref(_iri(v, parent.id, "file"))]
        nodes.append(action)
        members += [_ref(file_node["@id"]), _ref(prov_node["@id"]), _ref(action["@id"])]
    nodes.insert(0, _investigation(snap, members))
    return {"@context": CONTEXT, "@graph": nodes}


def _file_node(v: str, item: Item) -> dict[str, Any]:
    hashes = [_hash(v, item, "SHA256", item.sha256)]
    if item.md5:
        hashes.append(_hash(v, item, "MD5", item.md5))
    if item.sha1:
        hashes.append(_hash(v, item, "SHA1", item.sha1))
    return {
        "@id": _iri(v, item.id, "file"),
        "@type": "uco-observable:File",
        "uco-core:description": f"{item.exhibit_label_ko} ({item.exhibit_label_en})",
        "uco-core:hasFacet": [
            {
                "@id": _iri(v, item.id, "file-facet"),
                "@type": "uco-observable:FileFacet",
                "uco-observable:fileName": item.original_name,
                "uco-observable:sizeInBytes": _int(item.size),
            },
            {
                "@id": _iri(v, item.id, "content-facet"),
                "@type": "uco-observable:ContentDataFacet",
                "uco-observable:mimeType": item.media_type,
                "uco-observable:sizeInBytes": _int(item.size),
                "uco-observable:hash": hashes,
            },
        ],
    }


def _provenance_node(v: str, item: Item) -> dict[str, Any]:
    return {
        "@id": _iri(v, item.id, "provenance"),
        "@type": "case-investigation:ProvenanceRecord",
        "case-investigation:exhibitNumber": str(item.exhibit),
        "uco-core:description": item.exhibit_label_ko,
        "uco-core:object": [_ref(_iri(v, item.id, "file"))],
    }


def _acquisition(
    v: str, item: Item, tool_iri: str, performer: str | None, result: list[dict[str, str]]
) -> dict[str, Any]:
    """The capture or import that produced the item (its object, if any, is added by the caller)."""
    action: dict[str, Any] = {
        "@id": _iri(v, item.id, "acquisition"),
        "@type": "case-investigation:InvestigativeAction",
        "uco-core:name": {"screen-capture": "capture", "derived": "derive"}.get(item.method, "import"),
        "uco-core:description": f"{item.method}; custody log entry #{item.log_index}"
        + ("" if item.retained else "; original not kept, hash recorded only")
        + (f"; redacted copy ({item.derivation}) of another exhibit" if item.derived_from else ""),
        "uco-action:startTime": _dt(item.acquired_utc),
        "uco-action:endTime": _dt(item.acquired_utc),
        "uco-action:instrument": [_ref(tool_iri)],
        "uco-action:result": result,
    }
    if performer:
        action["uco-action:performer"] = _ref(performer)
    return action


def _url_node(v: str, item: Item) -> dict[str, Any]:
    return {
        "@id": _iri(v, item.id, "source-url"),
        "@type": "uco-observable:URL",
        "uco-core:hasFacet": [
            {
                "@id": _iri(v, item.id, "source-url-facet"),
                "@type": "uco-observable:URLFacet",
                "uco-observable:fullValue": item.source.url,
            }
        ],
    }


def _investigation(snap: CaseSnapshot, members: list[dict[str, str]]) -> dict[str, Any]:
    case = snap.case
    investigation: dict[str, Any] = {
        "@id": _iri(snap.vault_id, case.id, "investigation"),
        "@type": "case-investigation:Investigation",
        "uco-core:name": case.name,
        "uco-core:description": f"Evidence Kit report {snap.report_id}"
        + (f"; case reference: {case.reference}" if case.reference else ""),
    }
    if members:
        investigation["uco-core:object"] = members
    return investigation


def case_graph(snap: CaseSnapshot) -> bytes:
    """The JSON-LD document (canonical JSON bytes: reproducible for the same snapshot)."""
    return canonical_json(build_graph(snap))
