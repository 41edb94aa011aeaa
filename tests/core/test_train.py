"""Training semantics and trace invariants: what each step records and how steps chain."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_core import run_preset
from backprop_core.config import from_dict
from backprop_core.train import TraceTooLarge, TrainingDiverged, train

from .helpers import make_config, make_trace, reference_loss


def test_online_steps_chain_and_apply_their_own_gradient():
    trace = make_trace([2, 3, 2], ["tanh", "sigmoid"], n=4, epochs=2)
    lr = trace.config["training"]["learning_rate"]
    assert [s.index for s in trace.steps] == list(range(8))
    assert [s.samples for s in trace.steps] == [(i,) for i in range(4)] * 2  # dataset order
    assert [s.epoch for s in trace.steps] == [1] * 4 + [2] * 4
    for prev, step in zip(trace.steps, trace.steps[1:]):
        for a, b in zip(prev.after.weights + prev.after.biases, step.before.weights + step.before.biases):
            np.testing.assert_array_equal(a, b)
    for step in trace.steps:
        for w, g, w1 in zip(step.before.weights, step.grad_weights, step.after.weights):
            np.testing.assert_allclose(w1, w - lr * g, rtol=0, atol=1e-15)


def test_batch_step_applies_the_mean_gradient_once_per_epoch():
    trace = make_trace([2, 3, 1], ["sigmoid", "sigmoid"], mode="batch", n=5, epochs=3)
    assert len(trace.steps) == 3
    step = trace.steps[0]
    assert step.samples == (0, 1, 2, 3, 4)
    per_sample = [np.outer(r.delta[0], r.a[0]) for r in step.per_sample]  # BP4, by hand
    np.testing.assert_allclose(step.grad_weights[0], np.mean(per_sample, axis=0), rtol=1e-14)
    np.testing.assert_allclose(step.grad_biases[1], np.mean([r.delta[1] for r in step.per_sample], axis=0))
    assert step.loss == pytest.approx(np.mean([r.loss for r in step.per_sample]), rel=1e-14)
    # In batch mode the step loss is the epoch loss of the parameters before it.
    assert step.loss == pytest.approx(trace.epochs[0].loss, rel=1e-14)


def test_minibatch_sizes_and_last_partial_batch():
    trace = make_trace([2, 2, 1], ["sigmoid", "sigmoid"], mode="minibatch", batch_size=2, n=5)
    assert [s.samples for s in trace.steps] == [(0, 1), (2, 3), (4,)]


def test_shuffle_is_seeded_and_covers_every_sample():
    def orders(seed):
        t = make_trace([2, 2, 1], ["sigmoid", "sigmoid"], n=6, epochs=3, shuffle=True, shuffle_seed=seed)
        return [s.samples[0] for s in t.steps]

    first = orders(4)
    assert first == orders(4)
    assert first != orders(5)
    for epoch in range(3):
        assert sorted(first[epoch * 6:(epoch + 1) * 6]) == list(range(6))
    assert first[:6] != list(range(6))


def test_hidden_deltas_use_the_weights_before_the_update():
    step = make_trace([2, 3, 2], ["sigmoid", "sigmoid"], n=1).steps[0]
    rec = step.per_sample[0]
    back = step.before.weights[1].T @ rec.delta[1]
    np.testing.assert_allclose(rec.delta[0], back * rec.a[1] * (1 - rec.a[1]), rtol=1e-14)  # BP2


def test_per_sample_numbers_match_an_independent_forward_pass():
    trace = make_trace([3, 4, 2], ["relu", "softmax"], loss="cross_entropy", n=3)
    data = trace.config["data"]
    for step in trace.steps:
        for rec in step.per_sample:
            want = reference_loss("cross_entropy", "softmax", step.before.weights, step.before.biases,
                                  trace.activations, data["inputs"][rec.sample], data["targets"][rec.sample])
            assert rec.loss == pytest.approx(want, rel=1e-12)
            np.testing.assert_array_equal(rec.x, data["inputs"][rec.sample])


def test_epoch_loss_is_the_mean_over_the_training_set_at_the_end_of_the_epoch():
    trace = make_trace([2, 3, 1], ["tanh", "sigmoid"], n=4, epochs=3)
    data = trace.config["data"]
    for ep in trace.epochs:
        p = ep.params
        want = np.mean([reference_loss("half_sse", "sigmoid", p.weights, p.biases, trace.activations, x, y)
                        for x, y in zip(data["inputs"], data["targets"])])
        assert ep.loss == pytest.approx(want, rel=1e-12)
    np.testing.assert_array_equal(trace.epochs[-1].params.weights[0], trace.steps[-1].after.weights[0])


def test_accuracy_for_class_labels():
    xor = run_preset("xor")
    assert xor.epochs[0].accuracy is not None
    assert xor.epochs[-1].accuracy == 1.0
    digits = run_preset("digits")
    assert digits.epochs[-1].accuracy == 1.0  # all ten binary codes right


def test_biases_off_and_frozen():
    off = make_trace([2, 2, 1], ["sigmoid", "sigmoid"], n=2, epochs=2).config  # sanity: builds
    assert off["network"]["use_biases"] is True
    t = train(make_config([2, 2, 1], ["sigmoid", "sigmoid"], n=2, epochs=2, update_biases=False))
    for s in t.steps:
        for b0, b1 in zip(s.before.biases, s.after.biases):
            np.testing.assert_array_equal(b0, b1)
    cfg = make_config([2, 2, 1], ["sigmoid", "sigmoid"], n=2, epochs=2)
    raw = cfg.to_dict()
    raw["network"]["use_biases"] = False
    raw.pop("source")
    t = train(from_dict(raw))
    assert all(not b.any() for s in t.steps for b in s.after.biases)


@pytest.mark.parametrize("record,expected", [("all", list(range(12))), ("epochs", []), (5, [0, 5, 10])])
def test_record_keeps_the_steps_asked_for(record, expected):
    trace = make_trace([2, 2, 1], ["sigmoid", "sigmoid"], n=4, epochs=3, record=record)
    assert [s.index for s in trace.steps] == expected
    assert len(trace.epochs) == 4


def test_a_huge_trace_is_refused_with_advice():
    cfg = make_config([784, 16, 16, 10], ["sigmoid"] * 3, n=64, epochs=20)
    with pytest.raises(TraceTooLarge, match='record = "epochs"'):
        train(cfg)


def test_divergence_names_epoch_step_and_layer_and_keeps_the_trace():
    cfg = make_config([2, 4, 4, 1], ["relu", "relu", "linear"], n=4, epochs=50, learning_rate=1e6)
    with pytest.raises(TrainingDiverged, match=r"epoch \d+, step \d+: .* layer \d") as info:
        train(cfg)
    partial = info.value.trace
    assert partial.stopped is not None
    assert len(partial.steps) == partial.stopped.step
    for step in partial.steps:
        assert all(np.isfinite(w).all() for w in step.after.weights)


def test_trace_is_read_only():
    trace = run_preset("mazur")
    step = trace.steps[0]
    arrays = [*step.before.weights, *step.grad_weights, *step.after.biases, step.per_sample[0].x,
              *step.per_sample[0].z, *step.per_sample[0].delta, *trace.epochs[0].params.weights]
    for arr in arrays:
        with pytest.raises(ValueError):
            arr[0] = 1.0
    with pytest.raises(AttributeError):
        step.loss = 0.0


def test_seeded_init_is_reproducible_and_seed_dependent():
    a = make_trace([3, 4, 2], ["sigmoid", "sigmoid"], seed=1)
    b = make_trace([3, 4, 2], ["sigmoid", "sigmoid"], seed=1)
    c = make_trace([3, 4, 2], ["sigmoid", "sigmoid"], seed=2)
    np.testing.assert_array_equal(a.initial.weights[0], b.initial.weights[0])
    assert not np.array_equal(a.initial.weights[0], c.initial.weights[0])


def test_trace_size_counts_recorded_steps_in_closed_form():
    from backprop_core.train import trace_size

    huge = make_config([2, 2, 1], ["sigmoid", "sigmoid"], n=4, epochs=10**8, record=1000)
    assert trace_size(huge) > 0  # returns at once, no loop over 4e8 steps
    small = make_config([2, 2, 1], ["sigmoid", "sigmoid"], n=4, epochs=3, record=5)
    every = make_config([2, 2, 1], ["sigmoid", "sigmoid"], n=4, epochs=3)
    assert trace_size(small) < trace_size(every)


def test_divergence_at_the_initial_evaluation_is_reported_not_raised_raw():
    cfg = make_config([2, 3, 1], ["linear", "linear"], n=2, epochs=1)
    raw = cfg.to_dict()
    raw.pop("source")
    raw["network"]["weights"] = [[[1e200, 1e200]] * 3, [[1e200] * 3]]
    with pytest.raises(TrainingDiverged, match="before training started"):
        train(from_dict(raw))


def test_record_every_n_keeps_the_right_parameters_before_each_step():
    every = make_trace([2, 3, 2], ["tanh", "sigmoid"], n=3, epochs=4)
    some = make_trace([2, 3, 2], ["tanh", "sigmoid"], n=3, epochs=4, record=5)
    for step in some.steps:
        ref = every.step(step.index)
        for a, b in zip(step.before.weights + step.after.weights, ref.before.weights + ref.after.weights):
            np.testing.assert_array_equal(a, b)


def test_evaluation_is_the_forward_pass_of_every_sample():
    from backprop_core.losses import loss_value
    from backprop_core.network import forward
    from backprop_core.train import evaluate

    cfg = make_config([3, 4, 2], ["tanh", "sigmoid"], n=6, epochs=1)
    trace = train(cfg)
    w, b = trace.final.weights, trace.final.biases
    loss, accuracy, outputs = evaluate(cfg, w, b)
    want = [forward(w, b, cfg.activations, x) for x in cfg.inputs]
    assert outputs.tobytes() == np.array([f.a[-1] for f in want]).tobytes()
    losses = [float(loss_value(cfg.loss, "sigmoid", f.z[-1], f.a[-1], y)) for f, y in zip(want, cfg.targets)]
    assert loss == sum(losses) / len(losses)
    assert accuracy is None  # the targets are not class labels
    assert (loss, outputs.tobytes()) == (trace.epochs[-1].loss, trace.epochs[-1].outputs.tobytes())
