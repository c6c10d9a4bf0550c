"""Layer 5: what leaves the vault for police, takedown bodies and schools.

The case snapshot (one signed log head), the report PDF and its styles, the chat section,
the takedown package, the CASE/UCO graph, the export bundle and its verification.

May import: every lower layer (``common`` … ``chat``, ``timestamps``).
"""
