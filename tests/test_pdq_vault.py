"""PDQ during ingest and on demand, recorded on the item and in the custody log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence_kit.cli import main
from evidence_kit.core.common.model import ItemInput, Source
from evidence_kit.core.evidence import perceptual as pq
from evidence_kit.core.service import EvidenceService
from tests.conftest import PASSPHRASE
from tests.test_pdq_grouping import encode, photo


def _hash_events(service: EvidenceService, item_id: str) -> list[dict[str, object]]:
    return [e.data for e in service.item_events(item_id) if e.action == "hash"]


def test_import_paths_hashes_images_and_logs_it(service: EvidenceService, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    im = photo(21)
    (src / "a.jpg").write_bytes(encode(im, "JPEG", quality=90))
    (src / "a-small.jpg").write_bytes(encode(im.resize((320, 240)), "JPEG", quality=60))
    (src / "flat.png").write_bytes(encode(photo(22).convert("L").point(lambda _v: 90)))
    (src / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 300)
    (src / "notes.txt").write_text("not an image")
    case = service.create_case("case")
    summary = service.import_paths(case.id, [src], Source(platform="Telegram", url="https://t.me/x/1"))
    assert not summary.problems
    by_name = {i.original_name: i for i in summary.added}
    assert set(by_name) == {"a.jpg", "a-small.jpg", "flat.png", "broken.jpg", "notes.txt"}

    a = by_name["a.jpg"]
    assert a.pdq is not None and a.pdq_quality is not None and a.pdq_quality >= pq.MIN_QUALITY
    assert (a.pdq, a.pdq_quality) == pq.pdq_from_bytes((src / "a.jpg").read_bytes())
    (event,) = _hash_events(service, a.id)
    assert event["pdq"] == a.pdq and event["quality"] == a.pdq_quality
    assert event["algorithm"] == "PDQ" and str(event["implementation"]).startswith("pdqhash")
    assert "Pillow" in str(event["decoder"])
    # The record as stored (not just the object returned) carries the hash.
    assert service.vault.get_item(a.id).pdq == a.pdq

    assert by_name["flat.png"].pdq_quality == 0  # hashed, flagged unreliable
    assert pq.status_of(by_name["flat.png"]) == pq.STATUS_UNRELIABLE
    assert by_name["broken.jpg"].pdq is None and not _hash_events(service, by_name["broken.jpg"].id)
    assert by_name["notes.txt"].pdq is None

    groups = service.near_duplicates(case.id)
    assert [set(g.members) for g in groups] == [{a.id, by_name["a-small.jpg"].id}]
    assert service.vault.verify().ok


def test_import_bytes_hashes_in_memory(service: EvidenceService) -> None:
    case = service.create_case("case")
    data = encode(photo(23), "PNG")
    res = service.import_bytes(case.id, data, ItemInput(name="capture.png", method="screen-capture"))
    assert res.item.pdq == pq.pdq_from_bytes(data)[0]
    (event,) = _hash_events(service, res.item.id)
    assert event["from"] == "ingest bytes, SHA-256 verified"
    again = service.import_bytes(case.id, data, ItemInput(name="again.png", method="paste"))
    assert again.duplicate and len(_hash_events(service, res.item.id)) == 1


def test_on_demand_for_existing_items(service: EvidenceService) -> None:
    case = service.create_case("case")
    data = encode(photo(24), "JPEG", quality=92)
    # An item saved before this feature existed: straight through the vault, no PDQ.
    item = service.vault.add_bytes(case.id, data, ItemInput(name="old.jpg", method="import-file")).item
    assert item.pdq is None
    outcomes = service.compute_pdq(case.id)
    (o,) = outcomes
    assert o.computed and o.reliable and o.pdq == pq.pdq_from_bytes(data)[0]
    (event,) = _hash_events(service, item.id)
    assert event["from"] == "sealed copy, SHA-256 verified"
    # Nothing new to do: no second event; --force recomputes but logs only a change.
    (o2,) = service.compute_pdq(case.id)
    assert not o2.computed and o2.pdq == o.pdq
    (o3,) = service.compute_pdq(case.id, force=True)
    assert not o3.computed and len(_hash_events(service, item.id)) == 1
    # Reading the sealed copy for PDQ is not a "view" of the evidence.
    assert not [e for e in service.item_events(item.id) if e.action == "view"]


def test_bytes_that_are_not_the_item_are_refused(service: EvidenceService) -> None:
    from evidence_kit.core.common.errors import IntegrityError

    case = service.create_case("case")
    item = service.vault.add_bytes(case.id, encode(photo(25)), ItemInput(name="x.png", method="paste")).item
    with pytest.raises(IntegrityError):
        service.vault.compute_perceptual(item.id, data=encode(photo(26)))


def test_cli_pdq_lists_hashes_and_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EVIDENCE_KIT_PASSPHRASE", PASSPHRASE)
    vault = str(tmp_path / "vault")
    from tests.conftest import fast_kdf

    svc = EvidenceService(Path(vault))
    svc.create_vault(PASSPHRASE, kdf=fast_kdf())
    case = svc.create_case("사건")
    im = photo(27)
    for name, data in (("a.png", encode(im)), ("b.jpg", encode(im, "JPEG", quality=40))):
        svc.vault.add_bytes(case.id, data, ItemInput(name=name, method="paste"))  # no PDQ yet
    svc.lock()
    assert main(["--vault", vault, "--lang", "en", "pdq", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [i["computed"] for i in out["items"]] == [True, True]
    assert out["groups"] and out["groups"][0]["exhibits"] == [1, 2]
    assert main(["--vault", vault, "--lang", "ko", "pdq"]) == 0
    text = capsys.readouterr().out
    assert "증 제1호증" in text and "같은 이미지로 보이는 묶음 1" in text
