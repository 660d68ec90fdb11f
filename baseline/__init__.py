"""ICT Baseline: informatization facilities as a standard fitting of urban construction.

The package is organised one module per concept:

- :mod:`baseline.standard.catalogue` loads and validates the rule catalogue.
- :mod:`baseline.io.crs` converts between WGS84, GCJ-02, BD-09 and EPSG systems.
- :mod:`baseline.io.formats` reads any supported file into a GeoDataFrame in WGS84.
- :mod:`baseline.io.siteplan` turns layers into projects and their fittings.
- :mod:`baseline.check.run` evaluates every rule for every project.
- :mod:`baseline.coverage.model` models coverage and finds gaps.
- :mod:`baseline.cobuild.core` finds shared trenches, sites and pole mounts.
"""

from baseline.errors import BaselineError

__version__ = "0.1.0"

__all__ = ["BaselineError", "__version__"]
