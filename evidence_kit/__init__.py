"""Evidence Kit: preserve evidence of digital sex crimes privately and hand police something they can trust."""

__version__ = "0.1.0"
