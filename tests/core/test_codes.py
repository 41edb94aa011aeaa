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
