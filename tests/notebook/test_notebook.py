"""examples/notebook.ipynb runs on a real kernel (nbclient), and the ``%%bpviz`` cell magic.

The notebook is executed once for the module, by the ``python3`` kernel of the interpreter
running the tests (ipykernel's own kernel spec, so the kernel sees this checkout through the
same ``sys.path``), in a temporary folder; the tests read its outputs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import bpviz

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "notebook.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notebook")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=600,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return nb, folder


def cell_with(nb, text: str):
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and text in c.source]
    return cell


def stream(cell, name: str) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == name)


def test_no_cell_fails(executed):
    nb, _ = executed
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []


def test_the_numbers_cell_prints_what_the_trace_holds(executed):
    nb, _ = executed
    rec = bpviz.trace("mazur").steps[0].per_sample[0]
    out = stream(cell_with(nb, 'print("a^2_1 ='), "stdout")
    assert f"a^2_1 = {round(float(rec.a[2][0]), 4)}\n" in out
    assert f"delta^2_1 = {round(float(rec.delta[-1][0]), 4)}\n" in out
    assert "a^2_1 = 0.7514" in out and "delta^2_1 = 0.1385" in out   # Mazur's published numbers
    check = stream(cell_with(nb, "numpy a^2_1"), "stdout")
    assert "numpy a^2_1 = 0.7514" in check and "same as the trace: True" in check


def test_the_trace_magic_stores_the_trace(executed):
    nb, _ = executed
    out = stream(cell_with(nb, "loss before"), "stdout")
    mine = bpviz.trace(bpviz.config(cell_with(nb, "%%bpviz --trace mine").source.split("\n", 1)[1]))
    assert f"loss before: {round(float(mine.steps[0].loss), 4)}\n" in out
    assert f"loss after:  {round(float(mine.steps[-1].loss), 4)}\n" in out


def test_a_typo_prints_one_line_in_the_cell(executed):
    nb, _ = executed
    cell = cell_with(nb, "lerning_rate")
    err = stream(cell, "stderr")
    assert err.count("\n") == 1 and err.startswith("error: <config>:2: [training] lerning_rate: unknown key")
    assert "did you mean 'learning_rate'" in err


def test_the_render_cell_embeds_the_video(executed):
    nb, folder = executed
    cell = cell_with(nb, "%%bpviz --scene neuron")
    html = "".join(o["data"].get("text/html", "") for o in cell.outputs if o.output_type == "display_data")
    assert "<video" in html and 'src="data:video/mp4;base64,' in html
    assert (folder / "media" / "neuron.mp4").stat().st_size > 10_000


@pytest.fixture()
def shell(tmp_path, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.chdir(tmp_path)
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "bpviz")
    return ip


def test_frames_shows_a_gallery_of_the_stills(shell, tmp_path, capsys, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    shell.run_cell_magic("bpviz", "--frames --scene loss -o stills", "and")
    (gallery,) = shown
    figures = gallery.data.count('<figure class="bpviz-still"')
    stills = sorted(p.name for p in (tmp_path / "stills").glob("*.png"))
    assert figures == len(stills) >= 3 and gallery.data.count("data:image/png;base64,") == len(stills)
    assert "loss: " in gallery.data
    assert capsys.readouterr().err == ""


def test_bad_options_print_one_line(shell, capsys):
    shell.run_cell_magic("bpviz", "--qualty low", "xor")
    shell.run_cell_magic("bpviz", "--quality lowest", "xor")
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "error: No such option '--qualty'. Did you mean '--quality'?"
    assert err[1].startswith("error: --quality: unknown 'lowest'") and len(err) == 2


def test_the_kernel_is_this_interpreter():
    from jupyter_client.manager import KernelManager

    assert KernelManager(kernel_name="python3").format_kernel_cmd()[0] == sys.executable


def test_help_names_the_magic_and_its_own_options(shell, capsys):
    shell.run_cell_magic("bpviz", "--help", "xor")
    out = capsys.readouterr().out
    assert out.startswith("Usage: %%bpviz [OPTIONS]")
    assert "--frames" in out and "--trace NAME" in out and "[default: low]" in out
