"""Reading and writing: every format to WGS84 layers, coordinates, site plans, writers."""

from baseline.io.crs import CRS_HELP, CRS_HELP_ZH, from_wgs84, metric_crs, parse_crs, to_wgs84
from baseline.io.formats import read_layer, read_layers
from baseline.io.partitioned import PartitionedLayer, ingest, is_partitioned, open_partitioned
from baseline.io.siteplan import SitePlan, read_siteplan, siteplan_from_frames
from baseline.io.writers import atomic_dir, atomic_path, write_layer, write_table

__all__ = [
    "CRS_HELP",
    "CRS_HELP_ZH",
    "PartitionedLayer",
    "SitePlan",
    "atomic_dir",
    "atomic_path",
    "from_wgs84",
    "ingest",
    "is_partitioned",
    "metric_crs",
    "open_partitioned",
    "parse_crs",
    "read_layer",
    "read_layers",
    "read_siteplan",
    "siteplan_from_frames",
    "to_wgs84",
    "write_layer",
    "write_table",
]
