"""What every workspace command shares: ``--db``, ``--user`` and signing in.

The password comes from ``BASELINE_PASSWORD`` (scripts) or a hidden prompt; it is never echoed,
logged or put in a message. A wrong password, or a role that may not act, ends the command with
exit status 2 and one message (``main`` turns every ``BaselineError`` into that).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click
from sqlalchemy.engine import Engine

from baseline.workspace.accounts import authenticate
from baseline.workspace.actor import Actor
from baseline.workspace.migrations import open_workspace

F = TypeVar("F", bound=Callable[..., Any])

DB_OPTION = click.option(
    "--db",
    "db",
    envvar="BASELINE_DB",
    default=None,
    metavar="URL",
    help="The workspace database: sqlite:///PATH, a file path or postgresql://... "
    "(default: BASELINE_DB, else workspace.sqlite in the data folder).",
)
USER_OPTION = click.option(
    "--user",
    "user",
    envvar="BASELINE_USER",
    required=True,
    metavar="NAME",
    help="Who acts (password from BASELINE_PASSWORD or a prompt).",
)


def db_option(func: F) -> F:
    """Add ``--db URL`` (env ``BASELINE_DB``)."""
    return DB_OPTION(func)


def user_options(func: F) -> F:
    """Add ``--db URL`` and ``--user NAME``."""
    return DB_OPTION(USER_OPTION(func))


def password(prompt: str = "Password", *, confirm: bool = False) -> str:
    """``BASELINE_PASSWORD`` if set, else a hidden prompt."""
    env = os.environ.get("BASELINE_PASSWORD")
    if env is not None:
        return env
    return str(click.prompt(prompt, hide_input=True, confirmation_prompt=confirm))


def sign_in(db: str | None, user: str) -> tuple[Engine, Actor]:
    """Open (and migrate) the workspace at ``db`` and sign ``user`` in.

    Returns
    -------
    (Engine, Actor)
        The database and the signed-in user (session ``cli:PID``).

    Raises
    ------
    Forbidden
        A wrong password or name, or too many failed attempts (exit 2 through ``main``).
    """
    engine = open_workspace(db)
    actor = authenticate(engine, user, password(f"Password for {user}"), f"cli:{os.getpid()}")
    return engine, actor


@contextmanager
def signed_in(db: str | None, user: str) -> Iterator[tuple[Engine, Actor]]:
    """:func:`sign_in`, closing the database's connections at the end."""
    engine, actor = sign_in(db, user)
    try:
        yield engine, actor
    finally:
        engine.dispose()


@contextmanager
def opened(db: str | None) -> Iterator[Engine]:
    """The workspace at ``db``, opened and migrated, closed at the end (no sign-in)."""
    engine = open_workspace(db)
    try:
        yield engine
    finally:
        engine.dispose()
