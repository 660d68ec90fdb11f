"""Settings with their defaults, as plain typed module globals.

Change them at run time (``baseline.settings.on_invalid = "fix"``) or through the
environment variables named below, which are read once at import.

on_invalid : str
    What readers do with invalid geometry: ``"raise"`` refuses the file, ``"warn"`` keeps
    the rows and warns, ``"fix"`` repairs them with ``make_valid`` and reports how many.
    Environment: ``BASELINE_ON_INVALID``. Default ``"raise"``.
max_upload_bytes : int
    The largest file a reader accepts, and the largest total an archive may expand to.
    Environment: ``BASELINE_MAX_UPLOAD_MB`` (megabytes). Default 200 MB.
max_archive_members : int
    The most files a zip archive may hold. Default 2,000.
data_dir : pathlib.Path
    Folder of the workspace store (check history). Environment: ``BASELINE_DATA_DIR``.
    Default ``~/.ict-baseline``.
default_standard : pathlib.Path
    The bundled catalogue, ``standards/pudong-ict-baseline.yaml`` beside the package.
layers_dir : pathlib.Path
    The bundled sample layers, ``layers/`` beside the package.
password_hash_memory_kib, password_hash_time_cost : int
    argon2id cost of new password hashes (existing hashes keep theirs). Environment:
    ``BASELINE_HASH_MEMORY_KIB``, ``BASELINE_HASH_TIME_COST``. Default 65,536 KiB and 3
    passes (argon2-cffi's defaults); the tests lower them to run fast.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

on_invalid: str = os.environ.get("BASELINE_ON_INVALID", "raise")
max_upload_bytes: int = int(float(os.environ.get("BASELINE_MAX_UPLOAD_MB", "200")) * 1_000_000)
max_archive_members: int = 2_000
data_dir: Path = Path(os.environ.get("BASELINE_DATA_DIR", Path.home() / ".ict-baseline"))
default_standard: Path = ROOT / "standards" / "pudong-ict-baseline.yaml"
layers_dir: Path = ROOT / "layers"
password_hash_memory_kib: int = int(os.environ.get("BASELINE_HASH_MEMORY_KIB", "65536"))
password_hash_time_cost: int = int(os.environ.get("BASELINE_HASH_TIME_COST", "3"))

ON_INVALID_CHOICES = ("raise", "warn", "fix")
