"""The import's PDQ pool (core/vault/pdq_pool.py): largest waiting image first, bounded memory."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest

from evidence_kit.core.evidence import perceptual as pq
from evidence_kit.core.vault import pdq_pool


class FakeVault:
    def __init__(self) -> None:
        self.recorded: list[str] = []

    def record_perceptual(self, item_id: str, result: pq.PdqResult) -> Any:
        self.recorded.append(item_id)
        return SimpleNamespace(item_id=item_id, result=result)


def test_waiting_images_start_largest_first_and_all_are_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []
    gate = threading.Event()

    def job(data: bytes) -> pq.PdqResult:
        started.append(len(data))
        if len(started) == 1:
            gate.wait(10)  # the first photo is still decoding while the rest are saved
        return pq.PdqResult("0" * 64, 100, pq.STATUS_OK)

    monkeypatch.setattr(pdq_pool.pq, "pdq_job", job)
    vault = FakeVault()
    pipeline = pdq_pool.PdqPipeline(vault, workers=1)  # type: ignore[arg-type]
    sizes = [10, 20, 3000, 30, 40]  # a 30-MB camera file among screenshots, by name order
    for i, size in enumerate(sizes):
        pipeline.submit(SimpleNamespace(id=f"item{i}"), b"x" * size)  # type: ignore[arg-type]
    gate.set()
    outcomes = pipeline.finish()
    assert started == [10, 3000, 40, 30, 20]
    assert sorted(outcomes) == [f"item{i}" for i in range(5)] == sorted(vault.recorded)


def test_memory_waiting_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    gate = threading.Event()
    most = [0]

    def job(data: bytes) -> pq.PdqResult:
        gate.wait(10)
        return pq.PdqResult(None, None, pq.STATUS_UNDECODABLE)

    monkeypatch.setattr(pdq_pool.pq, "pdq_job", job)
    pipeline = pdq_pool.PdqPipeline(FakeVault(), workers=2, budget=1000)  # type: ignore[arg-type]
    timer = threading.Timer(0.5, gate.set)
    timer.start()
    for i in range(12):
        pipeline.submit(SimpleNamespace(id=f"i{i}"), b"x" * 600)  # type: ignore[arg-type]
        most[0] = max(most[0], pipeline._waiting_bytes)
    pipeline.finish()
    timer.cancel()
    # Never more than the budget plus the one image that crossed it waits beside the running two.
    assert most[0] <= 1000 + 600
    assert len(pipeline.outcomes) == 12


def test_abandon_drops_waiting_images(monkeypatch: pytest.MonkeyPatch) -> None:
    gate = threading.Event()

    def job(data: bytes) -> pq.PdqResult:
        gate.wait(10)
        return pq.PdqResult(None, None, pq.STATUS_UNDECODABLE)

    monkeypatch.setattr(pdq_pool.pq, "pdq_job", job)
    vault = FakeVault()
    pipeline = pdq_pool.PdqPipeline(vault, workers=1)  # type: ignore[arg-type]
    for i in range(3):
        pipeline.submit(SimpleNamespace(id=f"i{i}"), b"x")  # type: ignore[arg-type]
    gate.set()
    pipeline.abandon()
    assert pipeline._waiting == [] and vault.recorded == []
