"""``bpviz code``: the NumPy program it writes reproduces its trace's numbers.

For every preset and every variant of the scene checks (delta-rule notation, Spanish, the 12-16-6
and 6-8-8-3 shapes, the CSV example) the program is written, run with this Python and every number
it prints is compared with the trace field of the same name (1e-12). The program imports NumPy and
nothing else.
"""

from __future__ import annotations

import ast
import math
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from bpviz.cli import main
from bpviz.outputs.program import numpy_program
from scenes.loading import load_story
from tests.scenes.runner import VARIANTS


def expected_numbers(story) -> dict[str, np.ndarray]:
    """Every name the program must print, with its trace values (the film's sign for deltas)."""
    trace, step, rec = story.trace, story.step, story.record
    sign = -1.0 if story.notation == "delta_rule" else 1.0
    out = {"x": rec.a[0], "y": rec.y, "loss": [rec.loss], "step_loss": [step.loss]}
    for layer in range(1, len(trace.layers)):
        out[f"z{layer}"] = rec.z[layer - 1]
        out[f"a{layer}"] = rec.a[layer]
        out[f"delta{layer}"] = sign * np.asarray(rec.delta[layer - 1])
        out[f"grad_W{layer}"] = step.grad_weights[layer - 1]
        out[f"grad_b{layer}"] = step.grad_biases[layer - 1]
        out[f"W{layer}_new"] = step.after.weights[layer - 1]
        out[f"b{layer}_new"] = step.after.biases[layer - 1]
    out.update({f"epoch{e.epoch}_loss": [e.loss] for e in trace.epochs})  # the update chapter's losses
    return {name: np.ravel(np.asarray(values, dtype=float)) for name, values in out.items()}


def printed_numbers(stdout: str) -> dict[str, np.ndarray]:
    found = {}
    for line in stdout.splitlines():
        name, _, numbers = line.partition(" = ")
        found[name] = np.array([float(v) for v in numbers.split()])
    return found


def run_program(path) -> str:
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not done.stderr, done.stderr
    return done.stdout


@pytest.mark.parametrize("variant", VARIANTS)
def test_program_reproduces_the_trace(variant, tmp_path):
    source, video = VARIANTS[variant]
    story = load_story(source, **video)
    program = numpy_program(story)
    imported = {alias.name for node in ast.walk(ast.parse(program)) if isinstance(node, ast.Import)
                for alias in node.names}
    assert imported == {"numpy"}
    assert not any(isinstance(node, ast.ImportFrom) for node in ast.walk(ast.parse(program)))
    for mark in ("# BP1", "# BP2", "# BP3", "# BP4"):
        assert mark in program
    path = tmp_path / "backprop.py"
    path.write_text(program, encoding="utf-8")
    printed = printed_numbers(run_program(path))
    expected = expected_numbers(story)
    assert set(printed) == set(expected)
    for name, values in expected.items():
        got = printed[name]
        assert got.shape == values.shape, name
        bad = [(i, g, e) for i, (g, e) in enumerate(zip(got, values))
               if not math.isclose(g, e, rel_tol=1e-12, abs_tol=1e-12)]
        assert not bad, f"{variant} {name}: (index, printed, trace) {bad[:3]}"


def test_code_command_writes_the_program_in_the_language_asked(tmp_path):
    out = tmp_path / "sub" / "mazur.py"
    result = CliRunner().invoke(main, ["code", "mazur", "--lang", "es", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    program = out.read_text(encoding="utf-8")
    assert "# Los datos: una muestra por fila de X" in program
    printed = printed_numbers(run_program(out))
    assert printed["delta1"][0] == pytest.approx(0.008771354689486937, rel=1e-12)  # Mazur's worked example


def test_code_command_prints_without_output_and_refuses_a_folder(tmp_path):
    printed = CliRunner().invoke(main, ["code", "mazur"])
    assert printed.exit_code == 0 and printed.output.startswith('"""Backpropagation of a 2-2-2 network')
    refused = CliRunner().invoke(main, ["code", "mazur", "-o", str(tmp_path)])
    assert refused.exit_code == 2
    assert refused.output.strip() == f"error: cannot write {tmp_path}: it is a folder"


def test_script_and_presenter_notes_name_the_command():
    from bpviz.outputs.slides import notes
    from bpviz.outputs.subtitles import script_markdown
    from scenes.chapters.base import Beat

    story = load_story("mazur", "es")
    beat = Beat("backward", "done", "caption", "what is said", (), start=0.0, end=1.0)
    for text in (notes(story, beat), script_markdown(story, {"backward": [beat]})):
        assert "Los mismos números en un programa corto de NumPy" in text
        assert "bpviz code mazur --lang es" in text
