"""Which KakaoTalk export family and language a file's first lines are, by vote.

Families: PC, Android, iOS, Mac CSV. Every line votes, and the lines that voted are kept as the
evidence of the choice."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .common import Sniff
from .kakao import (
    ANDROID,
    ANDROID_TS,
    FAMILY_LABELS,
    IOS,
    IOS_FILE_LINE,
    IOS_TS,
    MAC_CSV,
    PC,
    PC_DAY_EN,
    PC_DAY_KO,
    PC_MSG,
    SAVED,
    TITLE,
    room_title,
)
from .model import PLATFORM_KAKAO
from .timeutil import AMPM_RE, MONTH_RE

_CSV_HEADERS = {"Date,User,Message": "en", "날짜,사용자,메시지": "ko"}
_KO_SAVED = re.compile(r"(?:오전|오후|\d년)")
_EN_SAVED = re.compile(rf"(?:{MONTH_RE}|\b{AMPM_RE}$)")
MAX_EVIDENCE = 12


def _mac_csv(lines: list[str], first: str) -> Sniff:
    year = ""
    for ln in lines[1:20]:
        m = re.match(r"^(\d{4})-\d{2}-\d{2} \d{2}:\d{2}:\d{2},", ln)
        if m:
            year = m.group(1)
            break
    lang = _CSV_HEADERS[first]
    ev = (f"line 1: CSV header {first!r} -> Mac CSV, language {lang}",)
    return Sniff(PLATFORM_KAKAO, MAC_CSV, lang, 50, year=year, evidence=ev)


class _Votes:
    """The tally over a text export's first lines."""

    def __init__(self) -> None:
        self.title, self.saved, self.year = "", "", ""
        self.head_lang: str | None = None  # from the title / saved-date label
        self.ts = {"ko": 0, "en": 0}  # from date and clock words
        self.scores = {PC: 0, ANDROID: 0, IOS: 0}
        self.evidence: list[str] = []

    def vote(self, i: int, fams: tuple[str, ...], pts: int, why: str) -> None:
        for f in fams:
            self.scores[f] += pts
        if len(self.evidence) < MAX_EVIDENCE:
            names = "/".join(FAMILY_LABELS[f][1].replace("KakaoTalk ", "") for f in fams)
            self.evidence.append(f"line {i + 1}: {why} -> {names} +{pts}")

    def line(self, i: int, s: str) -> None:
        if i < 3 and self._header(i, s):
            return
        if self._saved(i, s) or self._pc(i, s):
            return
        for fam, table in ((ANDROID, ANDROID_TS), (IOS, IOS_TS)):
            if self._mobile(i, s, fam, table):
                break

    def _header(self, i: int, s: str) -> bool:
        m = TITLE.match(s)
        if m and not self.title:
            self.title = room_title(m)
            self.head_lang = "ko" if m.group("ko") is not None or m.group("ko2") is not None else "en"
            # Every text family can start with the room title: it shows KakaoTalk, not which one.
            self.vote(i, (PC, ANDROID, IOS), 2, "title line")
            return True
        if i == 0 and IOS_FILE_LINE.match(s):
            self.vote(i, (IOS,), 5, "first line repeats the Talk_….txt file name")
            return True
        return False

    def _saved(self, i: int, s: str) -> bool:
        m = SAVED.match(s)
        if not m or self.saved:
            return False
        saved = self.saved = m.group("when").strip()
        self.head_lang = self.head_lang or ("ko" if s.startswith("저장한") else "en")
        if _KO_SAVED.search(saved):
            self.ts["ko"] += 1
        elif _EN_SAVED.search(saved):
            self.ts["en"] += 1
        if re.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", saved):
            self.vote(i, (PC,), 5, "saved date in the PC form YYYY-MM-DD HH:MM:SS")
        elif re.match(r"^\d{4}년", saved):
            self.vote(i, (ANDROID,), 5, "saved date in the Android form YYYY년 M월 D일")
        elif re.match(r"^\d{4}\. ", saved):
            self.vote(i, (IOS,), 5, "saved date in the iOS form YYYY. M. D.")
        y = re.search(r"(\d{4})", saved)
        self.year = y.group(1) if y else self.year
        return True

    def _pc(self, i: int, s: str) -> bool:
        d_ko, d_en = PC_DAY_KO.match(s), PC_DAY_EN.match(s)
        if d_ko or d_en:
            self.ts["ko" if d_ko else "en"] += 1
            self.vote(i, (PC,), 3, "day separator between 15 dashes")
            ym = re.search(r"\d{4}", s)
            self.year = self.year or (ym.group(0) if ym else "")
            return True
        m2 = PC_MSG.match(s)
        if m2:
            if m2.group("ap1"):
                self.ts["ko"] += 1
            elif m2.group("ap2"):
                self.ts["en"] += 1
            self.vote(i, (PC,), 2, "[name] [time] message")
            return True
        return False

    def _mobile(self, i: int, s: str, fam: str, table: Sequence[tuple[re.Pattern[str], ...]]) -> bool:
        for k, (msg, sysl, _only) in enumerate(table):
            mm = msg.match(s)
            what = "message"
            if not mm:
                mm = sysl.match(s)
                what = "system line (timestamp, text)" if fam == ANDROID else "system line (timestamp: text)"
            if mm:
                self.ts["ko" if k == 0 else "en"] += 1
                self.vote(i, (fam,), 2, f"{'Android' if fam == ANDROID else 'iOS'}-shaped {what}")
                self.year = self.year or (mm.group("y") or "")
                return True
        return False

    def result(self) -> Sniff | None:
        fam = max(self.scores, key=lambda f: self.scores[f])
        if self.scores[fam] < 4:
            return None
        ts = self.ts
        if ts["ko"] != ts["en"]:
            locale = "ko" if ts["ko"] > ts["en"] else "en"
            why = f"date/clock words: Korean {ts['ko']}, English {ts['en']}"
        elif self.head_lang:
            locale, why = self.head_lang, "header words"
        else:
            locale, why = "en", "no Korean format words"
        score = self.scores[fam]
        self.evidence.append(f"family {FAMILY_LABELS[fam][1]} (score {score}); language {locale} from {why}")
        return Sniff(
            PLATFORM_KAKAO,
            fam,
            locale,
            score,
            year=self.year,
            title=self.title,
            saved_at=self.saved,
            evidence=tuple(self.evidence),
        )


def sniff(lines: list[str], file_name: str = "") -> Sniff | None:
    """Which KakaoTalk family these first lines are (None if none).

    Every line of the header and the first 300 lines votes for a family; the lines that
    voted are returned as evidence. The language comes only from the format's fixed parts
    (title and saved-date words, date and am/pm words in timestamps), never from message text:
    dates and clock words first, because a header can be English while the times are Korean."""
    first = lines[0].lstrip("\ufeff").strip() if lines else ""
    if first in _CSV_HEADERS:
        return _mac_csv(lines, first)
    votes = _Votes()
    for i, ln in enumerate(lines[:300]):
        votes.line(i, (ln.lstrip("\ufeff") if i == 0 else ln).rstrip())
    return votes.result()
