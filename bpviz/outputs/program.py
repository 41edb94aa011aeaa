"""``bpviz code``: a short NumPy program that reproduces the numbers of a story's film.

The program is generated from the story's config (never a template per preset): its data, its
initial weights (literal when the config gives them, else the config's seeded initialisation),
its activations, loss, mode and learning rate. It trains as the engine does, one step after
another, and at the step the film explains prints that step's numbers under the film's names
(``x``, ``z1``, ``a1``, ``loss``, ``delta2``, ``grad_W2`` ...), and the mean loss before training
and after each epoch (for a run of one update, the update chapter's "before" and "after"). The
backward pass is written as BP1..BP4, each under a comment with its formula in the film's
notation and each line marked, as in the engine (:mod:`backprop_core.network`). Comments are in
the story's language (catalogue ``[code]``).

Every number is printed as Python's ``repr`` of a float, so a test can read the output back and
compare it with the trace.
"""

from __future__ import annotations

import numpy as np

from backprop_core import io
from backprop_core.config import Config
from scenes.story import Story

ACTIVATION_CODE = {
    "sigmoid": ("def sigmoid(z):", "    return 1.0 / (1.0 + np.exp(-z))"),
    "tanh": ("def tanh(z):", "    return np.tanh(z)"),
    "relu": ("def relu(z):", "    return np.maximum(z, 0.0)"),
    "linear": ("def linear(z):", "    return z"),
    "softmax": ("def softmax(z):", "    e = np.exp(z - np.max(z))", "    return e / np.sum(e)"),
}
"""Each activation as the program defines it."""

SLOPE_CODE = {
    "sigmoid": ("def sigmoid_slope(z, a):", "    return a * (1.0 - a)"),
    "tanh": ("def tanh_slope(z, a):", "    return 1.0 - a * a"),
    "relu": ("def relu_slope(z, a):", "    return (z > 0).astype(float)"),
    "linear": ("def linear_slope(z, a):", "    return np.ones_like(z)"),
}
"""Each activation's slope ``f'(z)``, written with ``a = f(z)`` where the textbooks do."""

LOSS_CODE = {
    "half_sse": "0.5 * np.sum((y - a) ** 2)",
    "mse": "np.mean((y - a) ** 2)",
    ("cross_entropy", "softmax"): "-np.sum(y * np.log(a))",
    ("cross_entropy", "sigmoid"): "-np.sum(y * np.log(a) + (1.0 - y) * np.log(1.0 - a))",
}
"""The loss of one sample with output ``a`` and target ``y``."""

LOSS_GRAD_CODE = {"half_sse": "a - y", "mse": "2.0 / len(a) * (a - y)",
                  "cross_entropy": "-y / a + (1.0 - y) / (1.0 - a)"}
"""``dE/da`` of one sample."""

BP_FORMULAS = {
    "nielsen": ("delta^L = dC/da^L * f'(z^L)", "delta^l = (W^(l+1)^T delta^(l+1)) * f'(z^l)",
                "dC/db^l_j = delta^l_j", "dC/dw^l_jk = delta^l_j * a^(l-1)_k"),
    "delta_rule": ("delta^L = -dE/do^L * f'(net^L)", "delta^l = (W^(l+1)^T delta^(l+1)) * f'(net^l)",
                   "dE/db^l_j = -delta^l_j", "dE/dw^l_jk = -delta^l_j * o^(l-1)_k"),
}
"""BP1..BP4 as the film writes them, in each notation (the heading comment of each step)."""
CROSS_ENTROPY_BP1 = {"nielsen": "delta^L = a^L - y", "delta_rule": "delta^L = y - o^L"}
"""BP1 when cross-entropy meets its output's activation (the slope cancels)."""


