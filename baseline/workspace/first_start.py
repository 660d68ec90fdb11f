"""Opening the app's workspace: migrate it, and seed the embedded default on its first start.

``make run`` needs no server: without ``BASELINE_DB`` the app opens the SQLite file in the data
folder. When that workspace has no users yet (its first start), ``seed`` fills it (the demo
accounts, one per role); a workspace with users is never seeded again, and a workspace named by
``BASELINE_DB`` (an office's) is never seeded at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from sqlalchemy.engine import Engine

from baseline.workspace.migrations import open_workspace
from baseline.workspace.views import has_users

__all__ = ["first_start", "is_embedded_default"]


def is_embedded_default() -> bool:
    """True when no ``BASELINE_DB`` names the workspace (the SQLite default of ``make run``)."""
    return not os.environ.get("BASELINE_DB", "").strip()


def first_start(url: str, seed: Callable[[Engine], object] | None = None) -> Engine:
    """Open (create, migrate) the workspace at ``url``; seed it when new and embedded.

    Parameters
    ----------
    url : str
        The workspace URL (:func:`baseline.workspace.db.default_url`).
    seed : callable, optional
        Fills a new embedded workspace (the demo accounts); called once, when it has no users.

    Returns
    -------
    sqlalchemy.engine.Engine
    """
    engine = open_workspace(url)
    if seed is not None and is_embedded_default() and not has_users(engine):
        seed(engine)
    return engine
