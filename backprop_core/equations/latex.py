"""Unevaluated SymPy expressions and the LaTeX printer that shows them (helpers of ``equations``).

Every builder here makes its node with ``evaluate=False``, so ``0.15 * 0.05 + 0.35`` stays
three numbers and two operations, in the order written, until ``.doit()`` evaluates it.
Floats keep full double precision; only the printer rounds them.

Symbols carry their LaTeX as their name (``Symbol("w^{1}_{12}")``) and print verbatim.
A quantity is a template with placeholders ``§0``, ``§1`` for its indices (see :func:`fill`):
with numbers it becomes such a Symbol, with a summation index an :class:`~sympy.Indexed`
that the printer fills in (``w^{1}_{§0§1}`` at ``(0, k)`` prints ``w^{1}_{1k}``).
"""

from __future__ import annotations

import re

import sympy
from sympy.printing.latex import LatexPrinter

from ..formatting import FIXED_EXTRA, format_fixed, format_number  # noqa: F401 - written here before

ONE = sympy.Integer(1)
MINUS_ONE = sympy.Integer(-1)


def fill(template: str, parts: list[str]) -> str:
    """``template`` with placeholder ``§i`` replaced by ``parts[i]``.

    Adjacent placeholders (``_{§0§1}``) are joined with a comma when one part is longer than
    one character, so ``w_{10,3}`` stays readable while ``w_{13}`` stays short.
    """
    def group(match: re.Match) -> str:
        chosen = [parts[int(i)] for i in re.findall(r"§(\d)", match.group(0))]
        return ("," if any(len(p) > 1 for p in chosen) and len(chosen) > 1 else "").join(chosen)

    return re.sub(r"(?:§\d)+", group, template)


def _needs_dot(left: sympy.Basic, left_tex: str, right_tex: str) -> bool:
    r"""Whether two printed factors need ``\cdot`` between them to read as a product.

    Needed before anything that starts like a number, after a plain number (``0.59 \cdot (1 -
    0.59)``) and between two derivative fractions; ``\frac{1}{2} \sum`` or ``w a`` need none.
    """
    if right_tex[:1].isdigit() or right_tex.startswith(("-", r"\left(-")):
        return True
    if (left.is_Float or left.is_Integer) and not right_tex.startswith(r"\sum"):
        return True
    return left_tex.startswith(r"\frac{\partial") and right_tex.startswith(r"\frac{\partial")


def _frac(numerator: str, denominator: str) -> str:
    return rf"\frac{{{numerator}}}{{{denominator}}}"


def _is_reciprocal(expr: sympy.Basic) -> bool:
    return isinstance(expr, sympy.Pow) and expr.exp == MINUS_ONE


class EquationPrinter(LatexPrinter):
    r"""LaTeX for unevaluated expressions, argument order kept and Floats rounded.

    Negative numbers are put in parentheses wherever they are factors, so the output never
    holds ``+ -``, ``- -`` or ``\cdot -``.
    """

    def __init__(self, decimals: int = 4):
        super().__init__({"parenthesize_super": False})
        self.decimals = decimals

    def _print_Float(self, expr):
        return format_number(float(expr), self.decimals)

    def _print_Symbol(self, expr, style="plain"):
        return expr.name

    def _print_Indexed(self, expr):
        return fill(expr.base.label.name, [self._print(i) for i in expr.indices])

    def _print_Add(self, expr, order=None):
        out = ""
        for pos, term in enumerate(expr.args):
            tex = self._print(term)
            if pos == 0:
                out = tex
            elif tex.startswith("-"):
                out += " - " + tex[1:].lstrip()
            else:
                out += " + " + tex
        return out

    def _factor(self, factor: sympy.Basic, after_sign: bool, first: bool, last: bool) -> str:
        if _is_reciprocal(factor):
            return _frac("1", self._print(factor.base))
        tex = self._print(factor)
        if isinstance(factor, (sympy.Add, sympy.Piecewise)) or (isinstance(factor, sympy.Sum) and not last):
            return self._add_parens(tex)
        if tex.startswith("-") and (after_sign or not first):
            return self._add_parens(tex)
        return tex

    def _print_Mul(self, expr):
        args = list(expr.args)
        sign = ""
        if len(args) > 1 and args[0] == MINUS_ONE:
            sign, args = "- ", args[1:]
            if len(args) == 1 and args[0].is_Number and args[0] >= 0:
                return "-" + self._print(args[0])
        if len(args) == 2 and _is_reciprocal(args[1]) and not _is_reciprocal(args[0]):
            return sign + _frac(self._print(args[0]), self._print(args[1].base))
        last = len(args) - 1
        pieces = [self._factor(f, bool(sign), pos == 0, pos == last) for pos, f in enumerate(args)]
        out = pieces[0]
        for pos in range(1, len(args)):
            out += (r" \cdot " if _needs_dot(args[pos - 1], pieces[pos - 1], pieces[pos]) else " ")
            out += pieces[pos]
        return sign + out

    def _print_Pow(self, expr):
        if _is_reciprocal(expr):
            return _frac("1", self._print(expr.base))
        if expr.base.is_Float:
            base = self._print(expr.base)
            if base.startswith("-") or r"\times" in base:
                base = self._add_parens(base)
            return f"{{{base}}}^{{{self._print(expr.exp)}}}"
        if expr.base.is_Symbol and ("^" in expr.base.name or "_" in expr.base.name):
            # a^{1}_{1} squared: (a^{1}_{1})^{2}, not {a^{1}_{1}}^{2}, which reads like a^{12}
            return rf"\left({self._print(expr.base)}\right)^{{{self._print(expr.exp)}}}"
        return self._helper_print_standard_power(expr, r"%s^{%s}")

    def _print_Max(self, expr, exp=None):
        args = sorted(expr.args, key=lambda a: 0 if a == 0 else 1)
        return r"\max" + self._add_parens(", ".join(self._print(a) for a in args))

    def _print_Sum(self, expr):
        body = expr.function
        tex = self._print(body)
        if isinstance(body, sympy.Add):
            tex = self._add_parens(tex)
        signs = []
        for index, low, high in expr.limits:
            signs.append(rf"\sum_{{{self._print(index)}={self._print(low)}}}^{{{self._print(high)}}}")
        return " ".join(reversed(signs)) + " " + tex


