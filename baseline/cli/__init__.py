"""The ``baseline`` command line."""

from baseline.cli.commands import cli, main
from baseline.cli.workspace import COMMANDS

for _command in COMMANDS:
    cli.add_command(_command)

__all__ = ["cli", "main"]
