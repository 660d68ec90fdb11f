"""The workspace store: what was checked, when, against which catalogue."""

from baseline.workspace.store import Workspace

__all__ = ["Workspace"]
