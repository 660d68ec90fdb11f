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

from baseline.errors import OutputError, Text


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _folder_problem(path: Path) -> Text | None:
    parent = path.parent
    for ancestor in (parent, *parent.parents):
        if ancestor.exists() and not ancestor.is_dir():
            return Text(
                f"{path}: {ancestor} is a file, not a folder; choose another output path",
                f"{path}：{ancestor} 是文件而不是文件夹；请换一个输出路径",
            )
        if ancestor.exists():
            break
    if not parent.exists():
        return Text(
            f"{path}: folder {parent} does not exist; create it first",
            f"{path}：文件夹 {parent} 不存在；请先创建",
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        return Text(
            f"{path}: folder {parent} is not writable; choose a folder you can write to",
            f"{path}：文件夹 {parent} 不可写；请选择有写权限的文件夹",
        )
    return None


def _problems(
    option: str, path: Path, inputs: Iterable[Path], force: bool, allowed: tuple[str, ...]
) -> list[Text]:
    problems = []
    if allowed and path.suffix.lower() not in allowed:
        problems.append(
            Text(
                f"{option} {path.name}: '{path.suffix}' is not a valid output format, must be "
                f"one of {', '.join(allowed)}",
                f"{option} {path.name}：“{path.suffix}”不是有效的输出格式，须为以下之一："
                f"{', '.join(allowed)}",
            )
        )
    folder = _folder_problem(path)
    if folder:
        problems.append(folder)
    if any(_same_file(path, i) or path.resolve() == i.resolve() for i in inputs):
        problems.append(
            Text(
                f"{option} {path}: is an input of this command; write to another file (a file "
                "is never converted or replaced in place)",
                f"{option} {path}：是本命令的输入文件；请写到另一个文件（不会就地转换或替换文件）",
            )
        )
    elif path.is_dir() and not path.is_symlink():
        problems.append(
            Text(
                f"{option} {path}: is a folder; give a file name",
                f"{option} {path}：是文件夹；请给出文件名",
            )
        )
    elif path.exists() and not force:
        problems.append(
            Text(
                f"{option} {path}: already exists; choose another name or pass --force",
                f"{option} {path}：已存在；请换一个名称，或加 --force",
            )
        )
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
    problems: list[Text] = []
    for option, path in given.items():
        problems += _problems(option, path, ins, force, (formats or {}).get(option, ()))
    seen: dict[Path, str] = {}
    for option, path in given.items():
        key = path.resolve()
        if key in seen:
            problems.append(
                Text(
                    f"{seen[key]} and {option} name the same file {path}; give two names",
                    f"{seen[key]} 和 {option} 指向同一个文件 {path}；请给出两个不同的名称",
                )
            )
        seen[key] = option
    if problems:
        msg = "cannot write the output:\n  - " + "\n  - ".join(p.en for p in problems)
        zh = "无法写出结果：\n  - " + "\n  - ".join(p.zh for p in problems)
        raise OutputError(msg, zh=zh)
