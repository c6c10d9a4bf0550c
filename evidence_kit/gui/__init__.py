"""The desktop app: a thin PySide6 layer over :class:`evidence_kit.core.service.EvidenceService`.

Nothing under ``evidence_kit.core`` imports this package (a test enforces it). Domain
rules stay in the core; widgets only collect input, call the service and show results.
"""
