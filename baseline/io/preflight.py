"""Check every output path of a command before any computing starts.

A command that would fail at its last step (an existing file, a missing or read-only
folder, an output that is its own input) wastes the user's minutes and may leave half its
outputs behind; :func:`preflight` checks all of a command's outputs together, first, and
lists every problem in one :class:`~baseline.errors.OutputError`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from baseline.errors import OutputError


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _folder_problem(path: Path) -> str | None:
    parent = path.parent
    for ancestor in (parent, *parent.parents):
        if ancestor.exists() and not ancestor.is_dir():
            return f"{path}: {ancestor} is a file, not a folder; choose another output path"
        if ancestor.exists():
            break
    if not parent.exists():
        return f"{path}: folder {parent} does not exist; create it first"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"{path}: folder {parent} is not writable; choose a folder you can write to"
    return None


def _problems(
    option: str, path: Path, inputs: Iterable[Path], force: bool, allowed: tuple[str, ...]
) -> list[str]:
    problems = []
    if allowed and path.suffix.lower() not in allowed:
        problems.append(
            f"{option} {path.name}: '{path.suffix}' is not a valid output format, must be one "
            f"of {', '.join(allowed)}"
        )
    folder = _folder_problem(path)
    if folder:
        problems.append(folder)
    if any(_same_file(path, i) or path.resolve() == i.resolve() for i in inputs):
        problems.append(
            f"{option} {path}: is an input of this command; write to another file (a file is "
            "never converted or replaced in place)"
        )
    elif path.is_dir() and not path.is_symlink():
        problems.append(f"{option} {path}: is a folder; give a file name")
    elif path.exists() and not force:
        problems.append(f"{option} {path}: already exists; choose another name or pass --force")
    return problems


def preflight(
    outputs: Mapping[str, Path | None],
    *,
    inputs: Iterable[Path | None] = (),
    force: bool = False,
    formats: Mapping[str, tuple[str, ...]] | None = None,
) -> None:
    """Refuse a command's outputs before it computes anything.

    Parameters
    ----------
    outputs : mapping of str to pathlib.Path or None
        Option (``--out``, ``--summary``) to the path given (None when not given).
    inputs : iterable of pathlib.Path
        The command's input files, which no output may be.
    force : bool
        Whether existing outputs may be replaced.
    formats : mapping of str to tuple of str, optional
        Option to the suffixes it accepts.

    Raises
    ------
    OutputError
        Listing every problem: folder missing, a file in the way, not writable, an input,
        existing without ``--force``, two options naming one file, an unknown format.
    """
    given = {opt: Path(p) for opt, p in outputs.items() if p is not None}
    ins = [Path(i) for i in inputs if i is not None]
    problems = []
    for option, path in given.items():
        problems += _problems(option, path, ins, force, (formats or {}).get(option, ()))
    seen: dict[Path, str] = {}
    for option, path in given.items():
        key = path.resolve()
        if key in seen:
            problems.append(f"{seen[key]} and {option} name the same file {path}; give two names")
        seen[key] = option
    if problems:
        raise OutputError("cannot write the output:\n  - " + "\n  - ".join(problems))
