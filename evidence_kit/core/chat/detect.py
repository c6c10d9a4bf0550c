"""What did the user give us? Family, locale and layout of a chat export, from its shape.

Detection reads only the first 64 KiB of each candidate text (and a ZIP's directory), and
stores nothing: an unrecognised input is refused before anything enters the vault, with a
message naming what was expected. The family is decided by the shape of the first lines,
never by language alone.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..common.errors import InputError
from . import kakao, kakao_sniff, telegram_html, telegram_html_page, whatsapp
from .common import Sniff
from .errors import ChatFormatError, unrecognised
from .model import PLATFORM_TELEGRAM
from .telegram import CHAT_TYPES  # the chat types Telegram Desktop writes: one list
from .zipsafe import SafeEntry, SafeZip

log = logging.getLogger(__name__)

HEAD = 64 * 1024
MAX_FOLDER_FILES = 200_000
TEXT_SUFFIXES = (".txt", ".csv")
LOCALE_NAMES = {
    "ko": ("한국어", "Korean"),
    "en": ("영어", "English"),
    "other": ("기타 언어", "other language"),
}
ORDER_NAMES = {
    "dmy": ("일/월/년", "day/month/year"),
    "mdy": ("월/일/년", "month/day/year"),
    "ymd": ("년/월/일", "year/month/day"),
}


@dataclass
class Source:
    """One file of the export: on disk, or an entry of the ZIP."""

    rel: str  # path inside the export (ZIP entry name or path under the folder)
    size: int
    path: Path | None = None
    entry: SafeEntry | None = None


@dataclass
class Plan:
    platform: str
    family: str
    locale: str
    sniff: Sniff | None
    texts: list[Source]  # the chat text(s) in order (result.json; iOS parts -1, -2, ...)
    media: list[Source] = field(default_factory=list)
    zip_path: Path | None = None
    folder: Path | None = None
    title: str = ""
    year: str = ""
    warnings: list[str] = field(default_factory=list)
    zip: SafeZip | None = None
    zip_file: IO[bytes] | None = None

    def label(self, lang: str, date_order: str = "") -> str:
        """What the user is shown: "KakaoTalk PC, Korean, 2025"."""
        i = 0 if lang == "ko" else 1
        if self.platform == PLATFORM_TELEGRAM:
            name = ("텔레그램 데스크톱(JSON)", "Telegram Desktop (JSON)")[i]
            if self.family == telegram_html.FAMILY:
                name = ("텔레그램 데스크톱(HTML)", "Telegram Desktop (HTML)")[i]
        else:
            labels = {**kakao.FAMILY_LABELS, **whatsapp.FAMILY_LABELS}
            name = labels.get(self.family, (self.family, self.family))[i]
        bits = [name]
        if self.locale:
            bits.append(LOCALE_NAMES.get(self.locale, (self.locale, self.locale))[i])
        if self.year:
            bits.append(self.year)
        out = ", ".join(bits)
        extra = []
        if date_order:
            extra.append(ORDER_NAMES[date_order][i])
        if self.sniff and self.sniff.signature:
            shape = self.sniff.signature[0]
            if isinstance(shape, whatsapp.Shape):
                extra.append(shape.describe(lang))
        if len(self.texts) > 1:
            extra.append(f"{len(self.texts)}개 파일" if i == 0 else f"{len(self.texts)} parts")
        return f"{out} ({', '.join(extra)})" if extra else out

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()
        if self.zip_file is not None:
            self.zip_file.close()


def _lstat(p: Path) -> os.stat_result:
    try:
        st = os.lstat(p)
    except OSError as e:
        raise InputError(str(p), ko="파일을 찾을 수 없습니다.", en="The file was not found.") from e
    if stat.S_ISLNK(st.st_mode):
        raise InputError(
            str(p), ko="바로가기(심볼릭 링크)는 따라가지 않습니다.", en="Symbolic links are not followed."
        )
    return st


def _read_head(p: Path) -> bytes:
    fd = os.open(p, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as f:
        return f.read(HEAD)


def head_lines(head: bytes) -> list[str]:
    text = head.decode("utf-8", errors="replace")
    lines = text.splitlines()
    if len(head) >= HEAD and lines:
        lines = lines[:-1]  # may be cut
    return lines[:300]


def sniff_text(head: bytes, name: str) -> Sniff | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    lines = head_lines(head)
    cands = [s for s in (kakao_sniff.sniff(lines, name), whatsapp.sniff(lines, name)) if s is not None]
    return max(cands, key=lambda s: s.score) if cands else None


def looks_like_telegram_json(head: bytes) -> bool:
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not h.startswith(b"{"):
        return False
    return bool(re.search(rb'"(?:messages|chats|about|personal_information)"\s*:', h[:HEAD])) or bool(
        re.search(rb'"type"\s*:\s*"(?:' + b"|".join(t.encode() for t in CHAT_TYPES) + rb')"', h[:4096])
    )




def _looks_like_telegram_html(head: bytes) -> bool:
    return b"<html" in head[:2048].lower() and (
        b"page_wrap" in head or b"Exported Data" in head or b"history" in head
    )


def _walk(folder: Path, skip: set[str], warnings: list[str]) -> list[Source]:
    out: list[Source] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in sorted(files) + sorted(d for d in dirs if os.path.islink(os.path.join(root, d))):
            fp = Path(root) / name
            rel = fp.relative_to(folder).as_posix()
            if rel in skip:
                continue
            try:
                st = os.lstat(fp)
            except OSError:
                warnings.append(f"{rel}: cannot be read")
                continue
            if stat.S_ISLNK(st.st_mode):
                warnings.append(f"{rel}: symbolic link not followed")
            elif not stat.S_ISREG(st.st_mode):
                warnings.append(f"{rel}: not a regular file, skipped")
            else:
                out.append(Source(rel, st.st_size, path=fp))
            if len(out) > MAX_FOLDER_FILES:
                raise InputError(
                    f"more than {MAX_FOLDER_FILES} files",
                    ko="폴더에 파일이 너무 많습니다. 내보내기 폴더만 고르세요.",
                    en="The folder holds too many files. Choose the export folder itself.",
                )
    return out


_PART = re.compile(r"-(\d+)\.txt$", re.IGNORECASE)


def _order_parts(srcs: list[Source]) -> list[Source]:
    def key(s: Source) -> tuple[str, int, str]:
        base = s.rel.rsplit("/", 1)[-1]
        m = _PART.search(base)
        return (base[: m.start()] if m else base, int(m.group(1)) if m else 0, base)

    return sorted(srcs, key=key)


def _title_from_name(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    for pat in (
        r"^WhatsApp Chat (?:with|-) (?P<t>.+?)(?:\.txt|\.zip)?$",
        r"^WhatsApp[- ]Chat mit (?P<t>.+?)(?:\.txt|\.zip)?$",
        r"^KakaoTalk_Chat_(?P<t>.+?)_\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.csv$",
    ):
        m = re.match(pat, base)
        if m:
            return m.group("t")
    return ""


LONE_JSON = (
    "{name} is not named result.json: only this file was imported, not the folder it is in; "
    "import the export folder to include its media"
)


LONE_HTML = (
    "{name} is not named messages.html: only this page was imported, not the folder it is in; "
    "import the export folder to include its other pages and media"
)


def plan(paths: list[Path], chat: str | None = None) -> Plan:
    """Detect what the paths are; raises ChatFormatError (nothing stored) if unrecognised."""
    if not paths:
        raise unrecognised("no file given")
    paths = [Path(p) for p in paths]
    sts = [_lstat(p) for p in paths]
    if len(paths) > 1:
        if any(not stat.S_ISREG(s.st_mode) for s in sts):
            raise unrecognised("several paths: only the parts of one split chat (Talk_...-1.txt, -2, ...)")
        return _plan_texts([Source(p.name, s.st_size, path=p) for p, s in zip(paths, sts, strict=True)], [])
    p, st = paths[0], sts[0]
    if stat.S_ISDIR(st.st_mode):
        return _plan_folder(p, chat=chat)
    if not stat.S_ISREG(st.st_mode):
        raise InputError(str(p), ko="일반 파일이 아닙니다.", en="That is not a regular file.")
    head = _read_head(p)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _plan_zip(p)
    if looks_like_telegram_json(head):
        # Telegram Desktop names it result.json inside its own export folder. Any other name
        # (a file saved or sent on its own, e.g. into Downloads) must not sweep in its neighbours.
        return _plan_folder(p.parent, result=p, with_media=p.name == "result.json")
    if _looks_like_telegram_html(head):
        if telegram_html.MESSAGES_FILE.match(p.name) or p.name == "export_results.html":
            return _plan_folder(p.parent, chat=chat)
        # Renamed or saved on its own: the folder around it is not the export (it may be
        # Downloads, whose other .txt files would otherwise be taken for the chat).
        return _plan_lone_html(p, st.st_size, head)
    return _plan_texts([Source(p.name, st.st_size, path=p)], [])


def _plan_folder(
    folder: Path, result: Path | None = None, chat: str | None = None, *, with_media: bool = True
) -> Plan:
    warnings: list[str] = []
    rjson = result or folder / "result.json"
    try:
        rst = os.lstat(rjson)
        has_json = stat.S_ISREG(rst.st_mode)
    except OSError:
        has_json = False
    if has_json:
        head = _read_head(rjson)
        if not looks_like_telegram_json(head):
            raise unrecognised(f"{rjson.name} is not a Telegram Desktop JSON export")
        name = rjson.relative_to(folder).as_posix()
        media = _walk(folder, {name}, warnings) if with_media else []
        if not with_media:
            warnings.append(LONE_JSON.format(name=name))
        title = ""
        m = re.search(rb'"name"\s*:\s*"((?:[^"\\]|\\.){0,300})"', head[:4096])
        if m:
            try:
                title = m.group(1).decode("utf-8", errors="replace")
            except ValueError:
                title = ""
        return Plan(
            PLATFORM_TELEGRAM,
            "telegram-json",
            "",
            None,
            [Source(name, rst.st_size, path=rjson)],
            media,
            folder=folder,
            title=title,
            warnings=warnings,
        )
    try:
        names = sorted(os.listdir(folder))
    except OSError as e:
        raise InputError(str(folder), ko="폴더를 읽을 수 없습니다.", en="The folder cannot be read.") from e
    if any(telegram_html.MESSAGES_FILE.match(n) for n in names) or "export_results.html" in names:
        return _plan_telegram_html(folder, names, chat)
    files = _walk(folder, set(), warnings)
    texts = [s for s in files if "/" not in s.rel and s.rel.lower().endswith(TEXT_SUFFIXES)]
    if not texts:
        raise unrecognised(f"{folder.name}: no .txt, .csv or result.json in the folder")
    pl = _plan_texts(texts, files, allow_extra_texts=True)
    pl.folder = folder
    pl.warnings += warnings
    return pl


def html_chats(folder: Path) -> list[tuple[str, str]]:
    """A full-account HTML export's chats: (folder name chat_NNN, chat name)."""
    out: list[tuple[str, str]] = []
    base = folder / "chats"
    try:
        subs = sorted(os.listdir(base))
    except OSError:
        return out
    for sub in subs:
        page = base / sub / "messages.html"
        try:
            if os.path.islink(base / sub) or not stat.S_ISREG(os.lstat(page).st_mode):
                continue
        except OSError:
            continue
        out.append((sub, telegram_html_page.read_title(_read_head(page))))
    return out


