import nbformat
from nbclient import NotebookClient

from tests.conftest import ROOT


def test_walkthrough_is_stored_without_outputs_and_runs():
    path = ROOT / "notebooks" / "walkthrough.ipynb"
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = str(outputs)
    assert "of Pudong covered by 2425 sites" in text
    assert "report.html" in text and "cobuild.xlsx" in text