def to_latex(expr: sympy.Basic, decimals: int = 4) -> str:
    """LaTeX of ``expr`` with its Floats rounded to ``decimals`` places."""
    return EquationPrinter(decimals).doprint(expr)


# -- builders (every one unevaluated) ------------------------------------------------------------
def num(x: float) -> sympy.Float:
    """A Float holding ``x`` at full double precision."""
    return sympy.Float(float(x))


def sym(tex: str) -> sympy.Symbol:
    """A symbol that prints as ``tex``."""
    return sympy.Symbol(tex)


def quantity(template: str, *indices) -> sympy.Expr:
    """The quantity ``template`` at ``indices``: ints are 0-based trace indices, shown 1-based.

    With only int indices this is a :func:`sym`; with a summation index (a Symbol) it is an
    Indexed that prints the same way, so a ``Sum`` over it knows what depends on the index.
    """
    if all(isinstance(i, int) for i in indices):
        return sym(fill(template, [str(i + 1) for i in indices]))
    idx = [sympy.Integer(i + 1) if isinstance(i, int) else i for i in indices]
    return sympy.Indexed(sympy.IndexedBase(template), *idx)


def add(*terms) -> sympy.Expr:
    """``terms[0] + terms[1] + ...`` in that order (a single term is returned as is)."""
    return terms[0] if len(terms) == 1 else sympy.Add(*terms, evaluate=False)


def mul(*factors) -> sympy.Expr:
    """``factors[0] * factors[1] * ...`` in that order."""
    return factors[0] if len(factors) == 1 else sympy.Mul(*factors, evaluate=False)


def neg(x) -> sympy.Expr:
    """``-x``."""
    return sympy.Mul(MINUS_ONE, x, evaluate=False)


def sub(a, b) -> sympy.Expr:
    """``a - b``."""
    return add(a, neg(b))


def recip(x) -> sympy.Expr:
    """``1 / x``."""
    return sympy.Pow(x, MINUS_ONE, evaluate=False)


def frac(numerator, denominator) -> sympy.Expr:
    """``numerator / denominator``, printed as one fraction when the numerator is a number."""
    return mul(sympy.sympify(numerator), recip(denominator))


def square(x) -> sympy.Expr:
    """``x^2``."""
    return sympy.Pow(x, sympy.Integer(2), evaluate=False)


def exp(x) -> sympy.Expr:
    """``e^x``."""
    return sympy.exp(x, evaluate=False)


def log(x) -> sympy.Expr:
    """``log x``."""
    return sympy.log(x, evaluate=False)


def summation(body, index: sympy.Symbol, low, high) -> sympy.Expr:
    """``sum_{index=low}^{high} body``."""
    return sympy.Sum(body, (index, low, high))


def substitute(expr: sympy.Basic, values: dict[sympy.Symbol, sympy.Expr]) -> sympy.Basic:
    """``expr`` with each symbol of ``values`` replaced by its value (a Float), structure kept."""
    with sympy.evaluate(False):
        return expr.xreplace(values)

