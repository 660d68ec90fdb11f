"""The ``baseline`` command line."""

from baseline.cli.commands import cli, main

__all__ = ["cli", "main"]