def _array(values, indent: int = 4) -> str:
    """``np.array([...])`` of ``values`` (a vector or a matrix), each number as Python's repr."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 1:
        return "np.array([" + ", ".join(repr(float(v)) for v in arr) + "])"
    pad = " " * (indent + 4)
    rows = ",\n".join(pad + "[" + ", ".join(repr(float(v)) for v in row) + "]" for row in arr)
    return "np.array([\n" + rows + ",\n" + " " * indent + "])"


def _comment(text: str) -> str:
    return "# " + text


class ProgramWriter:
    """The lines of the program of one story, section by section (each method returns lines)."""

    def __init__(self, story: Story):
        self.story = story
        self.cfg: Config = io.config_of(story.trace.config)
        self.delta_rule = story.notation == "delta_rule"
        self.n_layers = len(self.cfg.layers) - 1

    def tr(self, key: str, **values) -> str:
        """The comment ``key`` of the catalogue's ``[code]`` table in the story's language."""
        return self.story.tr(f"code.{key}", **values)

    # -- the parts, top to bottom ----------------------------------------------------------------
    def program(self) -> str:
        """The whole program."""
        parts = [self.header(), self.data(), self.parameters(), self.functions(), self.step_code(),
                 self.training()]
        return "\n\n\n".join("\n".join(part) for part in parts) + "\n"

    def header(self) -> list[str]:
        """The docstring (what network, what run, what it prints, the notation) and the import."""
        cfg, story = self.cfg, self.story
        shape = "-".join(map(str, cfg.layers))
        return ['"""' + self.tr("title", shape=shape), "",
                self.tr("about", activations=", ".join(cfg.activations),
                        loss=story.tr(f"loss_names.{cfg.loss}"), mode=cfg.mode,
                        rate=repr(cfg.learning_rate), epochs=cfg.epochs),
                self.tr("prints", step=story.step.index + 1, sample=story.record.sample + 1),
                self.tr("rounded", decimals=story.video["decimals"]),
                self.tr("notation_" + story.notation),
                *([self.tr("names_delta_rule")] if self.delta_rule else []),
                '"""', "", "import numpy as np"]

    def data(self) -> list[str]:
        """The data and the run's settings, the explained update and sample among them."""
        cfg = self.cfg
        return [_comment(self.tr("data")),
                f"X = {_array(cfg.inputs, 0)}", f"Y = {_array(cfg.targets, 0)}", "",
                f"LAYERS = {list(cfg.layers)}",
                f"LEARNING_RATE = {cfg.learning_rate!r}",
                f"EPOCHS = {cfg.epochs}",
                f"BATCH_SIZE = {self._batch_size()}  " + _comment(self.tr("batch", mode=cfg.mode)),
                f"SHUFFLE_SEED = {cfg.shuffle_seed if cfg.shuffle else None!r}  "
                + _comment(self.tr("shuffle")),
                f"EXPLAINED_STEP = {self.story.step.index}  " + _comment(self.tr("explained_step")),
                f"EXPLAINED_SAMPLE = {self.story.record.sample}  " + _comment(self.tr("explained_sample"))]

    def _batch_size(self) -> int:
        cfg = self.cfg
        return {"online": 1, "batch": len(cfg.inputs), "minibatch": cfg.batch_size}[cfg.mode]

    def parameters(self) -> list[str]:
        """The initial weights: literal when the config gives them, else its seeded initialisation."""
        cfg, lines = self.cfg, [_comment(self.tr("weights"))]
        if cfg.weights is None and cfg.biases is None:
            lines += [_comment(self.tr("seeded", init=cfg.init, seed=cfg.seed)),
                      f"rng = np.random.default_rng({cfg.seed})", "W, b = {}, {}",
                      "for l in range(1, len(LAYERS)):",
                      "    n_in, n_out = LAYERS[l - 1], LAYERS[l]"]
            r = cfg.init_range
            lines += {
                "uniform": [f"    W[l] = rng.uniform(-{r!r}, {r!r}, size=(n_out, n_in))",
                            f"    b[l] = rng.uniform(-{r!r}, {r!r}, size=n_out)"],
                "xavier": ["    r = np.sqrt(6.0 / (n_in + n_out))",
                           "    W[l] = rng.uniform(-r, r, size=(n_out, n_in))", "    b[l] = np.zeros(n_out)"],
                "he": ["    W[l] = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))",
                       "    b[l] = np.zeros(n_out)"],
            }[cfg.init]
            if not cfg.use_biases:
                lines.append("    b[l] = np.zeros(n_out)  " + _comment(self.tr("no_biases")))
            return lines
        initial = self.story.trace.initial
        lines.append("W = {")
        lines += [f"    {layer}: {_array(w, 4)}," for layer, w in enumerate(initial.weights, start=1)]
        lines += ["}", "b = {"]
        lines += [f"    {layer}: {_array(v, 4)}," for layer, v in enumerate(initial.biases, start=1)]
        lines.append("}")
        if not cfg.use_biases:
            lines.append(_comment(self.tr("no_biases")))
        return lines

    def functions(self) -> list[str]:
        """The activations the network uses with their slopes, the loss and ``show``."""
        cfg = self.cfg
        used = list(dict.fromkeys(cfg.activations))
        lines = [_comment(self.tr("activations"))]
        for name in used:  # softmax (an output) never needs its slope: BP1 has its own line for it
            slope = [*SLOPE_CODE[name], "", ""] if name in SLOPE_CODE else []
            lines += [*ACTIVATION_CODE[name], "", "", *slope]
        per_layer = list(enumerate(cfg.activations, start=1))
        sloped = [(layer, a) for layer, a in per_layer if a in SLOPE_CODE]
        lines.append("f = {" + ", ".join(f"{layer}: {a}" for layer, a in per_layer) + "}")
        lines.append("f_slope = {" + ", ".join(f"{layer}: {a}_slope" for layer, a in sloped) + "}")
        out = cfg.activations[-1]
        loss = LOSS_CODE[(cfg.loss, out)] if cfg.loss == "cross_entropy" else LOSS_CODE[cfg.loss]
        words = self.story.tr(f"loss_names.{cfg.loss}")
        lines += ["", "", "def loss(a, y):", f"    {_comment(self.tr('loss', loss=words))}",
                  f"    return {loss}", "", "", "def show(name, value):",
                  f"    {_comment(self.tr('show'))}",
                  '    print(name, "=", " ".join(repr(float(v)) for v in np.ravel(value)))']
        return lines

    def _bp(self, number: int, formula: str | None = None) -> list[str]:
        """The heading comment of step BP``number``: what it computes, then its formula in the notation."""
        formula = BP_FORMULAS[self.story.notation][number - 1] if formula is None else formula
        return ["    " + _comment(self.tr(f"bp{number}")), "    " + _comment(f"    {formula}")]

    def _bp1(self) -> list[str]:
        """BP1 in the notation's sign, under its heading."""
        cfg, out = self.cfg, self.cfg.activations[-1]
        minus = "-" if self.delta_rule else ""
        if cfg.loss == "cross_entropy":
            expr = "y - a[L]" if self.delta_rule else "a[L] - y"
            return [*self._bp(1, CROSS_ENTROPY_BP1[self.story.notation]),
                    f"    delta[L] = {expr}  # BP1 " + self.tr("bp1_simplified")]
        grad = LOSS_GRAD_CODE[cfg.loss].replace("a", "a[L]")
        letter = "E" if self.delta_rule else "C"
        name = f"d{letter}_da"
        lines = [*self._bp(1), f"    {name} = {grad}  " + _comment(self.tr("loss_grad", loss=letter))]
        if out == "softmax":
            lines.append(f"    delta[L] = {minus}a[L] * ({name} - np.sum(a[L] * {name}))  # BP1 "
                         + self.tr("bp1_softmax"))
        else:
            lines.append(f"    delta[L] = {minus}{name} * f_slope[L](z[L], a[L])  # BP1")
        return lines

    def step_code(self) -> list[str]:
        """Forward and backward of one sample and its gradients: the engine's lines, sample by sample."""
        sign_w = "-" if self.delta_rule else ""
        lines = ["def forward(x):", f"    {_comment(self.tr('forward'))}",
                 "    a, z = {0: x}, {}",
                 "    for l in range(1, len(LAYERS)):",
                 "        z[l] = W[l] @ a[l - 1] + b[l]  # z^l = W^l a^(l-1) + b^l",
                 "        a[l] = f[l](z[l])  # a^l = f(z^l)",
                 "    return z, a", "", "",
                 "def backward(z, a, y):", f"    {_comment(self.tr('backward'))}",
                 "    L = len(LAYERS) - 1", "    delta = {}", "", *self._bp1(), "",
                 *self._bp(2),
                 "    for l in range(L - 1, 0, -1):",
                 "        delta[l] = (W[l + 1].T @ delta[l + 1]) * f_slope[l](z[l], a[l])  # BP2", "",
                 *self._bp(3),
                 "    grad_b = {l: " + sign_w + "delta[l] for l in delta}  # BP3", "",
                 *self._bp(4),
                 "    grad_W = {l: " + sign_w + "np.outer(delta[l], a[l - 1]) for l in delta}  # BP4", "",
                 "    return delta, grad_b, grad_W"]
        if self.delta_rule:
            at = next(i for i, line in enumerate(lines) if line.startswith("    grad_b = "))
            lines.insert(at, "    " + _comment(self.tr("delta_rule_sign")))
        return lines

    def training(self) -> list[str]:
        """The training loop as the engine runs it; the film's numbers printed at the explained update."""
        cfg = self.cfg
        update_b = cfg.use_biases and cfg.update_biases
        lines = ["def epoch_loss():", f"    {_comment(self.tr('epoch_loss'))}",
                 "    losses = []",
                 "    for x, y in zip(X, Y):",
                 "        z, a = forward(x)",
                 "        losses.append(loss(a[len(LAYERS) - 1], y))",
                 "    return np.mean(losses)",
                 "", "",
                 _comment(self.tr("training")),
                 'show("epoch0_loss", epoch_loss())  ' + _comment(self.tr("epoch_zero")),
                 "rng_order = np.random.default_rng(SHUFFLE_SEED) if SHUFFLE_SEED is not None else None",
                 "step = 0", "L = len(LAYERS) - 1",
                 "for epoch in range(1, EPOCHS + 1):",
                 "    order = rng_order.permutation(len(X)) if rng_order is not None else np.arange(len(X))",
                 "    for start in range(0, len(X), BATCH_SIZE):",
                 "        batch = order[start:start + BATCH_SIZE]",
                 "        sum_W = {l: np.zeros_like(W[l]) for l in W}",
                 "        sum_b = {l: np.zeros_like(b[l]) for l in b}",
                 "        losses = []",
                 "        for n in batch:",
                 "            z, a = forward(X[n])",
                 "            delta, grad_b, grad_W = backward(z, a, Y[n])",
                 "            losses.append(loss(a[L], Y[n]))",
                 "            for l in W:",
                 "                sum_W[l] += grad_W[l]",
                 "                sum_b[l] += grad_b[l]",
                 "            if step == EXPLAINED_STEP and n == EXPLAINED_SAMPLE:",
                 f"                {_comment(self.tr('film_numbers'))}",
                 '                show("x", X[n])',
                 "                for l in range(1, L + 1):",
                 '                    show(f"z{l}", z[l])',
                 '                    show(f"a{l}", a[l])',
                 '                show("y", Y[n])',
                 '                show("loss", losses[-1])',
                 "                for l in range(L, 0, -1):",
                 '                    show(f"delta{l}", delta[l])',
                 f"        {_comment(self.tr('mean'))}",
                 "        mean_W = {l: sum_W[l] / len(batch) for l in W}",
                 "        mean_b = {l: sum_b[l] / len(batch) for l in b}",
                 *([] if update_b else [f"        {_comment(self.tr('frozen_biases'))}"]),
                 "        for l in W:",
                 "            W[l] = W[l] - LEARNING_RATE * mean_W[l]  " + _comment(self.tr("update")),
                 *(["            b[l] = b[l] - LEARNING_RATE * mean_b[l]"] if update_b else []),
                 "        if step == EXPLAINED_STEP:",
                 '            show("step_loss", np.mean(losses))',
                 "            for l in W:",
                 '                show(f"grad_W{l}", mean_W[l])',
                 '                show(f"grad_b{l}", mean_b[l])',
                 '                show(f"W{l}_new", W[l])',
                 '                show(f"b{l}_new", b[l])',
                 "        step += 1"]
        lines.append('    show(f"epoch{epoch}_loss", epoch_loss())  ' + _comment(self.tr("epoch_losses")))
        return lines


def numpy_program(story: Story) -> str:
    """The program of ``story``: NumPy only, comments in the story's language."""
    return ProgramWriter(story).program()
