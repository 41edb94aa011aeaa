"""Output codes before and after training (targets that are 0/1 vectors)."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_core import run_preset
from backprop_core.codes import code_table, has_codes, threshold


def test_threshold_reads_half_as_one():
    assert threshold([0.49, 0.5, 0.93, 0.0]) == (0, 1, 1, 0)


def test_digits_table_before_and_after():
    trace = run_preset("digits")
    table = code_table(trace)
    assert (table.first_epoch, table.last_epoch) == (0, trace.epochs[-1].epoch)
    assert [r.target for r in table.rows] == [tuple((d >> b) & 1 for b in (3, 2, 1, 0)) for d in range(10)]
    assert table.after_right == 10 and all(r.after.code == r.target for r in table.rows)
    assert table.before_right == sum(r.before.code == r.target for r in table.rows) < 10
    for r in table.rows:  # the raw outputs are the recorded trace fields
        assert r.before.outputs == tuple(trace.epochs[0].outputs[r.sample])
        assert r.after.outputs == tuple(trace.epochs[-1].outputs[r.sample])
        assert r.after.code == tuple(int(v >= 0.5) for v in r.after.outputs)


def test_right_counts_agree_with_the_accuracy_of_single_output_labels():
    trace = run_preset("xor")
    table = code_table(trace)
    n = len(table.rows)
    assert table.before_right / n == trace.epochs[0].accuracy
    assert table.after_right / n == trace.epochs[-1].accuracy == 1.0


def test_no_table_without_binary_targets():
    trace = run_preset("mazur")  # targets 0.01 / 0.99
    assert not has_codes(trace)
    with pytest.raises(ValueError, match="0/1 targets"):
        code_table(trace)
    assert np.all(trace.epochs[0].outputs > 0)  # the outputs are still recorded


# -- the confusion matrix of one-hot classes -------------------------------------------------------
def test_confusion_counts_each_class_by_its_largest_output():
    from backprop_core.codes import confusion, has_classes

    from .helpers import make_trace

    trace = make_trace([3, 4, 3], ["tanh", "softmax"], loss="cross_entropy", n=20, epochs=4)
    assert has_classes(trace)
    targets = np.asarray(trace.config["data"]["targets"])
    for index in (0, -1):
        matrix, record = confusion(trace, index), trace.epochs[index]
        answers = np.argmax(record.outputs, axis=1)
        for t in range(3):
            for p in range(3):
                wanted = int(np.sum((np.argmax(targets, axis=1) == t) & (answers == p)))
                assert matrix.counts[t, p] == wanted
        assert matrix.total == 20 and matrix.epoch == record.epoch
        assert matrix.accuracy == pytest.approx(record.accuracy, abs=0)  # the trace's own field
        with pytest.raises(ValueError):
            matrix.counts[0, 0] = 99  # read-only


def codes_trace(targets):
    from backprop_core.config import from_dict
    from backprop_core.train import train

    return train(from_dict({"network": {"layers": [2, len(targets[0])], "activations": ["sigmoid"]},
                            "training": {"epochs": 2},
                            "data": {"inputs": [[0, 1], [1, 0], [1, 1]], "targets": targets}}))


def test_only_one_hot_classes_have_a_confusion_matrix():
    from backprop_core.codes import confusion, has_classes

    assert has_classes(codes_trace([[0, 1], [1, 0], [0, 1]]))
    binary = codes_trace([[1, 1], [1, 0], [0, 1]])  # codes: two 1s in a target
    assert has_codes(binary) and not has_classes(binary)
    assert not has_classes(codes_trace([[0], [1], [1]]))  # one output
    with pytest.raises(ValueError, match="one-hot"):
        confusion(binary, 0)
