"""The app's server: `make run` and `baseline app` start this file, which serves app.py.

It is app.py behind Streamlit's ASGI ``App`` with a start-up step: before the server
answers its first request it imports the map's libraries and fills the caches the map page
reads (the sample check, coverage grid, gap tiles, layers, co-build), so the first visitor
waits no longer than any later one. ``streamlit run app.py`` still works; its first visit
then computes these itself.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st

log = logging.getLogger("baseline.app")
# Streamlit warns once per cached call made outside a page run; these calls are meant so.
BARE_MODE_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"


def _warm() -> None:
    start = time.perf_counter()
    bare = logging.getLogger(BARE_MODE_LOGGER)
    level = bare.level
    bare.setLevel(logging.ERROR)
    try:
        # imported here, in the start-up thread and under this guard: the pages' libraries
        # load while the server starts, and a failure to load them is logged, not fatal
        from app_pages.common import warm

        steps = warm()
        # Streamlit's once-per-process work on the first element and the page icon
        # (an emoji table, a look at the call stack), done here instead of in a visit.
        st.empty()
        import streamlit.emojis  # noqa: F401
    except Exception:  # the pages show the same failure to the user, with its message
        log.exception("warming the map's caches failed; pages will compute on first visit")
        return
    finally:
        bare.setLevel(level)
    spent = ", ".join(f"{k} {v:.2f} s" for k, v in steps.items())
    print(f"ICT Baseline: map ready in {time.perf_counter() - start:.1f} s ({spent})", flush=True)


@asynccontextmanager
async def _lifespan(_app: st.App) -> AsyncIterator[None]:
    await asyncio.to_thread(_warm)
    yield


app = st.App("app.py", lifespan=_lifespan)

if __name__ == "__main__":
    app.run()
