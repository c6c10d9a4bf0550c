"""Cases: sealed rows of the ``cases`` table, each change logged."""

from __future__ import annotations

import uuid
from typing import Any

from ..common.canonical import canonical_json, parse_canonical
from ..common.clock import Clock, iso_utc
from ..common.errors import InputError, NotFoundError
from ..common.model import POLICIES, Case, default_policy
from .custody import CustodyLog
from .metastore import MetaStore


class Cases:
    def __init__(self, db: MetaStore, log: CustodyLog, clock: Clock) -> None:
        self.db = db
        self.log = log
        self.clock = clock

    def create(self, name: str, **fields: Any) -> Case:
        name = name.strip()
        if not name:
            raise InputError("case name is empty", ko="사건 이름을 입력해 주세요.", en="Please give the case a name.")
        role = fields.pop("role", None) or self.db.get_setting("role", "victim")
        if "policy" not in fields:
            fields["policy"] = default_policy(role)
        if fields["policy"] not in POLICIES:
            raise InputError(f"unknown policy {fields['policy']}")
        case = Case(id=str(uuid.uuid4()), name=name, created_utc=iso_utc(self.clock.now()), role=role, **fields)
        conn = self.db.conn
        with self.db.transaction():
            ordinal = conn.execute("SELECT COALESCE(MAX(ord), 0) + 1 FROM cases").fetchone()[0]
            conn.execute(
                "INSERT INTO cases(id, ord, sealed) VALUES (?,?,?)",
                (case.id, ordinal, self.db.keys.seal(canonical_json(case.to_json()), f"cases\x00{case.id}")),
            )
            self.log.append("create-case", case_id=case.id, data={"name": name, "policy": case.policy})
        self.db.flush()
        return case

    def _from_row(self, case_id: str, sealed: bytes) -> Case:
        return Case.from_json(case_id, parse_canonical(self.db.keys.open(sealed, f"cases\x00{case_id}")))

    def list(self) -> list[Case]:
        rows = self.db.conn.execute("SELECT id, sealed FROM cases ORDER BY ord").fetchall()
        return [self._from_row(r[0], bytes(r[1])) for r in rows]

    def get(self, case_id: str) -> Case:
        row = self.db.conn.execute("SELECT id, sealed FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"case {case_id}")
        return self._from_row(row[0], bytes(row[1]))

    def find(self, ref: str) -> Case:
        """A case by id, id prefix, or exact name."""
        cases = self.list()
        hits = [c for c in cases if c.id == ref or c.name == ref] or [c for c in cases if c.id.startswith(ref)]
        if len(hits) != 1:
            raise NotFoundError(f"case {ref}", ko="그런 사건이 없습니다.", en="No such case.")
        return hits[0]

    def update(self, case_id: str, **changes: Any) -> Case:
        case = self.get(case_id)
        old = case.to_json()
        for k, v in changes.items():
            if not hasattr(case, k) or k in ("id", "created_utc"):
                raise InputError(f"unknown case field {k}")
            setattr(case, k, v)
        if case.policy not in POLICIES:
            raise InputError(f"unknown policy {case.policy}")
        new = case.to_json()
        diff = {k: {"old": old.get(k), "new": new[k]} for k in new if old.get(k) != new[k]}
        if not diff:
            return case
        with self.db.transaction():
            self.db.conn.execute(
                "UPDATE cases SET sealed = ? WHERE id = ?",
                (self.db.keys.seal(canonical_json(new), f"cases\x00{case.id}"), case.id),
            )
            action = "policy" if set(diff) == {"policy"} else "edit-case"
            self.log.append(action, case_id=case.id, data={"changes": diff})
        self.db.flush()
        return case
