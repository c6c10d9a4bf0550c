"""Chat exports as evidence: one chat model fed by the Telegram, KakaoTalk and WhatsApp
importers (issues 6 and 12).

The export files are stored in the vault first, byte for byte; the parsers then read the
sealed copies, so every message points at bytes the vault holds (item id + byte range and
line numbers). See docs/chat-import.md.

Layer 4. May import: ``common``, ``crypto``, ``platforms``, ``evidence``, ``vault``.
"""
