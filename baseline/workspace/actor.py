"""Who acts: the signed-in user as every workspace function receives it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """A signed-in user of the workspace.

    Parameters
    ----------
    user_id : int
        ``users.id``: the application's own user, recorded in the audit trail.
    name : str
        The user's sign-in name.
    org_id : int
        ``organisations.id`` of the user's organisation.
    org_kind : str
        ``bureau``, ``owner``, ``operator`` or ``tower``.
    role : str
        ``planner``, ``owner``, ``operator`` or ``viewer``.
    session : str
        The app session or CLI process the user acts from (for the audit trail).
    """

    user_id: int
    name: str
    org_id: int
    org_kind: str
    role: str
    session: str = ""