def account_chats(paths: list[Path]) -> list[tuple[str, str]]:
    """The chats to choose from when ``paths`` is one full-account Telegram HTML export
    (its folder or its ``export_results.html``); [] for anything else."""
    if len(paths) != 1:
        return []
    p = paths[0]
    try:
        st = os.lstat(p)
    except OSError:
        return []
    if stat.S_ISDIR(st.st_mode):
        return html_chats(p)
    return html_chats(p.parent) if p.name == "export_results.html" else []


def _pick_chat(folder: Path, chat: str | None) -> Path:
    chats = html_chats(folder)
    listing = "\n".join(f"  {sub}  {_printable(title)}" for sub, title in chats) or "  -"
    if chat:
        want = chat.strip()
        for sub, _title in chats:
            num = sub.removeprefix("chat_")
            if want in (sub, num) or (want.isdigit() and num.isdigit() and int(want) == int(num)):
                return folder / "chats" / sub
        hits = [sub for sub, title in chats if title.casefold() == want.casefold()]
        if len(hits) == 1:
            return folder / "chats" / hits[0]
        raise ChatFormatError(
            f"--chat {chat}: no such chat",
            ko=f"'{_printable(chat)}' 대화를 찾지 못했거나 이름이 같은 대화가 여럿입니다. "
            f"폴더 이름(chat_NNN)으로 고르세요. 아무것도 저장하지 않았습니다.\n{listing}",
            en=f"No single chat named '{_printable(chat)}'. Choose by folder name (chat_NNN). "
            f"Nothing was stored.\n{listing}",
        )
    raise ChatFormatError(
        "full-account export: choose a chat",
        ko="텔레그램 전체 계정 내보내기입니다. 가져올 대화를 --chat 이름 또는 chat_NNN으로 고르세요. "
        f"아무것도 저장하지 않았습니다.\n{listing}",
        en="This is a full-account Telegram export. Choose the chat to import with --chat NAME or "
        f"chat_NNN. Nothing was stored.\n{listing}",
    )


