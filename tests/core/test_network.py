"""The forward and backward passes: a batch is its samples, the BP equations hold, failures are named."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from backprop_core.config import from_dict
from backprop_core.network import NonFiniteError, backward, check_finite, forward
from backprop_core.trace import Params, Steps, Trace, TraceError, freeze, is_frozen
from backprop_core.train import TrainingDiverged, initial_params, train

from .helpers import make_config, make_trace

NETWORKS = [
    (["sigmoid", "sigmoid"], "half_sse"),
    (["tanh", "sigmoid"], "cross_entropy"),
    (["relu", "softmax"], "cross_entropy"),
    (["linear", "tanh"], "mse"),
    (["sigmoid", "relu"], "half_sse"),
    (["tanh", "softmax"], "half_sse"),
]


def same_bits(a, b) -> bool:
    return all(np.asarray(x).tobytes() == np.asarray(y).tobytes() for x, y in zip(a, b, strict=True))


def passes(cfg, x, y):
    weights, biases = initial_params(cfg)
    fwd = forward(weights, biases, cfg.activations, x)
    return fwd, backward(weights, cfg.activations, cfg.loss, fwd, y)


@pytest.mark.parametrize(("acts", "loss"), NETWORKS)
def test_a_batch_gives_each_sample_its_own_numbers_bit_for_bit(acts, loss):
    cfg = make_config([3, 4, 3], acts, loss=loss, n=6)
    fwd, bwd = passes(cfg, cfg.inputs, cfg.targets)
    for k, (x, y) in enumerate(zip(cfg.inputs, cfg.targets)):
        one, one_b = passes(cfg, x, y)
        assert same_bits([z[k] for z in fwd.z], one.z) and same_bits([a[k] for a in fwd.a], one.a)
        assert same_bits([d[k] for d in bwd.delta], one_b.delta)
        assert np.float64(bwd.loss[k]).tobytes() == np.float64(one_b.loss).tobytes()


@pytest.mark.parametrize(("acts", "loss"), NETWORKS)
def test_batch_gradients_are_the_mean_of_the_samples_gradients(acts, loss):
    cfg = make_config([3, 4, 3], acts, loss=loss, n=5)
    _, bwd = passes(cfg, cfg.inputs, cfg.targets)
    singles = [passes(cfg, x[None], y[None])[1] for x, y in zip(cfg.inputs, cfg.targets)]
    for layer in range(2):
        np.testing.assert_allclose(bwd.grad_weights[layer],
                                   np.mean([s.grad_weights[layer] for s in singles], axis=0), rtol=1e-13)
        np.testing.assert_allclose(bwd.grad_biases[layer],
                                   np.mean([s.grad_biases[layer] for s in singles], axis=0), rtol=1e-13)


@pytest.mark.parametrize(("acts", "loss"), NETWORKS)
def test_one_sample_satisfies_bp2_bp3_bp4(acts, loss):
    cfg = make_config([3, 4, 3], acts, loss=loss, n=1)
    weights, _ = initial_params(cfg)
    fwd, bwd = passes(cfg, cfg.inputs[0], cfg.targets[0])
    assert [d.shape for d in bwd.delta] == [(4,), (3,)]  # vectors stay 1-D
    for layer in range(2):
        np.testing.assert_array_equal(bwd.grad_biases[layer], bwd.delta[layer])  # BP3
        bp4 = np.outer(bwd.delta[layer], fwd.a[layer])
        np.testing.assert_array_equal(bwd.grad_weights[layer], bp4)  # BP4
    h = 1e-6 * np.ones(4)  # BP2 through the derivative of the hidden activation, by finite differences
    f = acts[0]
    from backprop_core.activations import activate

    slope = (activate(f, fwd.z[0] + h) - activate(f, fwd.z[0] - h)) / 2e-6
    np.testing.assert_allclose(bwd.delta[0], (weights[1].T @ bwd.delta[1]) * slope, rtol=1e-6, atol=1e-9)


def big_weights_config(mode="online"):
    """A linear-softmax network whose hidden delta overflows (loss and outputs stay finite)."""
    cfg = make_config([2, 3, 3], ["linear", "softmax"], loss="cross_entropy", n=1, mode=mode)
    raw = cfg.to_dict()
    raw.pop("source")
    big = 1.5e308
    raw["network"]["weights"] = [[[0.1, 0.05]] * 3, [[big, 0, 0], [-big, 0, 0], [0, big, -big]]]
    raw["data"]["inputs"], raw["data"]["targets"] = [[1.0, 1.0]], [[0, 1, 0]]
    return from_dict(raw)


@pytest.mark.parametrize("mode", ["online", "batch"])
def test_a_non_finite_delta_is_reported_as_a_delta(mode):
    cfg = big_weights_config(mode)
    weights, biases = initial_params(cfg)
    with np.errstate(all="ignore"):
        fwd = forward(weights, biases, cfg.activations, cfg.inputs[0])
        bwd = backward(weights, cfg.activations, cfg.loss, fwd, cfg.targets[0])
    assert np.all(np.isfinite(bwd.loss)) and not np.all(np.isfinite(bwd.delta[0]))
    with pytest.raises(NonFiniteError, match="delta of layer 1"):
        check_finite(fwd.z, bwd.loss, bwd.delta)
    with pytest.raises(TrainingDiverged, match="delta of layer 1") as info:
        train(cfg)
    stopped = info.value.trace.stopped
    assert (stopped.epoch, stopped.step, stopped.layer) == (1, 0, 1)


def test_an_overflowing_update_is_reported():
    cfg = make_config([40, 20, 1], ["linear", "linear"], n=1, learning_rate=1e308)
    raw = cfg.to_dict()
    raw.pop("source")
    raw["network"]["weights"] = [[[0.5] * 40] * 20, [[0.5] * 20]]
    raw["data"]["inputs"], raw["data"]["targets"] = [[1.0] * 40], [[0.0]]
    with pytest.raises(TrainingDiverged, match="updated weight of layer 1"):
        train(from_dict(raw))


def test_steps_share_their_params_and_records_are_read_only_all_the_way_down():
    trace = make_trace([2, 3, 2], ["tanh", "sigmoid"], n=3, epochs=2)
    for prev, step in zip(trace.steps, trace.steps[1:]):
        assert step.before is prev.after
    assert trace.steps[0].before is trace.initial
    assert trace.epochs[-1].params is trace.steps[-1].after
    rec = trace.steps[0].per_sample[0]
    step = trace.steps[0]
    for arr in (rec.x, rec.y, *rec.z, *rec.a, *rec.delta, *step.grad_weights, *step.after.weights):
        assert is_frozen(arr)  # no array it views can be written to either
        with pytest.raises(ValueError):
            arr[0] = 1.0


def test_records_copy_what_the_caller_can_still_write_to():
    x = np.array([1.0, 2.0])
    base = np.array([[1.0, 2.0], [3.0, 4.0]])
    view = base[0]
    view.setflags(write=False)  # read-only, but its base is not
    shared = np.array([5.0, 6.0])
    freeze(shared)
    params = Params([x.reshape(1, 2), view[None, :]], [shared[:1], x[:1]])
    assert params.weights[0].base is None and params.weights[1].base is None  # copies
    assert params.biases[0] is not None and params.biases[0].base is shared  # shared as it is
    x[0] = base[0, 0] = 9.0
    assert params.weights[0][0, 0] == 1.0 and params.weights[1][0, 0] == 1.0
    over_buffer = np.frombuffer(bytearray(8))
    over_buffer.setflags(write=False)  # the bytearray can still be written to
    assert not is_frozen(over_buffer) and Params([over_buffer[None, :]], [x[:1]]).weights[0].base is None


def test_outputs_of_the_first_and_last_epoch_are_a_forward_pass_of_every_sample():
    for n in (1, 4):
        trace = make_trace([3, 4, 2], ["tanh", "sigmoid"], n=n, epochs=3)
        for ep in (trace.epochs[0], trace.epochs[-1]):
            want = [forward(ep.params.weights, ep.params.biases, trace.activations, np.array(x)).a[-1]
                    for x in trace.config["data"]["inputs"]]
            assert same_bits(ep.outputs, want) and not ep.outputs.flags.writeable
        assert all(ep.outputs is None for ep in trace.epochs[1:-1])


def test_a_runs_steps_are_made_once_when_read_and_pass_the_trace_checks():
    trace = make_trace([2, 3, 2], ["tanh", "sigmoid"], n=3, epochs=2)
    assert isinstance(trace.steps, Steps) and len(trace.steps) == 6
    first = trace.steps[0]
    assert trace.steps[0] is first and trace.steps[:2][0] is first and trace.steps[-1] is trace.steps[5]
    assert [s.index for s in trace.steps] == list(range(6)) and trace.steps == tuple(trace.steps)
    assert train(replace(make_config([2, 3, 2], ["tanh", "sigmoid"], n=3), record="epochs")).steps == ()
    rebuilt(trace, steps=tuple(trace.steps))  # every step made from the passes passes every check


def rebuilt(trace, steps=None, epochs=None):
    return Trace(trace.config, trace.initial, trace.steps if steps is None else steps,
                 trace.epochs if epochs is None else epochs)


def test_the_trace_checks_name_what_is_wrong():
    trace = make_trace([2, 3, 2], ["tanh", "sigmoid"], n=3, epochs=2)
    rebuilt(trace)  # a trace from train passes
    s0, s1 = trace.steps[0], trace.steps[1]
    bad_grad = replace(s1, grad_weights=(s1.grad_weights[0][:1], *s1.grad_weights[1:]))
    rec = s1.per_sample[0]
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
    epochs = list(trace.epochs)
    epochs[1] = replace(epochs[1], epoch=5)
    with pytest.raises(TraceError, match=r"epochs\[1\]: epoch 5, expected 1"):
        rebuilt(trace, epochs=tuple(epochs))


def test_the_engine_uses_no_private_numpy_and_leaves_the_garbage_collector_alone():
    from pathlib import Path

    import backprop_core

    for path in Path(backprop_core.__file__).parent.glob("*.py"):
        text = path.read_text()
        assert "numpy._core" not in text and "gc.disable" not in text, path.name
