"""How the equations print numbers, and where SymPy may be imported.

Negative numbers in brackets, the significant figures of a substituted number, the fixed point
of the code table; and ``sympy`` is imported by ``backprop_core.equations`` only, so that the
engine alone never loads it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import backprop_core
from backprop_core import run_preset
from backprop_core.equations import neuron_equations
from backprop_core.equations.latex import format_fixed, format_number, mul, num, sub, to_latex


# -- printing ------------------------------------------------------------------------------------
def test_negative_numbers_are_bracketed():
    assert to_latex(sub(num(0.3), num(-0.2))) == r"0.3 - \left(-0.2\right)"
    assert to_latex(mul(num(-0.5), num(-0.25))) == r"-0.5 \cdot \left(-0.25\right)"
    assert to_latex(sub(num(0.1), mul(num(-0.5), num(2.0)))) == r"0.1 - \left(-0.5 \cdot 2\right)"


def test_format_number():
    assert format_number(0.15) == "0.15" and format_number(2.0) == "2" and format_number(0.0) == "0"
    assert format_number(-0.138498562) == "-0.1385" and format_number(0.138498562, 6) == "0.138499"
    assert format_number(1.234e-7) == r"1.234 \times 10^{-7}"
    eq = neuron_equations(run_preset("mazur"), 0, None, 2, 0)["delta"]
    assert eq.latex_numbers(decimals=2).endswith("= 0.14")


def test_format_fixed_keeps_its_places_and_never_writes_a_false_zero():
    fixed = [format_fixed(v) for v in (0.038, 0.5510, 0.99996, 0.0)]
    assert fixed == ["0.0380", "0.5510", "1.0000", "0.0000"]
    assert format_fixed(5.7034e-5) == "0.0001" and format_fixed(1.4465e-5) == "0.00001"
    assert format_fixed(-0.00012) == "-0.0001" and format_fixed(-3e-8) == "-0.00000003"
    assert format_fixed(0.1385, 2) == "0.14" and format_fixed(0.004, 2) == "0.004"
    assert format_fixed(2e-10) == format_number(2e-10)  # 9 zeros: scientific, as the equations


# -- SymPy stays in the equations modules --------------------------------------------------------
def test_only_the_equations_package_uses_sympy():
    package = Path(backprop_core.__file__).parent
    importers = set()
    for path in package.rglob("*.py"):
        if re.search(r"^\s*(import sympy|from sympy)", path.read_text(encoding="utf-8"), re.MULTILINE):
            importers.add(path.relative_to(package).parts[0])
    assert importers == {"equations"}, f"sympy imported outside backprop_core/equations: {importers}"
    others = sorted(f"backprop_core.{p.stem}" for p in package.glob("*.py") if not p.stem.startswith("__"))
    code = (f"import sys\nfor m in {others!r}:\n    __import__(m)\n"
            "assert 'sympy' not in sys.modules, 'sympy loaded without backprop_core.equations'\n"
            "import backprop_core.equations\nassert 'sympy' in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=package.parent)