def _printable(s: str) -> str:
    return "".join(f"[U+{ord(c):04X}]" if not c.isprintable() else c for c in s)[:120]


def _plan_telegram_html(folder: Path, names: list[str], chat: str | None) -> Plan:
    warnings: list[str] = []
    if "export_results.html" in names and not any(telegram_html.MESSAGES_FILE.match(n) for n in names):
        folder = _pick_chat(folder, chat)
        try:
            names = sorted(os.listdir(folder))
        except OSError as e:
            raise InputError(str(folder), ko="폴더를 읽을 수 없습니다.", en="The folder cannot be read.") from e
    files = _walk(folder, set(), warnings)
    texts = sorted(
        (s for s in files if "/" not in s.rel and telegram_html.MESSAGES_FILE.match(s.rel)),
        key=lambda s: telegram_html.file_order(s.rel),
    )
    if not texts:
        raise unrecognised(f"{folder.name}: no messages.html in the folder")
    text_rels = {s.rel for s in texts}
    media = [s for s in files if s.rel not in text_rels]
    title = telegram_html_page.read_title(_read_head(texts[0].path)) if texts[0].path else ""
    return Plan(
        PLATFORM_TELEGRAM, telegram_html.FAMILY, "", None, texts, media, folder=folder, title=title,
        warnings=warnings,
    )


