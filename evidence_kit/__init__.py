"""Evidence Kit: preserve evidence of digital sex crimes privately; hand police evidence they can trust."""

__version__ = "0.1.0"
