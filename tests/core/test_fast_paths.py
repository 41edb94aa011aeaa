"""The fast paths of training give what the plain functions give, and fail where they fail."""

from __future__ import annotations

import gc
from dataclasses import replace

import numpy as np
import pytest

from backprop_core.config import from_dict
from backprop_core.network import NonFiniteError, backward, forward
from backprop_core.param_layout import ParamLayout, Rows
from backprop_core.passes import SamplePass, stacked_pass
from backprop_core.run_state import DOT_CHECK_SIZE, RunState, _finite_by_dot
from backprop_core.trace import Trace, TraceError

from .helpers import make_config, make_trace

NETWORKS = [
    (["sigmoid", "sigmoid"], "half_sse"),
    (["tanh", "sigmoid"], "cross_entropy"),
    (["relu", "softmax"], "cross_entropy"),
    (["linear", "tanh"], "mse"),
    (["sigmoid", "relu"], "half_sse"),
]


def same_bits(a, b) -> bool:
    return all(np.asarray(x).tobytes() == np.asarray(y).tobytes() for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize(("acts", "loss"), NETWORKS)
def test_sample_pass_is_forward_then_backward_bit_for_bit(acts, loss):
    cfg = make_config([3, 4, 3], acts, loss=loss, n=5)
    run = RunState(cfg)
    for x, y in zip(run.xs, run.ys):
        z, a, e, deltas = run.sample_pass(run.weights, run.biases, x, y)
        fwd = forward(run.weights, run.biases, cfg.activations, x)
        e_ref, deltas_ref = backward(run.weights, cfg.activations, cfg.loss, fwd, y)
        assert a[0] is x
        assert same_bits(z, fwd.z) and same_bits(a, fwd.a) and same_bits(deltas, deltas_ref)
        assert np.float64(e).tobytes() == np.float64(e_ref).tobytes()


@pytest.mark.parametrize(("acts", "loss"), NETWORKS)
def test_stacked_pass_is_the_sample_pass_of_every_row(acts, loss):
    cfg = make_config([3, 4, 3], acts, loss=loss, n=6)
    run = RunState(cfg)
    stacked = stacked_pass(run.weights, run.biases, cfg.activations, cfg.loss, cfg.inputs, cfg.targets)
    if acts[-1] == "softmax":
        assert stacked is None  # not element-wise: the evaluation goes sample by sample
        return
    for i, (x, y) in enumerate(zip(run.xs, run.ys)):
        z, a, e, deltas = stacked.sample(i, x)
        z_ref, a_ref, e_ref, deltas_ref = run.sample_pass(run.weights, run.biases, x, y)
        assert same_bits(z, z_ref) and same_bits(a, a_ref) and same_bits(deltas, deltas_ref)
        assert np.float64(e).tobytes() == np.float64(e_ref).tobytes()


def big_weights_config(mode="online"):
    """A linear-softmax network whose hidden delta overflows (loss and outputs stay finite)."""
    cfg = make_config([2, 3, 3], ["linear", "softmax"], loss="cross_entropy", n=1, mode=mode)
    raw = cfg.to_dict()
    raw.pop("source")
    big = 1.5e308
    raw["network"]["weights"] = [[[0.1, 0.05]] * 3, [[big, 0, 0], [-big, 0, 0], [0, big, -big]]]
    raw["data"]["inputs"], raw["data"]["targets"] = [[1.0, 1.0]], [[0, 1, 0]]
    return from_dict(raw)


def test_a_non_finite_delta_is_reported_as_a_delta_by_every_path():
    cfg = big_weights_config()
    run = RunState(cfg)
    fwd = forward(run.weights, run.biases, cfg.activations, run.xs[0])
    with pytest.raises(NonFiniteError, match="delta of layer 1") as plain, np.errstate(all="ignore"):
        backward(run.weights, cfg.activations, cfg.loss, fwd, run.ys[0])
    with pytest.raises(NonFiniteError) as fused, np.errstate(all="ignore"):
        run.sample_pass(run.weights, run.biases, run.xs[0], run.ys[0])
    assert (fused.value.layer, fused.value.quantity) == (plain.value.layer, plain.value.quantity)
    with np.errstate(all="ignore"):
        z, a, e, deltas = run.sample_pass(run.weights, run.biases, run.xs[0], run.ys[0], False)
    assert SamplePass.first_bad_delta(deltas) == 1
    for keep in (True, False):  # an online step checks its deltas through the updated weights
        with pytest.raises(NonFiniteError, match="delta of layer 1"), np.errstate(all="ignore"):
            RunState(cfg).step([0], 0, 1, keep)


@pytest.mark.parametrize("keep", [True, False])
def test_an_overflowing_update_of_a_large_network_is_reported(keep):
    # 40-20-1: 841 parameters, so that a recorded update is checked through v . v
    cfg = make_config([40, 20, 1], ["linear", "linear"], n=1, learning_rate=1e308)
    raw = cfg.to_dict()
    raw.pop("source")
    raw["network"]["weights"] = [[[0.5] * 40] * 20, [[0.5] * 20]]
    raw["data"]["inputs"], raw["data"]["targets"] = [[1.0] * 40], [[0.0]]
    cfg = from_dict(raw)
    assert RunState(cfg).flat.size >= DOT_CHECK_SIZE
    with pytest.raises(NonFiniteError, match="updated weight"), np.errstate(all="ignore"):
        RunState(cfg, 1).step([0], 0, 1, keep)


def test_rows_are_fresh_writable_vectors_even_beyond_the_count():
    rows = Rows(5, 3, ParamLayout((2, 1, 1)))
    taken = [rows.take()[0] for _ in range(7)]
    assert all(r.shape == (5,) and r.flags.writeable for r in taken)
    for i, r in enumerate(taken):
        r[:] = i
    assert [float(r[0]) for r in taken] == list(range(7))


@pytest.mark.parametrize("biases", [True, False])
def test_row_views_are_read_only_and_show_what_the_row_holds(biases):
    layout = ParamLayout((3, 4, 2))
    size = layout.size if biases else layout.size - 6
    rows = Rows(size, 2, layout, biases=biases)
    taken = [rows.take() for _ in range(5)]  # beyond the count: a second block
    for i, (row, frozen, weights, bias) in enumerate(taken):
        row[:] = np.arange(size) + 100 * i
        assert row.flags.writeable and not frozen.flags.writeable
        assert [w.shape for w in weights] == [(4, 3), (2, 4)]
        assert [b.shape for b in bias] == ([(4,), (2,)] if biases else [])
        assert not any(v.flags.writeable for v in (*weights, *bias))
    for i, (row, frozen, weights, bias) in enumerate(taken):  # rows stay apart
        assert frozen.tobytes() == row.tobytes()
        plain_w = layout.weight_views(row)
        assert all(np.array_equal(w, p) and w.flags.c_contiguous
                   for w, p in zip(weights, plain_w, strict=True))
        if biases:
            assert all(np.array_equal(b, p) for b, p in zip(bias, layout.bias_views(row), strict=True))
        assert float(weights[0][0, 0]) == 100 * i


def test_finite_check_by_dot_finds_every_non_finite_and_passes_huge_finite_numbers():
    v = np.full(1000, 0.5)
    assert _finite_by_dot(v)
    for bad in (np.inf, -np.inf, np.nan):
        w = v.copy()
        w[617] = bad
        assert not _finite_by_dot(w)
    huge = np.full(1000, 1e200)  # v . v overflows: checked entry by entry, and finite
    with np.errstate(over="ignore"):
        assert _finite_by_dot(huge)
        huge[3] = np.nan
        assert not _finite_by_dot(huge)


@pytest.mark.parametrize("enabled", [True, False])
def test_train_leaves_the_garbage_collector_as_it_found_it(enabled):
    (gc.enable if enabled else gc.disable)()
    try:
        make_trace([2, 2, 1], ["sigmoid", "sigmoid"], n=3, epochs=2)
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def test_outputs_of_the_first_and_last_epoch_are_a_forward_pass_of_every_sample():
    for n in (1, 4):
        trace = make_trace([3, 4, 2], ["tanh", "sigmoid"], n=n, epochs=3)
        for ep in (trace.epochs[0], trace.epochs[-1]):
            want = [forward(ep.params.weights, ep.params.biases, trace.activations, np.array(x)).a[-1]
                    for x in trace.config["data"]["inputs"]]
            assert same_bits(ep.outputs, want) and not ep.outputs.flags.writeable
        assert all(ep.outputs is None for ep in trace.epochs[1:-1])


def rebuilt(trace, steps=None, epochs=None):
    return Trace(trace.config, trace.initial, trace.steps if steps is None else steps,
                 trace.epochs if epochs is None else epochs)


def test_the_bulk_checks_name_what_is_wrong_as_the_record_checks_do():
    trace = make_trace([2, 3, 2], ["tanh", "sigmoid"], n=3, epochs=2)
    rebuilt(trace)  # a trace from train passes
    s0, s1 = trace.steps[0], trace.steps[1]
    bad_grad = replace(s1, grad_weights=(s1.grad_weights[0][:1], *s1.grad_weights[1:]))
    rec = s1.per_sample[0]
    other_x = replace(rec, a=(np.array(rec.x), *rec.a[1:]))  # equal, but not x itself: still fine
    cases = [
        ((s0, bad_grad), r"steps\[1\]\.grad_weights\[0\]: shape \(1, 2\), expected \(3, 2\)"),
        ((s0, replace(s1, samples=(2,))), r"steps\[1\]: per_sample does not follow samples"),
        ((s1, s0), r"steps\[1\]: index 0 does not increase"),
        ((s0, replace(s1, per_sample=(replace(rec, z=rec.z[:1]),))),
         r"steps\[1\]\.per_sample\[0\]\.z: 1 arrays, expected 2"),
        ((s0, replace(s1, per_sample=(replace(rec, a=(rec.x + 1, *rec.a[1:])),))),
         r"steps\[1\]\.per_sample\[0\]: a\[0\] differs from x"),
    ]
    for steps, message in cases:
        with pytest.raises(TraceError, match=message):
            rebuilt(trace, steps=steps)
    rebuilt(trace, steps=(s0, replace(s1, per_sample=(other_x,))))
    epochs = list(trace.epochs)
    epochs[1] = replace(epochs[1], epoch=5)
    with pytest.raises(TraceError, match=r"epochs\[1\]: epoch 5, expected 1"):
        rebuilt(trace, epochs=tuple(epochs))


def test_train_checks_its_steps_in_chunks_and_a_bad_chunk_leaves_them_to_the_trace():
    from backprop_core.trace_checks import StepVerifier, verified, verified_steps

    trace = make_trace([2, 3, 2], ["tanh", "sigmoid"], n=5, epochs=60)  # 300 steps: 3 chunks
    steps = trace.steps
    verifier = StepVerifier(trace.layers, trace.initial)
    for end in range(5, len(steps) + 1, 5):
        verifier.update(list(steps[:end]))
    verifier.update(list(steps), final=True)
    assert verifier.ok and verifier.done == len(steps)
    assert verified_steps(steps) is None  # outside `verified`, nothing is taken for granted
    with verified(steps, verifier):
        assert verified_steps(steps) is verifier.checked
        assert verified_steps(tuple(steps)) is verifier.checked  # the very same tuple
        assert verified_steps(steps[:-1]) is None  # other steps are checked in full
    s1 = steps[1]
    bad = (steps[0], replace(s1, grad_biases=(s1.grad_biases[0][:1], *s1.grad_biases[1:])), *steps[2:])
    broken = StepVerifier(trace.layers, trace.initial)
    broken.update(list(bad), final=True)
    assert not broken.ok
    with verified(bad, broken), pytest.raises(TraceError, match=r"steps\[1\]\.grad_biases\[0\]"):
        rebuilt(trace, steps=bad)