def _plan_lone_html(p: Path, size: int, head: bytes) -> Plan:
    """One Telegram HTML page not named messages*.html: that file alone, no media."""
    return Plan(
        PLATFORM_TELEGRAM, telegram_html.FAMILY, "", None, [Source(p.name, size, path=p)], [],
        title=telegram_html_page.read_title(head), warnings=[LONE_HTML.format(name=p.name)],
    )


def _plan_zip(p: Path) -> Plan:
    fd = os.open(p, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    f = os.fdopen(fd, "rb")
    try:
        z = SafeZip(f)
        if any(e.basename == "result.json" or telegram_html.MESSAGES_FILE.match(e.basename) for e in z.entries):
            raise unrecognised("a ZIP of a Telegram export: unzip it and import the folder")
        texts = [
            Source(e.name, e.size, entry=e)
            for e in z.entries
            if e.name.lower().endswith(TEXT_SUFFIXES) and "__MACOSX" not in e.name
        ]
        if not texts:
            raise unrecognised(f"{p.name}: the ZIP holds no .txt or .csv chat file")
        heads = {s.rel: z.head(s.entry) for s in texts if s.entry is not None}
        files = [Source(e.name, e.size, entry=e) for e in z.entries]
        pl = _plan_texts(texts, files, heads=heads, allow_extra_texts=True)
        pl.zip_path, pl.zip, pl.zip_file = p, z, f
        if not pl.title:
            pl.title = _title_from_name(p.name)
        return pl
    except BaseException:
        f.close()
        raise


def _plan_texts(
    texts: list[Source],
    files: list[Source],
    *,
    heads: dict[str, bytes] | None = None,
    allow_extra_texts: bool = False,
) -> Plan:
    found: list[tuple[Source, Sniff]] = []
    for s in texts:
        head = heads[s.rel] if heads is not None else (_read_head(s.path) if s.path else b"")
        sn = sniff_text(head, s.rel)
        if sn is not None:
            found.append((s, sn))
    if not found:
        names = ", ".join(s.rel for s in texts[:5])
        raise unrecognised(f"{names}: not a KakaoTalk or WhatsApp export")
    best = max(found, key=lambda x: x[1].score)[1]
    same = [(s, sn) for s, sn in found if sn.family == best.family]
    if best.family == kakao.IOS:
        chosen = _order_parts([s for s, _ in same])
    else:
        if len(same) > 1 and not allow_extra_texts:
            raise unrecognised("several chat files: import one chat at a time")
        chosen = [max(same, key=lambda x: x[1].score)[0]]
    if not allow_extra_texts and len(found) != len(texts):
        raise unrecognised("some of the files are not parts of the same chat")
    chosen_rels = {s.rel for s in chosen}
    media = [f for f in files if f.rel not in chosen_rels]
    title = best.title or _title_from_name(chosen[0].rel)
    return Plan(best.platform, best.family, best.locale, best, chosen, media, title=title, year=best.year)
