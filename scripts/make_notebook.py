"""Write notebooks/walkthrough.ipynb (without outputs) from the cells below."""

from pathlib import Path

import nbformat

CELLS = [
    (
        "md",
        "# ICT Baseline walkthrough\n\nThe library API step by step on the bundled Pudong data: "
        "standard → layers → check → gaps → co-build → export → a folium map.\n\n"
        "The construction projects are **illustrative**; towers, metro, boundary and "
        "air-quality stations are real public data (see `layers/SOURCES.md`).",
    ),
    (
        "code",
        "import warnings\nwarnings.simplefilter('ignore')\n\n"
        "from baseline.standard.catalogue import load_standard\n"
        "std = load_standard()\n"
        "print(std.id, std.version, std.short_hash(), len(std.rules), 'rules')\n"
        "std.rule_table('en').head()",
    ),
    ("md", "## Layers\nEvery reader returns WGS84; GCJ-02 and BD-09 are converted on read."),
    (
        "code",
        "from baseline.io.bundled import get_path, load, load_assets\n"
        "from baseline.io.formats import read_layer\n"
        "pudong = load('pudong_boundary')\n"
        "towers = load('towers')\n"
        "print(len(towers), 'towers;', round(pudong.to_crs(32651).area.sum() / 1e6), 'km² of Pudong')",
    ),
    ("md", "## Check the sample site plan"),
    (
        "code",
        "from baseline.io.siteplan import read_siteplan\nfrom baseline.check.run import check\n"
        "plan = read_siteplan(get_path('sample_siteplan'), std)\n"
        "result = check(plan, std, assets=load_assets(), lang='en')\n"
        "counts = result.findings['status'].value_counts()\n"
        "assert counts['fail'] > 0 and counts['pass'] > 0\n"
        "result.findings[result.findings.status == 'fail'][['project_id', 'rule_id', 'message']].head(8)",
    ),
    ("md", "## Coverage gaps"),
    (
        "code",
        "from baseline.coverage import find_gaps\n"
        "gaps = find_gaps(towers, pudong, std.coverage, tech='5G')\n"
        "print(f'{gaps.covered_fraction:.1%} of Pudong covered by {gaps.sites_used} sites')\n"
        "gaps.radii",
    ),
    ("md", "## Co-build recommendations"),
    (
        "code",
        "from baseline.cobuild import recommend, summary\n"
        "recs = recommend(result, std, assets=load_assets())\n"
        "summary(recs)",
    ),
    ("md", "## Export"),
    (
        "code",
        "import tempfile, pathlib\nfrom baseline.reports.check_report import write_check\n"
        "from baseline.reports.cobuild_report import write_recommendations\n"
        "out = pathlib.Path(tempfile.mkdtemp())\n"
        "write_check(result, out / 'report.html')\n"
        "write_recommendations(recs, out / 'cobuild.xlsx')\n"
        "sorted(p.name for p in out.iterdir())",
    ),
    ("md", "## A folium map"),
    (
        "code",
        "from baseline.maps.webmap import base_map, add_polygons, add_points, STATUS_COLOURS\n"
        "m = base_map((31.2, 121.62), 10, basemap='none')\n"
        "add_polygons(m, pudong, name='Pudong', fill_opacity=0)\n"
        "add_polygons(m, result.projects, name='projects', colour_by=STATUS_COLOURS, "
        "colour_col='status', tooltip=['project_id', 'status'])\n"
        "add_points(m, recs[recs.geom_type == 'Point'], name='recommendations', colour='#e31a1c', radius=6)\n"
        "m",
    ),
]


def main() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src)
        for kind, src in CELLS
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = Path("notebooks/walkthrough.ipynb")
    path.parent.mkdir(exist_ok=True)
    nbformat.write(nb, path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
