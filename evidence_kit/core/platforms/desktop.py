"""What the window system shows: rectangles and other programs' windows.

Plain values shared by the platform modules (which list windows) and by screen capture
(``core.evidence.capture``), which sits above this layer and imports them from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rect:
    """A rectangle in logical (device-independent) pixels, virtual-desktop coordinates."""

    x: int
    y: int
    width: int
    height: int

    @property
    def empty(self) -> bool:
        return self.width <= 0 or self.height <= 0

    def intersected(self, other: Rect) -> Rect:
        x1, y1 = max(self.x, other.x), max(self.y, other.y)
        x2 = min(self.x + self.width, other.x + other.width)
        y2 = min(self.y + self.height, other.y + other.height)
        return Rect(x1, y1, max(0, x2 - x1), max(0, y2 - y1))

    def united(self, other: Rect) -> Rect:
        x1, y1 = min(self.x, other.x), min(self.y, other.y)
        x2 = max(self.x + self.width, other.x + other.width)
        y2 = max(self.y + self.height, other.y + other.height)
        return Rect(x1, y1, x2 - x1, y2 - y1)

    def contains_point(self, x: int, y: int) -> bool:
        return self.x <= x < self.x + self.width and self.y <= y < self.y + self.height

    def to_json(self) -> dict[str, int]:
        return {"x": self.x, "y": self.y, "width": self.width, "height": self.height}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Rect:
        return cls(int(obj["x"]), int(obj["y"]), int(obj["width"]), int(obj["height"]))


@dataclass(frozen=True)
class WindowInfo:
    """Another program's window. The title is untrusted text (anyone can name a chat)."""

    id: int
    title: str
    app: str = ""  # the window class (e.g. "TelegramDesktop"), when exposed
    process: str = ""  # the program's process name, when exposed
    pid: int | None = None
    geometry: Rect | None = None  # the window's contents, without the frame
    minimized: bool = False
