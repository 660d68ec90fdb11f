"""The executor: maps a function over parts and gathers the results, here or on dask.

It knows nothing of the domain. :class:`Engine` is ``local`` (this process) or ``dask``
(dask's threads, or a dask.distributed scheduler at ``Engine("dask", "tcp://host:8786")``,
whose workers must see the same folder).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from baseline.errors import BaselineError

ENGINES = ("local", "dask")
INSTALL_DASK = "pip install 'ict-baseline[dask]'"


def require_dask(*, distributed: bool = False) -> None:
    """Refuse the dask engine in one line when its packages cannot be imported.

    Parameters
    ----------
    distributed : bool, keyword-only
        Also need ``distributed`` (a ``--scheduler`` was given).

    Raises
    ------
    BaselineError
        Naming the missing package and the install command.
    """
    try:
        import dask  # noqa: F401  optional dependency: checked before any work is done

        if distributed:
            import distributed as _distributed  # noqa: F401  optional: a scheduler client
    except ImportError as err:
        missing = err.name or "dask"
        msg = (
            f"--engine dask needs the package '{missing}', which is not installed; "
            f"install it with: {INSTALL_DASK}"
        )
        zh = f"--engine dask 需要未安装的软件包“{missing}”；安装命令：{INSTALL_DASK}"
        raise BaselineError(msg, zh=zh) from None


@dataclass
class Engine:
    """Which engine runs the joins and, for dask, on which scheduler.

    Attributes
    ----------
    name : {"local", "dask"}
    scheduler : str, optional
        Address of a running dask.distributed scheduler (``tcp://host:8786``); default the
        threads of this process.
    """

    name: str = "local"
    scheduler: str | None = None
    _client: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            msg = f"engine {self.name!r}: choose one of {', '.join(ENGINES)}"
            raise BaselineError(msg, zh=f"引擎 {self.name!r}：请从 {', '.join(ENGINES)} 中选择")
        if self.scheduler and self.name != "dask":
            raise BaselineError(
                "--scheduler needs --engine dask", zh="--scheduler 需要 --engine dask"
            )
        if self.name == "dask":
            require_dask(distributed=bool(self.scheduler))

    @contextlib.contextmanager
    def session(self) -> Iterator[Engine]:
        """Connect to the scheduler for the block (no-op for the local engine)."""
        if self.name != "dask" or not self.scheduler:
            yield self
            return
        from distributed import Client  # optional dependency: a dask.distributed scheduler

        try:
            client = Client(self.scheduler, timeout="10s", set_as_default=False)
        except OSError as err:
            raise BaselineError(
                f"cannot reach the dask scheduler at {self.scheduler} ({err}); start it with "
                "`dask scheduler` and workers with `dask worker ADDRESS`, or drop --scheduler",
                zh=f"无法连接 {self.scheduler} 上的 dask 调度器（{err}）；请用 `dask scheduler` "
                "启动调度器、用 `dask worker ADDRESS` 启动工作进程，或去掉 --scheduler",
            ) from err
        self._client = client
        try:
            yield self
        finally:
            self._client = None
            client.close()

    def map(self, func: Callable[..., Any], calls: Sequence[tuple[Any, ...]]) -> list[Any]:
        """``[func(*args) for args in calls]``, run here (local) or as dask tasks.

        The results come back in the order of ``calls``.
        """
        if self.name == "local":
            return [func(*args) for args in calls]
        import dask  # optional dependency: the dask engine only

        return self.compute([dask.delayed(func)(*args) for args in calls])

    def compute(self, tasks: Sequence[Any]) -> list[Any]:
        """Compute dask delayed objects on this engine's scheduler."""
        import dask  # optional dependency: the dask engine only

        if not tasks:
            return []
        if self._client is not None:
            return list(self._client.compute(list(tasks), sync=True))
        return list(dask.compute(*tasks, scheduler="threads"))
