"""Where the heavy joins run: the executor, and the asset index the check asks."""

from baseline.engine.assets import (
    CombinedAssets,
    DaskAssets,
    LocalAssets,
    asset_index,
    layer_metric_crs,
)
from baseline.engine.executor import ENGINES, Engine

__all__ = [
    "ENGINES",
    "CombinedAssets",
    "DaskAssets",
    "Engine",
    "LocalAssets",
    "asset_index",
    "layer_metric_crs",
]
