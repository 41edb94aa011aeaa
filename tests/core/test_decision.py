"""The decision map (output over a grid of the input plane) and the outputs recorded per epoch."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_core import run_preset
from backprop_core.decision import decision_maps, decision_plane, grid_forward, has_plane, plane_extent
from backprop_core.network import forward
from backprop_core.trace import EpochRecord, Trace, TraceError

from .helpers import make_trace


def test_grid_values_equal_a_forward_pass_at_every_point():
    trace = run_preset("circle")
    plane = decision_plane(trace, size=7)
    params = trace.epochs[-1].params
    values = plane.values(params)
    assert values.shape == (7, 7)
    for r, x2 in enumerate(plane.x2):
        for c, x1 in enumerate(plane.x1):
            fwd = forward(params.weights, params.biases, trace.activations, np.array([x1, x2]))
            assert values[r, c] == pytest.approx(fwd.a[-1][0], abs=1e-12)


def test_grid_forward_handles_softmax_rows():
    trace = make_trace([2, 3, 2], ["tanh", "softmax"], loss="cross_entropy", n=3, epochs=1)
    points = np.array([[0.1, -0.4], [2.0, 1.0]])
    out = grid_forward(trace.final, trace.activations, points)
    for row, x in zip(out, points):
        np.testing.assert_allclose(row, forward(trace.final.weights, trace.final.biases,
                                                trace.activations, x).a[-1], atol=1e-12)


def test_plane_covers_the_inputs_with_a_margin():
    (a1, b1), (a2, b2) = plane_extent([[0, 0], [1, 1], [0, 1]], margin=0.1)
    assert (a1, b1) == pytest.approx((-0.1, 1.1)) and (a2, b2) == pytest.approx((-0.1, 1.1))
    assert plane_extent([[2, 0], [2, 1]], margin=0)[0] == pytest.approx((1.5, 2.5))  # flat axis
    plane = decision_plane(run_preset("xor"), size=10)
    assert plane.extent[0] == pytest.approx((-0.15, 1.15)) and plane.step[0] == pytest.approx(0.13)
    assert np.all(np.diff(plane.x1) > 0) and np.all(np.diff(plane.x2) > 0)


def test_the_trained_xor_map_separates_the_classes():
    trace = run_preset("xor")
    plane, (first, last) = decision_maps(trace, [0, len(trace.epochs) - 1], size=41)
    corner = {(0, 0): last[0, 0], (1, 1): last[-1, -1], (0, 1): last[-1, 0], (1, 0): last[0, -1]}
    assert corner[(0, 0)] < 0.5 and corner[(1, 1)] < 0.5  # near the class-0 points
    assert corner[(0, 1)] > 0.5 and corner[(1, 0)] > 0.5
    assert not np.array_equal(first, last)  # the map moves with the weights


def test_only_two_inputs_and_one_sigmoid_output_have_a_plane():
    assert has_plane(run_preset("circle")) and has_plane(run_preset("and"))
    assert not has_plane(run_preset("digits")) and not has_plane(run_preset("mazur"))
    assert not has_plane(make_trace([2, 2, 1], ["tanh", "tanh"], n=3, epochs=1))  # no 0.5 boundary
    with pytest.raises(ValueError, match="2 inputs and 1 sigmoid output"):
        decision_plane(run_preset("digits"))


@pytest.mark.parametrize("name", ["digits", "xor", "mazur"])
def test_outputs_are_recorded_at_the_first_and_last_epoch(name):
    trace = run_preset(name)
    cfg = trace.config
    xs = np.array(cfg["data"]["inputs"])
    for e in (trace.epochs[0], trace.epochs[-1]):
        assert e.outputs.shape == (len(xs), trace.layers[-1])
        for x, out in zip(xs, e.outputs):
            fwd = forward(e.params.weights, e.params.biases, trace.activations, x)
            np.testing.assert_array_equal(out, fwd.a[-1])
    assert all(e.outputs is None for e in trace.epochs[1:-1])
    assert not trace.epochs[0].outputs.flags.writeable


def test_recorded_outputs_match_the_steps_forward_pass():
    trace = run_preset("xor")  # online: step 0 is sample 0 with the initial parameters
    rec = trace.steps[0].per_sample[0]
    np.testing.assert_array_equal(trace.epochs[0].outputs[rec.sample], rec.a[-1])


def test_digits_learn_every_binary_code():
    trace = run_preset("digits")
    targets = np.array(trace.config["data"]["targets"])
    after = (trace.epochs[-1].outputs >= 0.5).astype(float)
    np.testing.assert_array_equal(after, targets)
    before = (trace.epochs[0].outputs >= 0.5).astype(float)
    assert (before == targets).all(axis=1).sum() < 10


def test_outputs_of_the_wrong_shape_are_refused():
    trace = run_preset("xor")
    e = trace.epochs[0]
    bad = EpochRecord(0, e.loss, e.accuracy, e.params, np.zeros((3, 1)))
    with pytest.raises(TraceError, match=r"epochs\[0\].outputs: shape \(3, 1\), expected \(4, 1\)"):
        Trace(trace.config, trace.initial, (), (bad,))


def test_a_trace_written_without_outputs_still_loads(tmp_path):
    import json

    from backprop_core import io

    trace = run_preset("xor")
    data = io.to_dict(trace)
    for e in data["epochs"]:
        del e["outputs"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    back = io.load(path)
    assert all(e.outputs is None for e in back.epochs)


def test_a_class_plane_colours_each_point_by_its_largest_output():
    from backprop_core.decision import class_maps, has_class_plane

    trace = make_trace([2, 4, 3], ["tanh", "softmax"], loss="cross_entropy", n=12, epochs=2)
    assert has_class_plane(trace) and not has_plane(trace)
    assert not has_class_plane(make_trace([2, 2, 1], ["tanh", "sigmoid"], n=3, epochs=1))  # one output
    assert not has_class_plane(make_trace([3, 4, 3], ["tanh", "softmax"], n=6, epochs=1))  # three inputs
    last = len(trace.epochs) - 1
    plane, [(winner, confidence)] = class_maps(trace, [last], size=6)
    out = grid_forward(trace.epochs[last].params, trace.activations, plane.points())
    assert winner.shape == confidence.shape == (6, 6)
    np.testing.assert_array_equal(winner.ravel(), np.argmax(out, axis=1))
    np.testing.assert_array_equal(confidence.ravel(), np.max(out, axis=1))
    assert confidence.min() >= 1 / 3  # the largest of three probabilities
