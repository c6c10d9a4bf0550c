"""What happens to a grab: the blank check, numbered sets, and storing through the service.

Blank grabs are refused, the source form is prefilled from the previous capture, parts of one
evidence set are numbered, and the picture goes into the vault through the service's
``import_bytes`` with method ``screen-capture``."""

from __future__ import annotations

import io
import logging
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from ..common.model import METHOD_CAPTURE, AddResult, ItemInput, Source
from . import redact
from .capture import PNG_SIGNATURE, BlankCaptureError, CaptureContext, CaptureError, CaptureResult

log = logging.getLogger(__name__)

# A grab whose brightest value in every colour channel is at most this is "black".
# Real screens are never that dark: even a dark-mode chat shows light text.
BLACK_LEVEL = 8


class CaptureSink(Protocol):
    """What storing a capture needs of the service (``EvidenceService`` provides it)."""

    def import_bytes(
        self, case_id: str, data: bytes, info: ItemInput, *, regions: Sequence[redact.Rect] = ()
    ) -> AddResult: ...


# ------------------------------------------------------------ blank grabs


def blank_reason(png: bytes) -> str | None:
    """Why a grab is no picture at all, or None when it shows something.

    ``"empty"`` (no pixels, or no PNG), ``"transparent"``, ``"black"`` (every channel
    at most :data:`BLACK_LEVEL`) or ``"one-colour"``. Decoded in memory with Pillow.
    """
    from PIL import Image

    if not png.startswith(PNG_SIGNATURE):
        return "empty"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own grab of big screens
            with Image.open(io.BytesIO(png)) as im:
                if im.format != "PNG" or im.width == 0 or im.height == 0:
                    return "empty"
                im.load()
                pic = im if im.mode in ("RGB", "RGBA", "L", "LA") else im.convert("RGBA")
                extrema = pic.getextrema()
                bands = pic.getbands()
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        return "empty"
    flat: list[Any] = [extrema] if len(bands) == 1 else list(extrema)
    ranges = [(int(lo), int(hi)) for lo, hi in flat]
    colour = [r for b, r in zip(bands, ranges, strict=True) if b != "A"]
    alpha = [r for b, r in zip(bands, ranges, strict=True) if b == "A"]
    if alpha and alpha[0][1] == 0:
        return "transparent"
    if all(hi <= BLACK_LEVEL for _lo, hi in colour):
        return "black"
    if all(lo == hi for lo, hi in colour):
        return "one-colour"
    return None


def is_blank(png: bytes) -> bool:
    return blank_reason(png) is not None


# --------------------------------------------------------- sessions, sets


@dataclass
class CaptureGroup:
    """One evidence set: e.g. a long conversation captured in several scrolled parts."""

    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    label: str = ""
    next_part: int = 1


PREFILLED_FIELDS = ("platform", "url", "chatroom", "account", "description")


class CaptureSession:
    """One sitting of work in one case (forgotten when the vault locks).

    It remembers the source of the previous capture to prefill the next form, and
    numbers the parts of the current evidence set.
    """

    def __init__(self, case_id: str | None = None) -> None:
        self.case_id = case_id
        self.last_source: Source | None = None
        self.group: CaptureGroup | None = None
        self.stored = 0

    def prefill(self) -> Source:
        """The form for the next capture: where the previous one came from (not when)."""
        if self.last_source is None:
            return Source()
        return Source(**{k: getattr(self.last_source, k) for k in PREFILLED_FIELDS})

    def start_group(self, label: str = "") -> CaptureGroup:
        self.group = CaptureGroup(label=label.strip())
        return self.group

    def end_group(self) -> None:
        self.group = None

    def store(
        self,
        service: CaptureSink,
        result: CaptureResult,
        source: Source,
        *,
        allow_blank: bool = False,
        regions: Sequence[redact.Rect] = (),
    ) -> AddResult:
        if self.case_id is None:
            raise CaptureError(
                "no case", ko="먼저 사건을 만드세요.", en="Create a case first: evidence is kept in a case."
            )
        res = store_capture(service, self.case_id, result, source, self.group, allow_blank=allow_blank, regions=regions)
        self.last_source = replace(source)
        if not res.duplicate:
            self.stored += 1
        return res


def capture_name(context: CaptureContext, part: int | None = None) -> str:
    stamp = context.local_time().strftime("%Y%m%d-%H%M%S")
    return f"screen-capture-{stamp}" + (f"-part{part:02d}" if part else "") + ".png"


def store_capture(
    service: CaptureSink,
    case_id: str,
    result: CaptureResult,
    source: Source | None = None,
    group: CaptureGroup | None = None,
    *,
    allow_blank: bool = False,
    regions: Sequence[redact.Rect] = (),
) -> AddResult:
    """Seal a grab into the vault as a ``screen-capture`` item (custody event ``capture``).

    In a record-only case (issue 9) only a redacted derivative is stored: ``regions``
    blacked out, or with none the whole picture pixelated; the grab's hashes are kept.

    An all-black, transparent or one-colour grab raises :class:`BlankCaptureError`
    unless ``allow_blank`` (the person looked at it and chose to keep it; the context
    then says ``"blank"``). With ``group``, the item is the set's next part.
    """
    if not result.png.startswith(PNG_SIGNATURE):
        raise CaptureError("not a PNG")
    reason = blank_reason(result.png)
    if reason is not None and not allow_blank:
        log.info("capture refused: the grab is %s", reason)
        raise BlankCaptureError(reason)
    capture = result.context.to_json()
    if reason is not None:
        capture["blank"] = reason
    part = group.next_part if group is not None else None
    if group is not None and group.label:
        capture["set_label"] = group.label
    info = ItemInput(
        name=capture_name(result.context, part),
        method=METHOD_CAPTURE,
        source=source or Source(),
        capture=capture,
        group_id=group.id if group is not None else None,
        group_part=part,
    )
    res = service.import_bytes(case_id, result.png, info, regions=regions)
    if group is not None and not res.duplicate:
        group.next_part += 1
    log.info("capture stored as exhibit %d%s", res.item.exhibit, " (duplicate)" if res.duplicate else "")
    return res
