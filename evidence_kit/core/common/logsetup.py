"""The one logging set-up the CLI and the app share.

Decoders report what they think of hostile input through their own loggers: Pillow's TIFF
reader logs "More samples per pixel than can be decoded: 303169682" at ERROR level
before raising, which the app already turns into a clear bilingual refusal. Printed on
stderr those lines are noise a person cannot act on (and a terminal is no place for
numbers an attacker chose), so third-party decoder loggers only speak with --verbose.
"""

from __future__ import annotations

import logging
import sys

# Loggers of the decoding libraries the evidence path feeds untrusted bytes to.
DECODER_LOGGERS = ("PIL", "pillow_heif", "exifread", "libav", "av", "pypdf")


def configure_logging(verbose: bool = False) -> None:
    """WARNING and above from our code on stderr (INFO with ``verbose``); decoders quiet."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr)
    for name in DECODER_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.CRITICAL + 1)
