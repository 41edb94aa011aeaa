"""The Story's rival run (online vs batch) and the update rules the comparison shows."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from backprop_core import io
from backprop_core.equations.rules import update_rule
from backprop_core.train import train
from scenes.loading import load_story


@pytest.mark.parametrize("preset, rival_mode", [("xor", "batch"), ("circle", "online")])
def test_rival_is_the_same_run_in_the_other_mode(preset, rival_mode):
    story = load_story(preset)
    rival, trace = story.rival, story.trace
    assert rival.config["training"]["mode"] == rival_mode
    n = len(trace.config["data"]["inputs"])
    assert rival.config["training"]["batch_size"] == (n if rival_mode == "batch" else 1)
    for key in ("learning_rate", "epochs", "loss"):
        assert rival.config["training"][key] == trace.config["training"][key]
    for key in ("inputs", "targets"):
        assert rival.config["data"][key] == trace.config["data"][key]
    start, rival_start = trace.epochs[0], rival.epochs[0]
    for a, b in zip([*start.params.weights, *start.params.biases],
                    [*rival_start.params.weights, *rival_start.params.biases]):
        np.testing.assert_array_equal(a, b)
    assert rival_start.loss == start.loss
    assert len(rival.epochs) == len(trace.epochs)
    assert rival.epochs[-1].loss != trace.epochs[-1].loss  # they did train differently
    assert rival.steps == ()  # only epochs are recorded: the comparison needs no more


def test_rival_epochs_are_what_the_engine_gives_for_that_mode():
    story = load_story("and")
    cfg = io.config_of(story.trace.config)
    again = train(replace(cfg, mode="batch", batch_size=len(cfg.inputs), record="epochs"))
    assert [e.loss for e in again.epochs] == [e.loss for e in story.rival.epochs]


@pytest.mark.parametrize("preset, video", [("mazur", {}), ("xor", {"compare": False})])
def test_no_rival_for_one_epoch_or_when_switched_off(preset, video):
    assert load_story(preset, **video).rival is None


@pytest.mark.parametrize("notation, loss", [("nielsen", "C"), ("delta_rule", "E")])
def test_update_rule_online_and_batch(notation, loss):
    online = update_rule(notation, 2, 1)
    assert online == rf"w^{{+}} = w - \eta \frac{{\partial {loss}_{{p}}}}{{\partial w}}"
    batch = update_rule(notation, 2, 24, learning_rate=0.5)
    assert batch == (rf"w^{{+}} = w - 0.5 \cdot \frac{{1}}{{24}} \sum_{{p=1}}^{{24}} "
                     rf"\frac{{\partial {loss}_{{p}}}}{{\partial w}}")



def test_names_scaling_and_raw_sample_come_from_the_trace():
    story = load_story("iris")
    assert story.input_names[2] == "petal length (cm)"
    assert story.output_names == ("setosa", "versicolor", "virginica")
    scale, params = story.scaling
    assert scale == "standard" and set(params) == {"mean", "std"}
    # the vector the network received is the raw sample put through the recorded formula
    np.testing.assert_array_equal(story.record.x, (story.raw_sample - params["mean"]) / params["std"])
    plain = load_story("mazur")
    assert plain.input_names is plain.output_names is plain.scaling is plain.raw_sample is None
